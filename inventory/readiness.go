package inventory

import (
	"fmt"
	"slices"
	"time"
)

// The readiness answer management asks for (issue 5): is the tenant ready for
// enforcement, and when will it be. It is plain data, built from the
// tenant's verdict and its accounts (NewReadiness, Add, Finish), so the
// readiness page, the PDF, the XLSX and the e-mail show the same figures.

// TrendPoint is the tenant's counts on one day (a row per tenant per day).
type TrendPoint struct {
	Day        time.Time
	Counts     map[Compliance]int
	Applicable int // enabled accounts: every value but not_applicable
}

// Open is how many accounts still stand between the tenant and readiness.
func (p TrendPoint) Open() int { return OpenCount(p.Counts) }

// Readiness is the tenant's readiness at one moment, with the work behind it.
type Readiness struct {
	Tenant      TenantVerdict
	GeneratedAt time.Time
	Deadline    time.Time // the enforcement deadline; zero = none set
	Trend       []TrendPoint
	Projection  Projection
	// PrivilegedOpen are the privileged and break-glass accounts that are
	// non-compliant or at risk, worst first (DOMAIN.md §6: Partner Center
	// checks administrative users each year).
	PrivilegedOpen []AccountLine
	Exceptions     []ExceptionLine   // requested and granted; Finish puts those without expiry first, then the soonest
	Overdue        []AssigneeOverdue // most overdue first
	// ByCategory and ByPath count the accounts of each category and path by
	// verdict: the shares "by category" and "by path" of the readiness view.
	// Their totals equal Tenant.Counts, Tenant.ByCategory and Tenant.ByPath
	// for the same moment.
	ByCategory map[Category]map[Compliance]int
	ByPath     map[Path]map[Compliance]int
}

// Projection is when the tenant will be ready at the recent pace.
type Projection struct {
	Date time.Time
	OK   bool // a date could be projected (or the tenant is ready already)
	// BeforeDeadline is true when a deadline is set and Date is not after it.
	BeforeDeadline bool
	Note           string // the projection in a sentence, for people
}

// AccountLine is one account as the exports list it: the assessment with its
// place on the board.
type AccountLine struct {
	ID, UserPrincipalName, DisplayName string
	Category                           Category
	Markers                            []Marker
	Path                               Path
	Compliance                         Compliance
	EnforcedBy, Reasons                []string
	Status                             Status // "" = no card yet
	Assignee                           string // the assignee's name, "" = nobody
	DueDate                            time.Time
	ExceptionExpiry                    time.Time
}

// Has reports whether the account carries marker m.
func (a AccountLine) Has(m Marker) bool { return slices.Contains(a.Markers, m) }

// ExceptionLine is one entry of the exception register.
type ExceptionLine struct {
	UserPrincipalName, DisplayName string
	Status                         string // requested, granted, ... as the board words it
	Justification                  string
	CompensatingControls           string
	DecidedBy                      string // "" while undecided
	Expiry                         time.Time
}

// AssigneeOverdue is one person's open work and how much of it is late.
type AssigneeOverdue struct {
	Assignee      string // "" = assigned to nobody
	Overdue, Open int
}

// Headline is the verdict in one line, e.g. "Not ready: 23 accounts are
// non-compliant and 54 at risk (3 of them privileged)".
func (r Readiness) Headline() string {
	counts := r.Tenant.Counts
	nc, ar := counts[NonCompliant], counts[AtRisk]
	if nc+ar == 0 {
		if ApplicableCount(counts) == 0 {
			return "No verdict yet: no enabled account has been assessed"
		}
		s := "Ready: every applicable account is challenged by MFA"
		if n := counts[Excepted]; n > 0 {
			s += fmt.Sprintf(" (%d with a documented technical exception)", n)
		}
		return s
	}
	var s string
	switch {
	case ar == 0:
		s = fmt.Sprintf("%s non-compliant", accountsAre(nc))
	case nc == 0:
		s = fmt.Sprintf("%s at risk", accountsAre(ar))
	default:
		s = fmt.Sprintf("%s non-compliant and %d at risk", accountsAre(nc), ar)
	}
	priv := OpenCount(r.Tenant.PrivilegedCounts)
	switch {
	case priv == 0:
		s += " (none of them privileged)"
	case priv == nc+ar && priv > 1:
		s += " (all of them privileged)"
	case priv == nc+ar:
		s += " (privileged)"
	default:
		s += fmt.Sprintf(" (%d of them privileged)", priv)
	}
	return "Not ready: " + s
}

func accountsAre(n int) string {
	if n == 1 {
		return "1 account is"
	}
	return fmt.Sprintf("%d accounts are", n)
}

// Shares returns the share of applicable accounts (enabled, not removed) per
// verdict, as percentages to one decimal place that add up to exactly 100
// (largest-remainder rounding), so a table of them never shows 99.9 or 100.1.
// Every applicable verdict has an entry; all are zero when no account is
// applicable.
func Shares(counts map[Compliance]int) map[Compliance]float64 {
	const whole = 1000 // tenths of a percent
	shares := make(map[Compliance]float64, len(applicable))
	total := 0
	for _, c := range applicable {
		total += max(counts[c], 0) // a negative count is a bug upstream, not a share
	}
	if total == 0 {
		for _, c := range applicable {
			shares[c] = 0
		}
		return shares
	}
	type part struct {
		c         Compliance
		tenths    int
		remainder int // of the division by total: compared across parts
	}
	parts := make([]part, len(applicable))
	given := 0
	for i, c := range applicable {
		n := max(counts[c], 0) * whole
		parts[i] = part{c: c, tenths: n / total, remainder: n % total}
		given += parts[i].tenths
	}
	// The largest remainders get the tenths left over; ties go in display
	// order, so the answer never depends on map order.
	order := make([]int, len(parts))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return parts[b].remainder - parts[a].remainder })
	for _, i := range order[:whole-given] {
		parts[i].tenths++
	}
	for _, p := range parts {
		shares[p.c] = float64(p.tenths) / 10
	}
	return shares
}
