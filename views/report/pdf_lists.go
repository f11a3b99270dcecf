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
	rows := make([][]string, 0, min(len(gaps), pdfGaps))
	for _, g := range gaps[:min(len(gaps), pdfGaps)] {
		rows = append(rows, []string{fmt.Sprint(g.Accounts), g.Description})
	}
	d.table([]column{{"Accounts", 20, "R"}, {"Gap", 160, "L"}}, rows)
	d.more(len(gaps), pdfGaps, "gaps")
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
	rows := make([][]string, 0, min(len(m.Overdue), pdfAssignees))
	for _, o := range m.Overdue[:min(len(m.Overdue), pdfAssignees)] {
		rows = append(rows, []string{o.Assignee, fmt.Sprint(o.Overdue), fmt.Sprint(o.Open)})
	}
	d.table([]column{{"Assignee", 110, "L"}, {"Overdue", 35, "R"}, {"Open work", 35, "R"}}, rows)
	d.more(len(m.Overdue), pdfAssignees, "assignees")
}

func (d *doc) exceptions(m readiness.Report) {
	d.heading("Exception register", 35)
	if len(m.Exceptions) == 0 {
		d.para("No technical exception has been requested or granted.", 10)
		return
	}
	d.para("Technical exceptions requested or granted, the soonest expiry first. Every exception must end: "+
		"one without an expiry is listed first.", 9)
	rows := make([][]string, 0, min(len(m.Exceptions), pdfExceptions))
	for _, e := range m.Exceptions[:min(len(m.Exceptions), pdfExceptions)] {
		status := e.Status
		if e.DecidedBy != "" {
			status += "\nby " + e.DecidedBy
		}
		rows = append(rows, []string{twoLines(e.UserPrincipalName, e.DisplayName), status, e.Expiry, e.Justification, e.CompensatingControls})
	}
	d.table([]column{{"Account", 46, "L"}, {"Status", 24, "L"}, {"Expiry", 22, "L"},
		{"Justification", 44, "L"}, {"Compensating controls", 44, "L"}}, rows)
	d.more(len(m.Exceptions), pdfExceptions, "exceptions")
}

func (d *doc) privilegedOpen(m readiness.Report) {
	d.heading("Privileged and break-glass accounts still open", 20)
	if len(m.Privileged) == 0 {
		d.para("Every privileged and break-glass account is compliant or excepted.", 10)
		return
	}
	rows := make([][]string, 0, min(len(m.Privileged), pdfPrivileged))
	for _, a := range m.Privileged[:min(len(m.Privileged), pdfPrivileged)] {
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
		rows = append(rows, []string{twoLines(a.UserPrincipalName, a.DisplayName), readiness.MarkerWords(a.Markers),
			verdict, a.Path.Label(), work, due})
	}
	d.table([]column{{"Account", 46, "L"}, {"Markers", 22, "L"}, {"Verdict and cause", 44, "L"},
		{"Path", 24, "L"}, {"Status", 24, "L"}, {"Due", 20, "L"}}, rows)
	d.more(len(m.Privileged), pdfPrivileged, "accounts")
}

// twoLines is an account's UPN over its display name, when it has one.
func twoLines(upn, name string) string {
	if name == "" {
		return upn
	}
	return upn + "\n" + name
}

// more says what a capped list left out.
func (d *doc) more(n, shown int, what string) {
	if n > shown {
		d.note(fmt.Sprintf("%d more %s are not shown here; the XLSX export lists them all.", n-shown, what))
	}
}
