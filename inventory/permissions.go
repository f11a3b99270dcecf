package inventory

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Authorisation is a domain rule (DOMAIN.md §4), so it lives here and the web
// layer only maps the codes: each check returns nil, or a *Error with
// EFORBIDDEN (the role or ownership forbids it) or EINVALID (the workflow
// forbids it in the card's state) and a sentence the person reads. A refused
// action is never a silent no-op. Moves are checked by CanMove (workflow.go).

// leadOnly refuses everyone but a signed-in security lead.
func leadOnly(a Actor, doing string) error {
	if a.is(SecurityLead) {
		return nil
	}
	return Errorf(EFORBIDDEN, "Only a security lead can %s%s.", doing, a.signedInAs())
}

// CanAssign says whether a may assign accounts to engineers.
func CanAssign(a Actor) error { return leadOnly(a, "assign accounts") }

// CanSetDueDate says whether a may set an account's due date.
func CanSetDueDate(a Actor) error { return leadOnly(a, "set due dates") }

// CanOverride says whether a may override an account's category or path.
func CanOverride(a Actor) error {
	return leadOnly(a, "override an account's category or remediation path")
}

// CanManageUsers says whether a may add, remove or change dashboard users:
// a security lead, or the command line (CLIActor). Whoever runs the command
// line holds the database's credentials, so refusing them would protect
// nothing; and it is how the first security lead is added.
func CanManageUsers(a Actor) error {
	if a.System && a.ID == CLIActor.ID {
		return nil
	}
	return leadOnly(a, "manage users")
}

// CanChangeSettings says whether a may change a tenant's settings.
func CanChangeSettings(a Actor) error { return leadOnly(a, "change settings") }

// CanWorkInTenant says whether a may change anything in the tenant
// tenantID. Every signed-in person may work in every tenant today; what
// they may change there is still each action's own Can… rule. A form's
// posted tenant is checked here, so that restricting people to some tenants
// one day changes this rule and no handler.
func CanWorkInTenant(a Actor, tenantID string) error {
	if a.person() && tenantID != "" {
		return nil
	}
	return Errorf(EFORBIDDEN, "Only signed-in users can change a tenant's accounts or settings%s.", a.signedInAs())
}

// CanBulkEdit says whether a may edit many cards at once. Each card's move is
// still checked by CanMove: a bulk edit never takes a step one edit could not.
func CanBulkEdit(a Actor) error { return leadOnly(a, "edit several accounts at once") }

// CanExport says whether a may export the readiness report: every role
// may, and so may the command line (CLIActor: whoever runs it holds the
// database's credentials, as with CanManageUsers); the export is recorded
// either way.
func CanExport(a Actor) error {
	if a.person() || (a.System && a.ID == CLIActor.ID) {
		return nil
	}
	return Errorf(EFORBIDDEN, "Only signed-in users can export the readiness report%s.", a.signedInAs())
}

// CanComment says whether a may comment on card c. Engineers comment on any
// card, not only their own: they collaborate, and a comment changes no state
// (it goes to the timeline beside the audit events). Management reads only.
func CanComment(a Actor, c Card) error {
	if a.is(SecurityLead) || a.is(Engineer) {
		return nil
	}
	if a.is(Management) {
		return Errorf(EFORBIDDEN, "Management can read and export but not comment; ask a security lead or an engineer.")
	}
	return Errorf(EFORBIDDEN, "Only a security lead or an engineer can comment%s.", a.signedInAs())
}

// CanRequestException says whether a may request a technical exception for
// card c: a security lead, or the engineer assigned to it, while the account
// is neither verified nor already under an exception.
func CanRequestException(a Actor, c Card) error {
	if !a.is(SecurityLead) && !a.is(Engineer) {
		return Errorf(EFORBIDDEN, "Only a security lead or the engineer assigned to an account can request a technical exception%s.", a.signedInAs())
	}
	switch c.Status {
	case Triage, Planned, InProgress, Blocked, Remediated:
	case Verified:
		return Errorf(EINVALID, "This account is verified: it needs no exception.")
	case ExceptionRequested:
		return Errorf(EINVALID, "An exception is already requested for this account and waits for a security lead's decision.")
	case ExceptionGranted:
		return Errorf(EINVALID, "This account already has a granted exception.")
	default:
		return Errorf(EINVALID, "This account's status %q is unknown, so no exception can be requested.", c.Status)
	}
	if a.Role == Engineer && c.Assignee != a.ID {
		return notYours(c, "request exceptions for")
	}
	return nil
}

