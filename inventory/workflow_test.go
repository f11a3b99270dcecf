package inventory

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	leadAlex  = Actor{ID: "lead-1", Name: "Alex", Role: SecurityLead}
	engDana   = Actor{ID: "eng-1", Name: "Dana", Role: Engineer}
	engSam    = Actor{ID: "eng-2", Name: "Sam", Role: Engineer}
	mgmtRobin = Actor{ID: "mgmt-1", Name: "Robin", Role: Management}
)

// boardCard is a card assigned to Dana whose exception, if any, was requested
// by another security lead (so no one in these tests is its requester).
func boardCard(s Status) Card {
	return Card{AccountID: "acc-1", Status: s, Assignee: engDana.ID, AssigneeName: engDana.Name, ExceptionRequester: "lead-2"}
}

// checkRefusal fails unless err matches want: 'A' allowed, 'F' EFORBIDDEN,
// 'I' EINVALID, and a refusal carries a sentence.
func checkRefusal(t *testing.T, where string, err error, want byte) {
	t.Helper()
	if want == 'A' {
		if err != nil {
			t.Errorf("%s: refused (%v), want allowed", where, err)
		}
		return
	}
	var de *Error
	if !errors.As(err, &de) {
		t.Errorf("%s: got %v, want a *Error", where, err)
		return
	}
	code := map[byte]string{'F': EFORBIDDEN, 'I': EINVALID}[want]
	if de.Code != code {
		t.Errorf("%s: code %q (%s), want %q", where, de.Code, de.Message, code)
	}
	if len(de.Message) < 20 || !strings.HasSuffix(de.Message, ".") {
		t.Errorf("%s: %q is not a sentence", where, de.Message)
	}
}

// ruleCase is one decision of a rule and what is wanted of it: a verdict
// as checkRefusal reads it (byte) or the sentence a person reads (string).
type ruleCase[W any] struct {
	name string
	err  error
	want W
}

// checkRefusals checks a table of decisions (checkRefusal).
func checkRefusals(t *testing.T, cases []ruleCase[byte]) {
	t.Helper()
	for _, c := range cases {
		checkRefusal(t, c.name, c.err, c.want)
	}
}

// checkSentences checks that each refusal happened and reads as wanted.
func checkSentences(t *testing.T, cases []ruleCase[string]) {
	t.Helper()
	for _, c := range cases {
		if got := ErrorMessage(c.err); c.err == nil || got != c.want {
			t.Errorf("%s: got %q (%v), want %q", c.name, got, c.err, c.want)
		}
	}
}

// refusalRow is a row of a permission matrix: what the row is about and the
// verdict wanted in each column, as checkRefusal reads it.
type refusalRow[R any] struct {
	name string
	of   R
	want string
}

// checkRefusalMatrix checks rule on every row and column; where names a
// cell in a failure.
func checkRefusalMatrix[R, C any](t *testing.T, rows []refusalRow[R], cols []C, where func(row string, col C) string, rule func(R, C) error) {
	t.Helper()
	for _, r := range rows {
		if len(r.want) != len(cols) {
			t.Fatalf("%s: %d verdicts for %d columns", r.name, len(r.want), len(cols))
		}
		for i, c := range cols {
			checkRefusal(t, where(r.name, c), rule(r.of, c), r.want[i])
		}
	}
}

