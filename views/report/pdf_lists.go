package report

import (
	"fmt"
	"strings"

	"github.com/mfaboard/mfaboard/views/readiness"
)

// The PDF's lists are capped: the report is for reading, and the XLSX has
// every account.
const (
	pdfGaps       = 10
	pdfAssignees  = 25
	pdfExceptions = 150
	pdfPrivileged = 60
)

func (d *doc) gaps(m readiness.Report) {
	d.heading("Policy gaps that cause most failures", 20)
	gaps := m.Gaps
	if len(gaps) == 0 {
		d.para("No policy gap leaves an account without MFA.", 10)
		return
	}
	cappedTable(d, gaps, pdfGaps, "gaps", []column{{"Accounts", 20, "R"}, {"Gap", 160, "L"}},
		func(g readiness.Gap) []string { return []string{fmt.Sprint(g.Accounts), g.Description} })
}

func (d *doc) overdue(m readiness.Report) {
	d.heading("Overdue work by assignee", 25)
	if len(m.Overdue) == 0 {
		d.para("No account is assigned yet.", 10)
		return
	}
	late := 0
	for _, o := range m.Overdue {
		late += o.Overdue
	}
	if late == 0 {
		d.para("Nothing is overdue: every assigned account is within its due date.", 10)
	}
	cappedTable(d, m.Overdue, pdfAssignees, "assignees", []column{{"Assignee", 110, "L"}, {"Overdue", 35, "R"}, {"Open work", 35, "R"}},
		func(o readiness.Overdue) []string {
			return []string{o.Assignee, fmt.Sprint(o.Overdue), fmt.Sprint(o.Open)}
		})
}

func (d *doc) exceptions(m readiness.Report) {
	d.heading("Exception register", 35)
	if len(m.Exceptions) == 0 {
		d.para("No technical exception has been requested or granted.", 10)
		return
	}
	d.para("Technical exceptions requested or granted, the soonest expiry first. Every exception must end: "+
		"one without an expiry is listed first.", 9)
	cappedTable(d, m.Exceptions, pdfExceptions, "exceptions", []column{{"Account", 46, "L"}, {"Status", 24, "L"}, {"Expiry", 22, "L"},
		{"Justification", 44, "L"}, {"Compensating controls", 44, "L"}}, func(e readiness.Exception) []string {
		status := e.Status
		if e.DecidedBy != "" {
			status += "\nby " + e.DecidedBy
		}
		return []string{twoLines(e.UserPrincipalName, e.DisplayName), status, e.Expiry, e.Justification, e.CompensatingControls}
	})
}

func (d *doc) privilegedOpen(m readiness.Report) {
	d.heading("Privileged and break-glass accounts still open", 20)
	if len(m.Privileged) == 0 {
		d.para("Every privileged and break-glass account is compliant or excepted.", 10)
		return
	}
	cols := []column{{"Account", 46, "L"}, {"Markers", 22, "L"}, {"Verdict and cause", 44, "L"},
		{"Path", 24, "L"}, {"Status", 24, "L"}, {"Due", 20, "L"}}
	cappedTable(d, m.Privileged, pdfPrivileged, "accounts", cols, func(a readiness.OpenAccount) []string {
		work := readiness.StatusWords(a.Status)
		if a.Assignee != "" {
			work = strings.TrimSpace(work + "\n" + a.Assignee)
		}
		due := readiness.Day(a.DueDate)
		if a.Late {
			due += "\noverdue"
		}
		// The verdict with its first reason, the cause, as on the page.
		verdict := a.Compliance.Label()
		if a.Reason != "" {
			verdict += "\n" + strings.ReplaceAll(a.Reason, "*", "")
		}
		return []string{twoLines(a.UserPrincipalName, a.DisplayName), readiness.MarkerWords(a.Markers),
			verdict, a.Path.Label(), work, due}
	})
}

// twoLines is an account's UPN over its display name, when it has one.
func twoLines(upn, name string) string {
	if name == "" {
		return upn
	}
	return upn + "\n" + name
}

// cappedTable writes the first limit of items as a table, row making each
// one's cells, and says how many more (what) it left out.
func cappedTable[T any](d *doc, items []T, limit int, what string, cols []column, row func(T) []string) {
	rows := make([][]string, 0, min(len(items), limit))
	for _, x := range items[:min(len(items), limit)] {
		rows = append(rows, row(x))
	}
	d.table(cols, rows)
	d.more(len(items), limit, what)
}

// more says what a capped list left out.
func (d *doc) more(n, shown int, what string) {
	if n > shown {
		d.note(fmt.Sprintf("%d more %s are not shown here; the XLSX export lists them all.", n-shown, what))
	}
}
