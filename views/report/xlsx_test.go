package report

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views/readiness"
)

func writeXLSX(t *testing.T, r inventory.Readiness, n int) ([]byte, *excelize.File) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, r, accounts(n)); err != nil {
		t.Fatalf("WriteXLSX: %v", err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return buf.Bytes(), f
}

// rowOf finds the summary row whose first cell is label, after the row
// titled after.
func rowOf(t *testing.T, rows [][]string, after, label string) []string {
	t.Helper()
	seen := after == ""
	for _, row := range rows {
		if len(row) == 0 {
			continue
		}
		if row[0] == after {
			seen = true
		}
		if seen && row[0] == label {
			return row
		}
	}
	t.Fatalf("the summary has no row %q after %q", label, after)
	return nil
}

func TestReadinessXLSXSummary(t *testing.T) {
	t.Parallel()
	const n = 1000
	r := fixture(n)
	_, f := writeXLSX(t, r, n)
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "Summary" || got[1] != "Accounts" {
		t.Fatalf("sheets = %v, want [Summary Accounts]", got)
	}
	rows, err := f.GetRows("Summary")
	if err != nil {
		t.Fatalf("read the summary: %v", err)
	}
	if rows[0][0] != r.Headline() {
		t.Errorf("A1 = %q, want the headline %q", rows[0][0], r.Headline())
	}
	if got := rowOf(t, rows, "", "Tenant"); got[1] != "Contoso Łódź Partners" {
		t.Errorf("tenant = %q", got[1])
	}
	if got := rowOf(t, rows, "", "Enforcement deadline"); got[1] != "2027-03-01" {
		t.Errorf("deadline = %q, want a date 2027-03-01", got[1])
	}
	if got := rowOf(t, rows, "", "Projected completion"); got[1] != r.Projection.Date.Format("2006-01-02") {
		t.Errorf("projected completion = %q, want %s", got[1], r.Projection.Date.Format("2006-01-02"))
	}

	// The figures equal the verdict's counts, with the shares beside them.
	check := func(row []string, counts map[inventory.Compliance]int) {
		t.Helper()
		shares := inventory.Shares(counts)
		want := []string{strconv.Itoa(inventory.ApplicableCount(counts))}
		for _, c := range readiness.Verdicts {
			want = append(want, strconv.Itoa(counts[c]), readiness.Percent(shares[c]))
		}
		want = append(want, strconv.Itoa(counts[inventory.NotApplicable]))
		if got := strings.Join(row[1:], " | "); got != strings.Join(want, " | ") {
			t.Errorf("%s: got  %s\n want %s", row[0], got, strings.Join(want, " | "))
		}
	}
	check(rowOf(t, rows, "", "All accounts"), r.Tenant.Counts)
	check(rowOf(t, rows, "", "Privileged accounts"), r.Tenant.PrivilegedCounts)
	for _, c := range inventory.Categories {
		check(rowOf(t, rows, "By category", c.Label()), r.ByCategory[c])
	}
	check(rowOf(t, rows, "By remediation path", inventory.SecureAppModel.Label()), r.ByPath[inventory.SecureAppModel])

	if got := rowOf(t, rows, "Policy gaps that cause most failures", "25"); got[1] != "CA001 Require MFA for all users excludes 25 accounts through 3 groups" {
		t.Errorf("top gap = %v", got)
	}
	exc := rowOf(t, rows, "Exception register", "room-boardroom4@contoso.test")
	if exc[2] != "Granted" || exc[3] != "2027-04-20" || exc[6] != "Zoë Security-Lead" {
		t.Errorf("exception row = %v", exc)
	}
	if got := rowOf(t, rows, "Exception register", "hub-łódź@contoso.test"); got[3] != "none recorded" {
		t.Errorf("an exception without expiry shows %q", got[3])
	}
	if got := rowOf(t, rows, "Overdue work by assignee", "Bożena Nowak"); got[1] != strconv.Itoa(r.Overdue[1].Overdue) {
		t.Errorf("Bożena Nowak's row = %v, want overdue %d", got, r.Overdue[1].Overdue)
	}
}

func TestReadinessXLSXAccounts(t *testing.T) {
	t.Parallel()
	const n = 300
	raw, f := writeXLSX(t, fixture(n), n)
	rows, err := f.GetRows("Accounts")
	if err != nil {
		t.Fatalf("read the accounts: %v", err)
	}
	if len(rows) != n+1 {
		t.Fatalf("the Accounts sheet has %d rows, want a header and %d accounts", len(rows), n)
	}
	wantAccountHeader(t, rows[0])
	// Every field of an account, as written.
	a := account(200) // non-compliant, privileged, assigned, due
	want := []string{a.ID, a.UserPrincipalName, a.DisplayName, "Office worker", "Privileged", "MFA enrolment", "Non-compliant", "",
		"excluded by group ServiceAccounts in policy CA001 Require MFA for all users; policy CA007 is report-only",
		"Blocked", "Chen Li", a.DueDate.Format("2006-01-02")}
	if got := strings.Join(rows[201], "|"); got != strings.Join(want, "|") {
		t.Errorf("row of account 200:\n got  %s\n want %s", got, strings.Join(want, "|"))
	}
	// A formula from the tenant is text, never a formula, in the XLSX.
	if got, _ := f.GetCellFormula("Accounts", "C3"); got != "" {
		t.Errorf("C3 became the formula %q", got)
	}
	if got := rows[2][2]; got != account(1).DisplayName {
		t.Errorf("C3 = %q, want the display name as written", got)
	}
	// Dates are real dates: a serial number under a date format.
	if raw, _ := f.GetCellValue("Accounts", "L202", excelize.Options{RawCellValue: true}); !isSerial(raw) {
		t.Errorf("due date L202 is stored as %q, want a date serial number", raw)
	}
	if got := rows[3][12]; got != "2027-05-20" { // account 2: excepted for six months
		t.Errorf("exception expiry of account 2 = %q, want 2027-05-20", got)
	}

	panes, err := f.GetPanes("Accounts")
	if err != nil {
		t.Fatalf("read panes: %v", err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes = %+v, want the header row frozen", panes)
	}
	sheet := zipEntry(t, raw, "xl/worksheets/sheet2.xml")
	if want := fmt.Sprintf(`<autoFilter ref="$A$1:$M$%d"`, n+1); !strings.Contains(sheet, want) {
		t.Errorf("the Accounts sheet has no %s", want)
	}
	filtered := false
	for _, d := range f.GetDefinedName() {
		filtered = filtered || (d.Name == "_xlnm._FilterDatabase" && d.RefersTo == fmt.Sprintf("'Accounts'!$A$1:$M$%d", n+1))
	}
	if !filtered {
		t.Errorf("no filter database is defined for the Accounts sheet: %+v", f.GetDefinedName())
	}
	if !strings.Contains(sheet, `customWidth="1"`) {
		t.Error("the Accounts sheet's columns have no widths")
	}
}

func isSerial(s string) bool {
	v, err := strconv.ParseFloat(s, 64)
	return err == nil && v > 40000 && v < 60000
}

func zipEntry(t *testing.T, raw []byte, name string) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatalf("the XLSX is not a zip: %v", err)
	}
	rc, err := z.Open(name)
	if err != nil {
		t.Fatalf("the XLSX has no %s: %v", name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return string(b)
}

// An error from the account stream ends the workbook with that error.
func TestReadinessXLSXStreamError(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection reset")
	err := WriteXLSX(io.Discard, fixture(10), func(yield func(inventory.AccountLine) error) error {
		if err := yield(account(0)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("WriteXLSX = %v, want it to wrap %v", err, boom)
	}
}