// TestWorkflowMoveMatrix checks every actor × from × to cell against an
// explicit table. Rows are from, columns are to, both in board order:
// triage, planned, in_progress, blocked, remediated, verified,
// exception_requested, exception_granted.
func TestWorkflowMoveMatrix(t *testing.T) {
	t.Parallel()
	// An engineer moves only their own cards: someone else's card and an
	// unassigned one refuse them alike.
	notTheirs := [8]string{
		"IFIIIIII",
		"IIFIIIII",
		"IFIFFIII",
		"IFFIIIII",
		"IIFIIFII",
		"IFIIIIII",
		"IFIIIIII",
		"IFIIIIII",
	}
	tests := []struct {
		name  string
		actor Actor
		card  func(Status) Card
		grid  [8]string
	}{
		{"security lead", leadAlex, boardCard, [8]string{
			//TPIBRVQG
			"IAIIIIII", // triage
			"IIAIIIII", // planned
			"IAIAAIII", // in_progress
			"IAAIIIII", // blocked
			"IIAIIAII", // remediated
			"IAIIIIII", // verified
			"IAIIIIII", // exception_requested
			"IAIIIIII", // exception_granted
		}},
		{"assigned engineer", engDana, boardCard, [8]string{
			"IFIIIIII",
			"IIAIIIII",
			"IAIAAIII",
			"IAAIIIII",
			"IIAIIFII",
			"IFIIIIII",
			"IFIIIIII",
			"IFIIIIII",
		}},
		{"engineer on someone else's card", engSam, boardCard, notTheirs},
		{"engineer on an unassigned card", engDana, func(s Status) Card { c := boardCard(s); c.Assignee = ""; return c }, notTheirs},
		{"management", mgmtRobin, boardCard, [8]string{
			"FFFFFFFF",
			"FFFFFFFF",
			"FFFFFFFF",
			"FFFFFFFF",
			"FFFFFFFF",
			"FFFFFFFF",
			"FFFFFFFF",
			"FFFFFFFF",
		}},
		{"sync", SyncActor, boardCard, [8]string{
			"IFFFFAFF",
			"FIFFFFFF",
			"FFIFFFFF",
			"FFFIFFFF",
			"FAFFIAFF",
			"FAFFFIFF",
			"FFFFFFIF",
			"FFFFFFFI",
		}},
		{"exception expiry", ExpiryActor, boardCard, [8]string{
			"IFFFFFFF",
			"FIFFFFFF",
			"FFIFFFFF",
			"FFFIFFFF",
			"FFFFIFFF",
			"FFFFFIFF",
			"FFFFFFIF",
			"FAFFFFFI",
		}},
	}
	if len(Statuses) != 8 {
		t.Fatalf("the grids have 8 columns, Statuses has %d", len(Statuses))
	}
	for _, tt := range tests {
		for i, from := range Statuses {
			row := tt.grid[i]
			if len(row) != len(Statuses) {
				t.Fatalf("%s: row %s has %d cells", tt.name, from, len(row))
			}
			for j, to := range Statuses {
				err := CanMove(tt.actor, tt.card(from), to)
				checkRefusal(t, tt.name+": "+string(from)+" → "+string(to), err, row[j])
			}
		}
	}
}

func TestWorkflowRefusalSentences(t *testing.T) {
	t.Parallel()
	checkSentences(t, []ruleCase[string]{
		{"someone else's card", CanMove(engSam, boardCard(Planned), InProgress),
			"Engineers can move only the accounts assigned to them; this one is assigned to Dana."},
		{"assignee without a name", CanMove(engSam, Card{Status: Planned, Assignee: "eng-9"}, InProgress),
			"Engineers can move only the accounts assigned to them; this one is assigned to another engineer."},
		{"unassigned card", CanMove(engDana, Card{Status: Planned}, InProgress),
			"Engineers can move only the accounts assigned to them; this one is not assigned to anyone yet."},
		{"skipping the plan", CanMove(leadAlex, boardCard(Triage), Remediated),
			"An account cannot go from triage straight to remediated: plan it first."},
		{"verifying from in progress", CanMove(leadAlex, boardCard(InProgress), Verified),
			"An account cannot go from in progress straight to verified: mark it remediated first, then a security lead verifies it."},
		{"back to triage", CanMove(leadAlex, boardCard(Blocked), Triage),
			"An account cannot go back to triage: triage holds only the accounts a sync has just found."},
		{"same column", CanMove(engDana, boardCard(InProgress), InProgress),
			"The account is already in the In progress column."},
		{"engineer verifying", CanMove(engDana, boardCard(Remediated), Verified),
			"Only a security lead can verify a remediation."},
		{"unknown target", CanMove(leadAlex, boardCard(Planned), "done"),
			`Unknown status "done": use triage, planned, in_progress, blocked, remediated, verified, exception_requested or exception_granted.`},
		{"no role", CanMove(Actor{ID: "u-1", Name: "Kim"}, boardCard(Planned), InProgress),
			"Only a security lead or an engineer can move accounts; your account has no known role."},
		{"not signed in", CanMove(Actor{Role: Engineer}, Card{Status: Planned}, InProgress),
			"Only a security lead or an engineer can move accounts; you are not signed in."},
	})
}