// CanDecideException says whether a may grant or reject the exception
// requested on card c: a security lead who did not request it. A request
// whose requester is not recorded cannot show that rule is kept, so nobody
// may decide it; a lead moves it back to planned and it is asked for again.
func CanDecideException(a Actor, c Card) error {
	if !a.is(SecurityLead) {
		return Errorf(EFORBIDDEN, "Only a security lead can decide a technical exception%s.", a.signedInAs())
	}
	if c.Status != ExceptionRequested {
		return Errorf(EINVALID, "There is no exception request waiting for a decision on this account.")
	}
	if c.ExceptionRequester == "" {
		return Errorf(EFORBIDDEN, "Who requested this exception is not recorded, so it cannot be decided; move it back to planned and request it again.")
	}
	if c.ExceptionRequester == a.ID {
		return Errorf(EFORBIDDEN, "You requested this exception; another security lead must decide it.")
	}
	return nil
}

// MinJustificationLength is the fewest characters a justification may have:
// enough for a sentence saying why the account cannot do MFA.
const MinJustificationLength = 20

// MaxExceptionTerm is how far ahead an exception's expiry may be, in years:
// an exception is reviewed at least once a year.
const MaxExceptionTerm = 1

// ValidateComment returns the comment trimmed, or why it cannot be posted.
func ValidateComment(text string) (string, error) {
	text, err := CleanText("A comment", text, MaxCommentLength)
	if err == nil && text == "" {
		err = Errorf(EINVALID, "A comment cannot be empty.")
	}
	return text, err
}

// ExceptionRequest is what a person files to ask for a technical exception
// (DOMAIN.md §2: justification, compensating controls, expiry).
type ExceptionRequest struct {
	Justification        string
	CompensatingControls string
	Expiry               time.Time
}

// Trimmed returns the request with its text trimmed, as it should be stored.
func (r ExceptionRequest) Trimmed() ExceptionRequest {
	r.Justification = strings.TrimSpace(r.Justification)
	r.CompensatingControls = strings.TrimSpace(r.CompensatingControls)
	return r
}

// Validate returns nil, or one EINVALID error whose sentence names every
// problem, so the person fixes the form in one go.
func (r ExceptionRequest) Validate(now time.Time) error {
	r = r.Trimmed()
	var problems []string
	switch n := utf8.RuneCountInString(r.Justification); {
	case n == 0:
		problems = append(problems, "A justification is required: say why the account cannot do MFA.")
	case n < MinJustificationLength:
		problems = append(problems, fmt.Sprintf("The justification is too short (%d characters): write at least %d saying why the account cannot do MFA.", n, MinJustificationLength))
	default:
		if p := textProblem("The justification", r.Justification, MaxCommentLength); p != "" {
			problems = append(problems, p)
		}
	}
	if r.CompensatingControls == "" {
		problems = append(problems, "Compensating controls are required: say what protects the account instead of MFA.")
	} else if p := textProblem("The compensating controls", r.CompensatingControls, MaxCommentLength); p != "" {
		problems = append(problems, p)
	}
	latest := now.AddDate(MaxExceptionTerm, 0, 0)
	switch {
	case r.Expiry.IsZero():
		problems = append(problems, "An expiry date is required: every exception ends.")
	case !r.Expiry.After(now):
		problems = append(problems, fmt.Sprintf("The expiry must be in the future; %s has already passed.", r.Expiry.Format("2 Jan 2006")))
	case r.Expiry.After(latest):
		problems = append(problems, fmt.Sprintf("An exception can last at most one year: choose an expiry on or before %s.", latest.Format("2 Jan 2006")))
	}
	if len(problems) > 0 {
		return Errorf(EINVALID, "%s", strings.Join(problems, " "))
	}
	return nil
}
