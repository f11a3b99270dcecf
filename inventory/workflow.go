package inventory

import (
	"fmt"
	"strings"
	"time"
)

// The board (DOMAIN.md §4). People move a card along these edges and no
// others:
//
//	from                 to                             who may take it
//	triage               planned                        security lead: planning (path, assignee) is the lead's call
//	planned              in_progress                    security lead, or the engineer assigned
//	in_progress          planned, blocked, remediated   security lead, or the engineer assigned
//	blocked              planned, in_progress           security lead, or the engineer assigned
//	remediated           in_progress                    security lead, or the engineer assigned (a problem was found)
//	remediated           verified                       security lead ("verify")
//	verified             planned                        security lead (reopen)
//	exception_requested  planned                        security lead (reject), or the requester (withdraw)
//	exception_granted    planned                        security lead (revoke)
//
// Nothing goes back to triage: it holds only the accounts a sync has just
// found. exception_requested and exception_granted are never entered by a
// move: a request needs its justification (CanRequestException) and a grant
// needs a second person (CanDecideException). Management moves nothing.
//
// The system moves, which no person makes:
//
//	sync    triage, remediated → verified    the account is compliant (or disabled, from triage)
//	sync    remediated, verified → planned   the account is at risk or non-compliant (reopen)
//	sync    (new card) → triage              an account it has just found open; a new card, not a move
//	sync    (new card) → verified            an account it has just found compliant or disabled
//	expiry  exception_granted → planned      the exception's expiry has passed
//
// CanMove checks in this order, so the refusal a person reads is the one that
// helps: an unknown status (EINVALID); whether the actor may move cards at all
// (EFORBIDDEN: management, no role); the same status (EINVALID); the graph
// (EINVALID); then the limits of the engineer's role and ownership (EFORBIDDEN);
// last, a verify while the last sync found the account open (ECONFLICT:
// verified means the last sync found it compliant).

// Status is a card's column on the board.
type Status string

const (
	Triage             Status = "triage"
	Planned            Status = "planned"
	InProgress         Status = "in_progress"
	Blocked            Status = "blocked"
	Remediated         Status = "remediated"
	Verified           Status = "verified"
	ExceptionRequested Status = "exception_requested"
	ExceptionGranted   Status = "exception_granted"
)

// Statuses in board column order.
var Statuses = []Status{Triage, Planned, InProgress, Blocked, Remediated, Verified, ExceptionRequested, ExceptionGranted}

var statusLabels = map[Status]string{
	Triage:             "Triage",
	Planned:            "Planned",
	InProgress:         "In progress",
	Blocked:            "Blocked",
	Remediated:         "Remediated",
	Verified:           "Verified",
	ExceptionRequested: "Exception requested",
	ExceptionGranted:   "Exception granted",
}

// Label returns the human words for a status.
func (s Status) Label() string { return label(statusLabels, s) }

// words is the status inside a sentence: "in progress".
func (s Status) words() string { return strings.ToLower(s.Label()) }

// ParseStatus accepts exactly the values of Statuses.
func ParseStatus(s string) (Status, error) {
	if _, ok := statusLabels[Status(s)]; ok {
		return Status(s), nil
	}
	return "", Errorf(EINVALID, "Unknown status %q: use %s.", s, joinOr(Statuses))
}

// Card is an account's place on the board.
type Card struct {
	AccountID string
	Status    Status
	Assignee  string // user id, "" = nobody
	// AssigneeName is the assignee's display name, for the sentence an
	// engineer reads when the card is someone else's.
	AssigneeName       string
	DueDate            time.Time
	Version            int64
	ExceptionRequester string // user id of whoever requested the pending or granted exception
	// StatusReason is why the card is in its column: the reason given with
	// the move that put it there (what blocks a blocked card).
	StatusReason string

	// The account's facts as the last sync (or reassessment) left them,
	// copied onto the card: the board orders by them (CompareCards), and a
	// verify is refused by the verdict, naming the account.
	UserPrincipalName string
	Compliance        Compliance
	Markers           []Marker
	// Cause is the first reason for the verdict, which a refused verify
	// names; the store reads it for a refusal only.
	Cause string
}

