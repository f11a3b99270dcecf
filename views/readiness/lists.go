package readiness

import (
	"strconv"
	"strings"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// OpenAccount is a privileged or break-glass account still open.
type OpenAccount struct {
	inventory.AccountLine
	Name   string // the display name, or the UPN when there is none
	Reason string // the first reason of its verdict
	Tone   Tone   // of its verdict
	Late   bool   // its due date has passed
}

// Gap is a policy gap: what it leaves uncovered, and how many accounts.
type Gap struct {
	Policy      string
	Description string // the gap in words; the policy's name when there are none
	Accounts    int
}

// Exception is one entry of the exception register.
type Exception struct {
	inventory.ExceptionLine
	Name       string // the display name, or the UPN
	Expiry     string // the expiry day, or "none recorded"
	ExpiryNote string // "expires in 12 days", "expired 3 days ago"; "" without an expiry
	Tone       Tone   // ToneBad expired, without expiry or expiring today; ToneWarn within 30 days
	Decider    string // who decided it, or "awaiting a decision"
}

// Overdue is one person's open work and how much of it is late.
type Overdue struct {
	Assignee      string // "Nobody" for work assigned to nobody
	Overdue, Open int
	Late          bool // some of it is overdue
}

// soonExpiry is how close an expiry is before the register warns of it.
const soonExpiry = 30

func openAccounts(lines []inventory.AccountLine, now time.Time) []OpenAccount {
	out := make([]OpenAccount, len(lines))
	for i, a := range lines {
		o := OpenAccount{AccountLine: a, Name: a.DisplayName, Tone: ToneOf(a.Compliance), Late: Late(a.DueDate, now)}
		if o.Name == "" {
			o.Name = a.UserPrincipalName
		}
		if len(a.Reasons) > 0 {
			o.Reason = a.Reasons[0]
		}
		out[i] = o
	}
	return out
}

func gaps(in []inventory.Gap) []Gap {
	out := make([]Gap, len(in))
	for i, g := range in {
		out[i] = Gap{Policy: g.Policy, Description: g.Description, Accounts: g.Accounts}
		if out[i].Description == "" {
			out[i].Description = g.Policy
		}
	}
	return out
}

func exceptions(in []inventory.ExceptionLine, now time.Time) []Exception {
	out := make([]Exception, len(in))
	for i, e := range in {
		x := Exception{ExceptionLine: e, Name: e.DisplayName, Decider: e.DecidedBy, Expiry: Day(e.Expiry), Tone: ToneInfo}
		if x.Name == "" {
			x.Name = e.UserPrincipalName
		}
		if x.Decider == "" {
			x.Decider = "awaiting a decision"
		}
		if e.Expiry.IsZero() {
			x.Expiry, x.Tone = "none recorded", ToneBad
			out[i] = x
			continue
		}
		switch days := civilDay(e.Expiry) - civilDay(now); {
		case days < 0:
			x.Tone, x.ExpiryNote = ToneBad, "expired "+daysWord(-days)+" ago"
		case days == 0:
			x.Tone, x.ExpiryNote = ToneBad, "expires today"
		case days <= soonExpiry:
			x.Tone, x.ExpiryNote = ToneWarn, "expires in "+daysWord(days)
		default:
			x.ExpiryNote = "expires in " + daysWord(days)
		}
		out[i] = x
	}
	return out
}

func overdue(in []inventory.AssigneeOverdue) []Overdue {
	out := make([]Overdue, len(in))
	for i, o := range in {
		out[i] = Overdue{Assignee: o.Assignee, Overdue: o.Overdue, Open: o.Open, Late: o.Overdue > 0}
		if strings.TrimSpace(o.Assignee) == "" {
			out[i].Assignee = "Nobody"
		}
	}
	return out
}

// Late reports whether a due date has passed by now's calendar day (UTC):
// work due today is not late yet.
func Late(due, now time.Time) bool {
	return !due.IsZero() && !now.IsZero() && civilDay(due) < civilDay(now)
}

// civilDay numbers t's calendar day in UTC.
func civilDay(t time.Time) int {
	y, m, d := t.UTC().Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func daysWord(n int) string {
	if n == 1 {
		return "1 day"
	}
	return strconv.Itoa(n) + " days"
}
