package inventory

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// NewReadiness starts the readiness of the tenant whose verdict is v, as of
// now. Add every account of the same assessment to it, then Finish it; the
// accounts stream through (Add keeps only the privileged ones still open), so
// 100,000 of them need no list in memory.
func NewReadiness(v TenantVerdict, trend []TrendPoint, deadline, now time.Time) *Readiness {
	return &Readiness{
		Tenant:      v,
		GeneratedAt: now,
		Deadline:    deadline,
		Trend:       trend,
		ByCategory:  make(map[Category]map[Compliance]int),
		ByPath:      make(map[Path]map[Compliance]int),
	}
}

// Add counts one account: by category and path, among the privileged
// accounts still open, and in its assignee's work.
func (r *Readiness) Add(a AccountLine) {
	if r.ByCategory == nil {
		r.ByCategory = make(map[Category]map[Compliance]int)
	}
	if r.ByPath == nil {
		r.ByPath = make(map[Path]map[Compliance]int)
	}
	row(r.ByCategory, a.Category)[a.Compliance]++
	row(r.ByPath, a.Path)[a.Compliance]++
	if IsPrivilegedOpen(a.Markers, a.Compliance) {
		r.PrivilegedOpen = append(r.PrivilegedOpen, a)
	}
	if !a.Status.OpenWork() {
		return
	}
	late := r.overdue(a)
	if a.Assignee == "" && !late {
		return // unplanned accounts are the triage column's, nobody's work yet
	}
	i := slices.IndexFunc(r.Overdue, func(o AssigneeOverdue) bool { return o.Assignee == a.Assignee })
	if i < 0 {
		r.Overdue = append(r.Overdue, AssigneeOverdue{Assignee: a.Assignee})
		i = len(r.Overdue) - 1
	}
	r.Overdue[i].Open++
	if late {
		r.Overdue[i].Overdue++
	}
}

func row[K comparable](tab map[K]map[Compliance]int, k K) map[Compliance]int {
	m := tab[k]
	if m == nil {
		m = make(map[Compliance]int, len(Compliances))
		tab[k] = m
	}
	return m
}

// overdue reports whether a's work is late when the readiness is generated.
func (r *Readiness) overdue(a AccountLine) bool {
	return Overdue(a.Status, a.DueDate, r.GeneratedAt)
}

// Finish orders the lists worst first and projects the completion date.
func (r *Readiness) Finish() {
	slices.SortStableFunc(r.PrivilegedOpen, r.worstFirst)
	slices.SortStableFunc(r.Exceptions, func(a, b ExceptionLine) int {
		// An exception with no expiry recorded comes first: it must get one.
		if a.Expiry.IsZero() != b.Expiry.IsZero() {
			if a.Expiry.IsZero() {
				return -1
			}
			return 1
		}
		if c := a.Expiry.Compare(b.Expiry); c != 0 {
			return c
		}
		return strings.Compare(a.UserPrincipalName, b.UserPrincipalName)
	})
	slices.SortStableFunc(r.Overdue, func(a, b AssigneeOverdue) int {
		return cmp.Or(b.Overdue-a.Overdue, b.Open-a.Open, strings.Compare(a.Assignee, b.Assignee))
	})
	r.Projection = ProjectCompletion(r.Trend, r.Deadline, r.GeneratedAt)
}

// worstFirst orders open accounts: non-compliant before at risk, break-glass
// (the keys to the tenant) before other privileged accounts, late work
// before work on time, the earliest due date first, then by UPN.
func (r *Readiness) worstFirst(a, b AccountLine) int {
	rank := func(a AccountLine) int {
		n := 0
		if a.Compliance != NonCompliant {
			n += 4
		}
		if !a.Has(BreakGlass) {
			n += 2
		}
		if !r.overdue(a) {
			n++
		}
		return n
	}
	if c := rank(a) - rank(b); c != 0 {
		return c
	}
	if a.DueDate.IsZero() != b.DueDate.IsZero() {
		if a.DueDate.IsZero() {
			return 1
		}
		return -1
	}
	return cmp.Or(a.DueDate.Compare(b.DueDate), strings.Compare(a.UserPrincipalName, b.UserPrincipalName))
}

// LineFrom is an account as the exports list it: its assessment, its card
// (the zero Card when it has none) and the expiry of its technical
// exception (zero when it has none).
func LineFrom(a Assessment, c Card, exceptionExpiry time.Time) AccountLine {
	assignee := c.AssigneeName
	if assignee == "" {
		assignee = c.Assignee
	}
	return AccountLine{
		ID:                a.UserID,
		UserPrincipalName: a.UserPrincipalName,
		DisplayName:       a.DisplayName,
		Category:          a.Category,
		Markers:           a.Markers,
		Path:              a.Path,
		Compliance:        a.Compliance,
		EnforcedBy:        a.EnforcedBy,
		Reasons:           a.Reasons,
		Status:            c.Status,
		Assignee:          assignee,
		DueDate:           c.DueDate,
		ExceptionExpiry:   exceptionExpiry,
	}
}