type move struct{ from, to Status }

// boardMoves are the edges people take. leadOnly is the refusal an engineer
// reads for an edge that is not theirs; "" means an assigned engineer may take it.
var boardMoves = map[move]string{
	{Triage, Planned}:             "Planning an account is the security lead's decision; ask them to move it out of triage",
	{Planned, InProgress}:         "",
	{InProgress, Planned}:         "",
	{InProgress, Blocked}:         "",
	{InProgress, Remediated}:      "",
	{Blocked, Planned}:            "",
	{Blocked, InProgress}:         "",
	{Remediated, InProgress}:      "",
	{Remediated, Verified}:        "Only a security lead can verify a remediation",
	{Verified, Planned}:           "Only a security lead can reopen a verified account",
	{ExceptionRequested, Planned}: "Only a security lead or the person who requested the exception can take the request back to planned",
	{ExceptionGranted, Planned}:   "Only a security lead can revoke a granted exception",
}

// systemMoves are the moves each system actor makes, by actor id.
var systemMoves = map[string]map[move]bool{
	SyncActor.ID:   {{Triage, Verified}: true, {Remediated, Verified}: true, {Remediated, Planned}: true, {Verified, Planned}: true},
	ExpiryActor.ID: {{ExceptionGranted, Planned}: true},
}

// refusal names why a move is refused without building the sentence, so
// MovesFor can try every column of every card on a board cheaply.
type refusal int

const (
	allowed refusal = iota
	unknownTo
	unknownFrom
	notAPerson
	managementMoves
	alreadyThere
	notASystemMove
	exceptionByMove
	notAnEdge
	notEngineersMove
	notAssigned
	notCompliantYet
)

func decideMove(a Actor, c Card, to Status) refusal {
	from := c.Status
	if _, ok := statusLabels[to]; !ok {
		return unknownTo
	}
	if _, ok := statusLabels[from]; !ok {
		return unknownFrom
	}
	switch {
	case a.System:
	case a.is(Management):
		return managementMoves
	case !a.person():
		return notAPerson
	}
	if from == to {
		return alreadyThere
	}
	if a.System {
		if systemMoves[a.ID][move{from, to}] {
			return allowed
		}
		return notASystemMove
	}
	if to == ExceptionRequested || to == ExceptionGranted {
		return exceptionByMove
	}
	leadOnly, edge := boardMoves[move{from, to}]
	switch {
	case !edge:
		return notAnEdge
	case a.Role == SecurityLead:
	case from == ExceptionRequested && c.ExceptionRequester == a.ID:
		// the requester withdraws their own request
	case leadOnly != "":
		return notEngineersMove
	case c.Assignee != a.ID:
		return notAssigned
	}
	if to == Verified && c.Compliance.Open() {
		return notCompliantYet
	}
	return allowed
}