func TestWorkflowUnknownCardStatus(t *testing.T) {
	t.Parallel()
	for _, s := range []Status{"", "done", "Planned"} {
		err := CanMove(leadAlex, Card{Status: s}, Planned)
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "is unknown") {
			t.Errorf("card status %q: got %v, want EINVALID naming the unknown status", s, err)
		}
	}
	if ErrorCode(CanMove(Actor{ID: "cron", System: true}, boardCard(Remediated), Verified)) != EFORBIDDEN {
		t.Error("an unknown system actor may move cards")
	}
}

func TestWorkflowRequesterWithdrawsOwnRequest(t *testing.T) {
	t.Parallel()
	c := boardCard(ExceptionRequested)
	c.ExceptionRequester = engSam.ID // Sam requested it when it was his, Dana has it now
	if err := CanMove(engSam, c, Planned); err != nil {
		t.Errorf("the requester cannot withdraw: %v", err)
	}
	if ErrorCode(CanMove(engDana, c, Planned)) != EFORBIDDEN {
		t.Error("an engineer who did not request the exception may withdraw it")
	}
	if ErrorCode(CanMove(engSam, c, InProgress)) != EINVALID {
		t.Error("the requester may move the request anywhere but planned")
	}
	c.Status = ExceptionGranted
	if ErrorCode(CanMove(engSam, c, Planned)) != EFORBIDDEN {
		t.Error("the requester may revoke a granted exception")
	}
}

// TestWorkflowMovesForAgreesWithCanMove holds MovesFor to its promise for
// every actor and status: exactly the moves CanMove allows, in board order,
// without the exception columns.
func TestWorkflowMovesForAgreesWithCanMove(t *testing.T) {
	t.Parallel()
	withdrawable := boardCard(ExceptionRequested)
	withdrawable.ExceptionRequester = engSam.ID
	actors := []Actor{leadAlex, engDana, engSam, mgmtRobin, SyncActor, ExpiryActor, {ID: "u-1"}}
	for _, a := range actors {
		cards := []Card{withdrawable}
		for _, s := range Statuses {
			cards = append(cards, boardCard(s), Card{Status: s})
		}
		for _, c := range cards {
			var want []Status
			for _, to := range Statuses {
				if to != ExceptionRequested && to != ExceptionGranted && CanMove(a, c, to) == nil {
					want = append(want, to)
				}
			}
			if got := MovesFor(a, c); !slices.Equal(got, want) {
				t.Errorf("%s on %+v: MovesFor %v, CanMove allows %v", a.Name, c, got, want)
			}
		}
	}
	// And a few spelled out, so agreeing on nothing cannot pass.
	spot := []struct {
		a    Actor
		c    Card
		want []Status
	}{
		{leadAlex, boardCard(InProgress), []Status{Planned, Blocked, Remediated}},
		{leadAlex, boardCard(Remediated), []Status{InProgress, Verified}},
		{engDana, boardCard(Remediated), []Status{InProgress}},
		{engDana, boardCard(Triage), nil},
		{engSam, boardCard(InProgress), nil},
		{engSam, withdrawable, []Status{Planned}},
		{mgmtRobin, boardCard(Planned), nil},
		{SyncActor, boardCard(Remediated), []Status{Planned, Verified}},
	}
	for _, s := range spot {
		if got := MovesFor(s.a, s.c); !slices.Equal(got, s.want) {
			t.Errorf("%s on %s: MovesFor %v, want %v", s.a.Name, s.c.Status, got, s.want)
		}
	}
}

func TestStatusParseAndLabels(t *testing.T) {
	t.Parallel()
	for _, s := range Statuses {
		got, err := ParseStatus(string(s))
		if err != nil || got != s {
			t.Errorf("ParseStatus(%q) = %q, %v", s, got, err)
		}
		if s.Label() == string(s) || s.Label() == "" {
			t.Errorf("status %q has no label", s)
		}
	}
	if InProgress.Label() != "In progress" || ExceptionRequested.Label() != "Exception requested" {
		t.Errorf("labels: %q, %q", InProgress.Label(), ExceptionRequested.Label())
	}
	for _, bad := range []string{"", "Triage", "in progress", " planned", "done"} {
		_, err := ParseStatus(bad)
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "exception_granted") {
			t.Errorf("ParseStatus(%q): %v, want EINVALID listing the statuses", bad, err)
		}
	}
}

