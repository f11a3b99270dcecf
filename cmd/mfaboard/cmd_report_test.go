package main

import (
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"
	"github.com/xuri/excelize/v2"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// syncedDemo syncs a generated tenant of users accounts through the CLI.
func syncedDemo(t *testing.T, users string) {
	t.Helper()
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, "demo", "--out", dir, "--users", users); code != exitOK {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	code, out, errOut := runCLI(t, "sync", "--from", dir)
	if code != exitOK {
		t.Fatalf("sync: exit %d: %s %s", code, out, errOut)
	}
}

func TestReportWritesEachFormat(t *testing.T) {
	t.Parallel()
	store := useDatabase(t)
	syncedDemo(t, "120")
	tenants, err := store.Tenants(t.Context())
	if err != nil || len(tenants) != 1 {
		t.Fatalf("tenants %v, %v", tenants, err)
	}
	r, err := store.Readiness(t.Context(), tenants[0].ID, time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()

	// PDF: the verdict on the cover.
	pdfPath := filepath.Join(dir, "readiness.pdf")
	if code, out, errOut := runCLI(t, "report", "--out", pdfPath); code != exitOK || !strings.Contains(out, pdfPath) {
		t.Fatalf("report pdf: exit %d\n%s%s", code, out, errOut)
	}
	if text := pdfFileText(t, pdfPath); !strings.Contains(text, strings.Join(strings.Fields(r.Headline()), "")) {
		t.Errorf("the PDF lacks the headline %q", r.Headline())
	}

	// XLSX: the summary and one row per account.
	xlsxPath := filepath.Join(dir, "book.out")
	if code, out, errOut := runCLI(t, "report", "--format", "xlsx", "--out", xlsxPath, "--tenant", tenants[0].ID); code != exitOK {
		t.Fatalf("report xlsx: exit %d\n%s%s", code, out, errOut)
	}
	x, err := excelize.OpenFile(xlsxPath)
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	defer x.Close()
	if a1, _ := x.GetCellValue("Summary", "A1"); a1 != r.Headline() {
		t.Errorf("Summary!A1 = %q, want %q", a1, r.Headline())
	}
	if rows, _ := x.GetRows("Accounts"); len(rows) != 121 {
		t.Errorf("the Accounts sheet has %d rows, want a header and 120 accounts", len(rows))
	}

	// CSV: every account, to a file and to standard output alike.
	csvPath := filepath.Join(dir, "accounts.csv")
	if code, out, errOut := runCLI(t, "report", "--format", "csv", "--out", csvPath); code != exitOK {
		t.Fatalf("report csv: exit %d\n%s%s", code, out, errOut)
	}
	b, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(records) != 121 || records[0][1] != "User principal name" {
		t.Fatalf("the CSV has %d records (%v), want a header and 120 accounts", len(records), err)
	}
	code, out, _ := runCLI(t, "report", "--format", "csv", "--out", "-")
	if code != exitOK || out != string(b) {
		t.Errorf("report to standard output: exit %d, %d bytes; want the file's %d", code, len(out), len(b))
	}

	// Each export is on the audit trail, as the command line's.
	var got []string
	err = store.StreamAudit(t.Context(), pg.AuditFilter{TenantID: tenants[0].ID, Action: inventory.ActionExport}, func(e pg.AuditEvent) error {
		got = append(got, e.ActorID+" "+e.To)
		return nil
	})
	want := "cli " + pg.ExportReadinessPDF + ", cli " + pg.ExportWorkbook + ", cli " + pg.ExportAccountsCSV + ", cli " + pg.ExportAccountsCSV
	if err != nil || strings.Join(got, ", ") != want {
		t.Errorf("exports recorded: %q (%v), want %q", got, err, want)
	}
}

func TestReportRefusals(t *testing.T) {
	t.Parallel()
	useDatabase(t)
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"report"}, "--out FILE is required"},
		{[]string{"report", "--out", filepath.Join(dir, "report")}, "choose --format"},
		{[]string{"report", "--format", "docx", "--out", filepath.Join(dir, "r.docx")}, "unknown --format"},
		{[]string{"report", "--out", filepath.Join(dir, "r.pdf")}, "no tenant yet"},
	} {
		wantRefused(t, c.says, c.args...)
	}
	syncedDemo(t, "30")
	code, _, errOut := runCLI(t, "report", "--tenant", "no-such-tenant", "--out", filepath.Join(dir, "r.pdf"))
	if code != exitFailed || !strings.Contains(errOut, "not in the database") {
		t.Errorf("an unknown tenant: exit %d, %q; want 1 saying so", code, errOut)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused reports left files behind: %v", entries)
	}
}

func pdfFileText(t *testing.T, path string) string {
	t.Helper()
	f, r, err := pdf.Open(path)
	if err != nil {
		t.Fatalf("the PDF does not open: %v", err)
	}
	defer f.Close()
	plain, err := r.GetPlainText()
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(plain)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(b)), "")
}