// CanMove returns nil when a may move card c to status to, or a *Error
// (EFORBIDDEN for role and ownership, EINVALID for a move the workflow
// forbids) with the sentence a person reads.
func CanMove(a Actor, c Card, to Status) error {
	from := c.Status
	switch decideMove(a, c, to) {
	case allowed:
		return nil
	case unknownTo:
		_, err := ParseStatus(string(to))
		return err
	case unknownFrom:
		return Errorf(EINVALID, "This account's status %q is unknown, so it cannot be moved.", from)
	case managementMoves:
		return Errorf(EFORBIDDEN, "Management can read and export but not move accounts; ask a security lead or the engineer assigned.")
	case notAPerson:
		return Errorf(EFORBIDDEN, "Only a security lead or an engineer can move accounts%s.", a.signedInAs())
	case alreadyThere:
		return Errorf(EINVALID, "The account is already in the %s column.", from.Label())
	case notASystemMove:
		if a.ID == ExpiryActor.ID {
			return Errorf(EFORBIDDEN, "The exception expiry only reopens accounts whose granted exception has expired.")
		}
		return Errorf(EFORBIDDEN, "The sync only verifies or reopens accounts that are remediated or verified.")
	case exceptionByMove:
		if to == ExceptionRequested {
			return Errorf(EINVALID, "An account enters exception requested only through a request for a technical exception, with its justification and compensating controls.")
		}
		return Errorf(EINVALID, "An exception is granted only by a security lead's decision on a request, not by moving the card.")
	case notAnEdge:
		if to == Triage {
			return Errorf(EINVALID, "An account cannot go back to triage: triage holds only the accounts a sync has just found.")
		}
		return Errorf(EINVALID, "An account cannot go from %s straight to %s: %s.", from.words(), to.words(), detour(from))
	case notEngineersMove:
		return Errorf(EFORBIDDEN, "%s.", boardMoves[move{from, to}])
	case notAssigned:
		return notYours(c, "move")
	case notCompliantYet:
		return notVerifiable(c)
	}
	return Errorf(EINTERNAL, "The move from %s to %s could not be checked.", from, to)
}

// detour says which step a card must take first.
func detour(from Status) string {
	switch from {
	case Triage:
		return "plan it first"
	case Planned:
		return "start the work first (in progress)"
	case InProgress:
		return "mark it remediated first, then a security lead verifies it"
	case Blocked:
		return "resume the work first (in progress)"
	case Remediated:
		return "move it back to in progress first"
	case Verified:
		return "reopen it first (planned)"
	case ExceptionRequested:
		return "the exception request must be decided or withdrawn first"
	case ExceptionGranted:
		return "a security lead must revoke the exception first"
	}
	return "that is not a step of the workflow"
}

// notYours is the refusal an engineer reads on a card that is not theirs.
func notYours(c Card, doing string) error {
	whose := "this one is not assigned to anyone yet"
	if c.Assignee != "" {
		name := c.AssigneeName
		if name == "" {
			name = "another engineer"
		}
		whose = "this one is assigned to " + name
	}
	return Errorf(EFORBIDDEN, "Engineers can %s only the accounts assigned to them; %s.", doing, whose)
}

// notVerifiable is the refusal of a verify while the last sync found the
// account at risk or non-compliant: the account, the verdict and its cause.
func notVerifiable(c Card) error {
	found := "the last sync found it " + strings.ToLower(c.Compliance.Label())
	if cause := strings.TrimRight(strings.TrimSpace(c.Cause), "."); cause != "" {
		found += " — " + cause
	}
	return Errorf(ECONFLICT, "Can't verify %s: %s.", c.who(), found)
}

// who names the card's account in a sentence.
func (c Card) who() string {
	if c.UserPrincipalName == "" {
		return "this account"
	}
	return c.UserPrincipalName
}

// MovesFor returns the moves to offer a in the UI, in board order: those
// CanMove allows, without the exception columns, which have their own
// actions. A verify the verdict refuses is offered all the same: trying it
// says what still stands in the way, which a missing option would not.
func MovesFor(a Actor, c Card) []Status {
	var moves []Status
	for _, to := range Statuses {
		if to == ExceptionRequested || to == ExceptionGranted {
			continue
		}
		if r := decideMove(a, c, to); r == allowed || r == notCompliantYet {
			moves = append(moves, to)
		}
	}
	return moves
}