func TestSyncAfterSync(t *testing.T) {
	t.Parallel()
	const keep = Status("(unchanged)")
	tests := []struct {
		from    Status
		verdict Compliance
		want    Status
		reason  string
	}{
		{"", NonCompliant, Triage, "new account found by the sync"},
		{"", AtRisk, Triage, "new account found by the sync"},
		{"", "", Triage, "new account found by the sync"},
		{"", Compliant, Verified, "new account found by the sync, compliant"},
		{"", NotApplicable, Verified, "new account found by the sync, disabled (not applicable)"},
		{Triage, Compliant, Verified, "the sync found the account compliant"},
		{Triage, NotApplicable, Verified, "the sync found the account disabled (not applicable)"},
		{Triage, NonCompliant, keep, ""},
		{Triage, Excepted, keep, ""},
		{Remediated, Compliant, Verified, "the sync found the account compliant"},
		{Verified, Compliant, keep, ""},
		{Remediated, NonCompliant, Planned, "reopened: the sync found the account non-compliant after it was remediated"},
		{Remediated, AtRisk, Planned, "reopened: the sync found the account at risk after it was remediated"},
		{Verified, NonCompliant, Planned, "reopened: the sync found the account non-compliant after it was verified"},
		{Verified, AtRisk, Planned, "reopened: the sync found the account at risk after it was verified"},
		{Verified, Excepted, keep, ""},
		{Verified, NotApplicable, keep, ""},
		{Remediated, Excepted, keep, ""},
		{Remediated, NotApplicable, keep, ""},
		{Remediated, "", keep, ""},
		{Planned, Compliant, keep, ""},
		{InProgress, NonCompliant, keep, ""},
		{Blocked, AtRisk, keep, ""},
		{ExceptionRequested, Compliant, keep, ""},
		{ExceptionGranted, NonCompliant, keep, ""},
		{ExceptionGranted, Excepted, keep, ""},
	}
	for _, tt := range tests {
		c := boardCard(tt.from)
		to, changed, reason := AfterSync(c, tt.verdict)
		want, wantChanged := tt.want, true
		if want == keep {
			want, wantChanged = tt.from, false
		}
		if to != want || changed != wantChanged || reason != tt.reason {
			t.Errorf("AfterSync(%q, %q) = %q, %v, %q; want %q, %v, %q",
				tt.from, tt.verdict, to, changed, reason, want, wantChanged, tt.reason)
		}
	}
}

// TestSyncMovesArePermitted holds AfterSync and AfterExpiry to the system
// moves CanMove allows, so the store can check every move the same way.
func TestSyncMovesArePermitted(t *testing.T) {
	t.Parallel()
	verdicts := append(slices.Clone(Compliances), "")
	for _, from := range Statuses {
		for _, v := range verdicts {
			to, changed, _ := AfterSync(boardCard(from), v)
			if changed {
				if err := CanMove(SyncActor, boardCard(from), to); err != nil {
					t.Errorf("AfterSync moves %s → %s, but CanMove refuses the sync: %v", from, to, err)
				}
			}
		}
		to, changed, _ := AfterExpiry(boardCard(from), boardDay(2027, 1, 2), boardDay(2027, 1, 3))
		if changed {
			if err := CanMove(ExpiryActor, boardCard(from), to); err != nil {
				t.Errorf("AfterExpiry moves %s → %s, but CanMove refuses the expiry: %v", from, to, err)
			}
		}
	}
}

func TestExpiryAfterExpiry(t *testing.T) {
	t.Parallel()
	expiry := boardDay(2027, 1, 2)
	tests := []struct {
		name    string
		from    Status
		expiry  time.Time
		now     time.Time
		changed bool
		reason  string
	}{
		{"before expiry", ExceptionGranted, expiry, expiry.Add(-time.Second), false, ""},
		{"at expiry", ExceptionGranted, expiry, expiry, true, "technical exception expired on 2 Jan 2027"},
		{"after expiry", ExceptionGranted, expiry, boardDay(2027, 3, 1), true, "technical exception expired on 2 Jan 2027"},
		{"no expiry recorded", ExceptionGranted, time.Time{}, boardDay(2027, 3, 1), true, "technical exception has no expiry date recorded"},
		{"request still pending", ExceptionRequested, expiry, boardDay(2027, 3, 1), false, ""},
		{"already reopened", Planned, expiry, boardDay(2027, 3, 1), false, ""},
		{"verified", Verified, expiry, boardDay(2027, 3, 1), false, ""},
	}
	for _, tt := range tests {
		to, changed, reason := AfterExpiry(boardCard(tt.from), tt.expiry, tt.now)
		want := tt.from
		if tt.changed {
			want = Planned
		}
		if to != want || changed != tt.changed || reason != tt.reason {
			t.Errorf("%s: got %q, %v, %q; want %q, %v, %q", tt.name, to, changed, reason, want, tt.changed, tt.reason)
		}
	}
}

func boardDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// BenchmarkWorkflowMovesFor measures the moves offered for one card, which a
// board computes for every card it shows.
func BenchmarkWorkflowMovesFor(b *testing.B) {
	c := boardCard(InProgress)
	b.ReportAllocs()
	for b.Loop() {
		if len(MovesFor(engDana, c)) != 3 {
			b.Fatal("wrong moves")
		}
	}
}

// TestWorkflowPlanMove checks what each kind of move is on the record, and
// that a plan exists only for a move CanMove allows.
func TestWorkflowPlanMove(t *testing.T) {
	requestedByDana := Card{AccountID: "acc-1", Status: ExceptionRequested, Assignee: engDana.ID, ExceptionRequester: engDana.ID, Version: 7}
	tests := []struct {
		name       string
		actor      Actor
		card       Card
		to         Status
		action     string
		end        string // the exception's end, "" for none
		refusedFor string // the error code when the move is refused
	}{
		{"an ordinary move", engDana, Card{AccountID: "acc-1", Status: Planned, Assignee: engDana.ID, Version: 7}, InProgress, ActionMove, "", ""},
		{"a lead verifies", leadAlex, Card{AccountID: "acc-1", Status: Remediated, Version: 7}, Verified, ActionMove, "", ""},
		{"the sync reopens", SyncActor, Card{AccountID: "acc-1", Status: Verified, Version: 7}, Planned, ActionMove, "", ""},
		{"the requester withdraws", engDana, requestedByDana, Planned, ActionExceptionWithdrawn, ExceptionStateWithdrawn, ""},
		{"a lead withdraws their own request", leadAlex, Card{AccountID: "acc-1", Status: ExceptionRequested, ExceptionRequester: leadAlex.ID, Version: 7},
			Planned, ActionExceptionWithdrawn, ExceptionStateWithdrawn, ""},
		{"a lead rejects", leadAlex, requestedByDana, Planned, ActionExceptionRejected, ExceptionStateRejected, ""},
		{"a lead revokes", leadAlex, Card{AccountID: "acc-1", Status: ExceptionGranted, ExceptionRequester: engDana.ID, Version: 7},
			Planned, ActionExceptionRevoked, ExceptionStateRevoked, ""},
		{"the expiry expires", ExpiryActor, Card{AccountID: "acc-1", Status: ExceptionGranted, ExceptionRequester: engDana.ID, Version: 7},
			Planned, ActionExceptionExpired, ExceptionStateExpired, ""},
		{"another engineer cannot withdraw", engSam, requestedByDana, Planned, "", "", EFORBIDDEN},
		{"the sync does not revoke", SyncActor, Card{AccountID: "acc-1", Status: ExceptionGranted, ExceptionRequester: engDana.ID, Version: 7},
			Planned, "", "", EFORBIDDEN},
		{"management moves nothing", mgmtRobin, Card{AccountID: "acc-1", Status: Planned, Version: 7}, InProgress, "", "", EFORBIDDEN},
		{"not an edge", leadAlex, Card{AccountID: "acc-1", Status: Triage, Version: 7}, Verified, "", "", EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := PlanMove(tt.actor, tt.card, tt.to, "why")
			if tt.refusedFor != "" {
				if ErrorCode(err) != tt.refusedFor || p != (MovePlan{}) {
					t.Fatalf("PlanMove = %+v, %v; want refused with %s", p, err, tt.refusedFor)
				}
				if want := CanMove(tt.actor, tt.card, tt.to); ErrorMessage(err) != ErrorMessage(want) {
					t.Errorf("refusal %q, want CanMove's %q", ErrorMessage(err), ErrorMessage(want))
				}
				return
			}
			want := MovePlan{AccountID: "acc-1", From: tt.card.Status, To: tt.to, Version: 7, Reason: "why",
				Action: tt.action, ExceptionEnd: tt.end}
			if err != nil || p != want {
				t.Errorf("PlanMove = %+v, %v; want %+v", p, err, want)
			}
		})
	}
}
