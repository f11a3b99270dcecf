package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// The PDF's lists are capped: the report is for reading, and the XLSX has
// every account.
const (
	pdfGaps       = 10
	pdfAssignees  = 25
	pdfExceptions = 150
	pdfPrivileged = 60
)

func (d *doc) gaps(r inventory.Readiness) {
	d.heading("Policy gaps that cause most failures", 20)
	gaps := r.Tenant.Gaps
	if len(gaps) == 0 {
		d.para("No policy gap leaves an account without MFA.", 10)
		return
	}
	rows := make([][]string, 0, min(len(gaps), pdfGaps))
	for _, g := range gaps[:min(len(gaps), pdfGaps)] {
		desc := g.Description
		if desc == "" {
			desc = g.Policy
		}
		rows = append(rows, []string{fmt.Sprint(g.Accounts), desc})
	}
	d.table([]column{{"Accounts", 20, "R"}, {"Gap", 160, "L"}}, rows)
	d.more(len(gaps), pdfGaps, "gaps")
}

func (d *doc) overdue(r inventory.Readiness) {
	d.heading("Overdue work by assignee", 25)
	late := 0
	for _, o := range r.Overdue {
		late += o.Overdue
	}
	if len(r.Overdue) == 0 {
		d.para("No account is assigned yet.", 10)
		return
	}
	if late == 0 {
		d.para("Nothing is overdue: every assigned account is within its due date.", 10)
	}
	rows := make([][]string, 0, min(len(r.Overdue), pdfAssignees))
	for _, o := range r.Overdue[:min(len(r.Overdue), pdfAssignees)] {
		rows = append(rows, []string{assigneeName(o.Assignee), fmt.Sprint(o.Overdue), fmt.Sprint(o.Open)})
	}
	d.table([]column{{"Assignee", 110, "L"}, {"Overdue", 35, "R"}, {"Open work", 35, "R"}}, rows)
	d.more(len(r.Overdue), pdfAssignees, "assignees")
}

func (d *doc) exceptions(r inventory.Readiness) {
	d.heading("Exception register", 35)
	if len(r.Exceptions) == 0 {
		d.para("No technical exception has been requested or granted.", 10)
		return
	}
	d.para("Technical exceptions requested or granted, the soonest expiry first. Every exception must end: "+
		"one without an expiry is listed first.", 9)
	rows := make([][]string, 0, min(len(r.Exceptions), pdfExceptions))
	for _, e := range r.Exceptions[:min(len(r.Exceptions), pdfExceptions)] {
		account := e.UserPrincipalName
		if e.DisplayName != "" {
			account += "\n" + e.DisplayName
		}
		status := e.Status
		if e.DecidedBy != "" {
			status += "\nby " + e.DecidedBy
		}
		expiry := day(e.Expiry)
		if expiry == "" {
			expiry = "none recorded"
		}
		rows = append(rows, []string{account, status, expiry, e.Justification, e.CompensatingControls})
	}
	d.table([]column{{"Account", 46, "L"}, {"Status", 24, "L"}, {"Expiry", 22, "L"},
		{"Justification", 44, "L"}, {"Compensating controls", 44, "L"}}, rows)
	d.more(len(r.Exceptions), pdfExceptions, "exceptions")
}

func (d *doc) privilegedOpen(r inventory.Readiness) {
	d.heading("Privileged and break-glass accounts still open", 20)
	if len(r.PrivilegedOpen) == 0 {
		d.para("Every privileged and break-glass account is compliant or excepted.", 10)
		return
	}
	rows := make([][]string, 0, min(len(r.PrivilegedOpen), pdfPrivileged))
	for _, a := range r.PrivilegedOpen[:min(len(r.PrivilegedOpen), pdfPrivileged)] {
		account := a.UserPrincipalName
		if a.DisplayName != "" {
			account += "\n" + a.DisplayName
		}
		work := statusWords(a.Status)
		if a.Assignee != "" {
			work = strings.TrimSpace(work + "\n" + a.Assignee)
		}
		due := day(a.DueDate)
		if late(a.DueDate, r.GeneratedAt) {
			due += "\noverdue"
		}
		rows = append(rows, []string{account, markerWords(a.Markers), a.Compliance.Label(), a.Path.Label(), work, due})
	}
	d.table([]column{{"Account", 54, "L"}, {"Markers", 28, "L"}, {"Verdict", 22, "L"},
		{"Path", 28, "L"}, {"Status", 28, "L"}, {"Due", 20, "L"}}, rows)
	d.more(len(r.PrivilegedOpen), pdfPrivileged, "accounts")
}

// late reports whether a due date has passed by now's calendar day: work due
// today is not late yet.
func late(due, now time.Time) bool {
	if due.IsZero() || now.IsZero() {
		return false
	}
	dy, dm, dd := due.Date()
	ny, nm, nd := now.Date()
	return time.Date(dy, dm, dd, 0, 0, 0, 0, time.UTC).Before(time.Date(ny, nm, nd, 0, 0, 0, 0, time.UTC))
}

// more says what a capped list left out.
func (d *doc) more(n, shown int, what string) {
	if n > shown {
		d.note(fmt.Sprintf("%d more %s are not shown here; the XLSX export lists them all.", n-shown, what))
	}
}