// AfterSync says what a sync does to a card given the account's new verdict.
// A card with no status is an account the sync has just found: it enters
// triage when it is open work, and verified when it is compliant or
// disabled (not applicable), so that the board's open columns hold exactly
// the accounts readiness counts open. A triage card the sync finds
// compliant or disabled leaves for verified too. Otherwise only remediated
// and verified cards follow the verdict; every other card is a person's
// work in progress, and the sync leaves it alone.
func AfterSync(c Card, verdict Compliance) (to Status, changed bool, reason string) {
	settled, found := verdict == Compliant, "compliant"
	if verdict == NotApplicable {
		settled, found = true, "disabled (not applicable)"
	}
	switch {
	case c.Status == "" && settled:
		return Verified, true, "new account found by the sync, " + found
	case c.Status == "":
		return Triage, true, "new account found by the sync"
	case c.Status == Triage && settled:
		return Verified, true, "the sync found the account " + found
	case c.Status != Remediated && c.Status != Verified:
		return c.Status, false, ""
	}
	switch verdict {
	case Compliant:
		if c.Status == Verified {
			return Verified, false, ""
		}
		return Verified, true, "the sync found the account compliant"
	case NonCompliant, AtRisk:
		return Planned, true, fmt.Sprintf("reopened: the sync found the account %s after it was %s",
			strings.ToLower(verdict.Label()), c.Status.words())
	}
	return c.Status, false, ""
}

// AfterExpiry says what the expiry check does to a card whose exception
// expires at expiry. A granted exception with no expiry recorded reopens too:
// every exception must end, and one that never does would hide
// non-compliance for good.
func AfterExpiry(c Card, expiry, now time.Time) (to Status, changed bool, reason string) {
	if c.Status != ExceptionGranted {
		return c.Status, false, ""
	}
	if expiry.IsZero() {
		return Planned, true, "technical exception has no expiry date recorded"
	}
	if now.Before(expiry) {
		return c.Status, false, ""
	}
	return Planned, true, "technical exception expired on " + expiry.Format("2 Jan 2006")
}

// Where a technical exception stands, as the exception register records it:
// requested, then granted, rejected or withdrawn; a granted one ends revoked
// or expired.
const (
	ExceptionStateRequested = "requested"
	ExceptionStateGranted   = "granted"
	ExceptionStateRejected  = "rejected"
	ExceptionStateWithdrawn = "withdrawn"
	ExceptionStateRevoked   = "revoked"
	ExceptionStateExpired   = "expired"
)

// MovePlan is a move CanMove allows, named for the record: what the store
// writes for it, in one transaction with the move.
type MovePlan struct {
	AccountID string
	From, To  Status
	Version   int64 // the card's version the move was decided on
	Reason    string
	Action    string // the audit action: ActionMove, or the exception's end
	// ExceptionEnd is what becomes of the card's pending or granted
	// exception: "" (it has none), or ExceptionStateWithdrawn, Rejected,
	// Revoked or Expired.
	ExceptionEnd string
}

// PlanMove decides a's move of card c to status to, with the reason given:
// CanMove's refusal, or the plan. A move to blocked needs its reason (what
// blocks the work), which the card then shows. Leaving exception_requested withdraws the
// request when its requester moves it and rejects it otherwise (a security
// lead); leaving exception_granted revokes the exception, or expires it when
// the expiry check moves it.
func PlanMove(a Actor, c Card, to Status, reason string) (MovePlan, error) {
	if err := CanMove(a, c, to); err != nil {
		return MovePlan{}, err
	}
	if to == Blocked && strings.TrimSpace(reason) == "" {
		return MovePlan{}, Errorf(EINVALID, "Say what blocks the work on %s: a move to Blocked needs its reason (at most %d characters).", c.who(), MaxReasonLength)
	}
	p := MovePlan{AccountID: c.AccountID, From: c.Status, To: to, Version: c.Version, Reason: reason, Action: ActionMove}
	switch {
	case c.Status == ExceptionRequested && c.ExceptionRequester == a.ID:
		p.Action, p.ExceptionEnd = ActionExceptionWithdrawn, ExceptionStateWithdrawn
	case c.Status == ExceptionRequested:
		p.Action, p.ExceptionEnd = ActionExceptionRejected, ExceptionStateRejected
	case c.Status == ExceptionGranted && a.ID == ExpiryActor.ID:
		p.Action, p.ExceptionEnd = ActionExceptionExpired, ExceptionStateExpired
	case c.Status == ExceptionGranted:
		p.Action, p.ExceptionEnd = ActionExceptionRevoked, ExceptionStateRevoked
	}
	return p, nil
}
