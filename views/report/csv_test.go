package report

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/mfaboard/mfaboard/inventory"
)

func TestReadinessCSV(t *testing.T) {
	t.Parallel()
	const n = 500
	var buf bytes.Buffer
	if err := WriteCSV(&buf, accounts(n)); err != nil {
		t.Fatalf("WriteCSV: %v", err)
	}
	records, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	if len(records) != n+1 {
		t.Fatalf("the CSV has %d records, want a header and %d accounts", len(records), n)
	}
	wantAccountHeader(t, records[0])
	a := account(200)
	want := []string{a.ID, a.UserPrincipalName, a.DisplayName, "Office worker", "Privileged", "MFA enrolment", "Non-compliant", "",
		"excluded by group ServiceAccounts in policy CA001 Require MFA for all users; policy CA007 is report-only",
		"Blocked", "Chen Li", a.DueDate.Format("2006-01-02"), ""}
	if got := strings.Join(records[201], "|"); got != strings.Join(want, "|") {
		t.Errorf("account 200:\n got  %s\n want %s", got, strings.Join(want, "|"))
	}
	if got := records[3][12]; got != "2027-05-20" {
		t.Errorf("exception expiry of account 2 = %q, want 2027-05-20", got)
	}
	// Names survive as written, quotes and all, except for the guard.
	if got := records[1][2]; got != "Łukasz Müller — Ops…" {
		t.Errorf("display name = %q", got)
	}
	if got := records[6][2]; got != "张伟" {
		t.Errorf("display name = %q", got)
	}
	guarded := map[[2]int]string{
		{2, 2}: "'=HYPERLINK(\"http://evil.test\",\"click\")",
		{3, 1}: "'+plus@contoso.test", {3, 2}: "'+Plus",
		{4, 1}: "'-minus@contoso.test", {4, 2}: "'-Minus",
		{5, 1}: "'@at@contoso.test", {5, 2}: "'@SUM(1,1)",
	}
	for at, want := range guarded {
		if got := records[at[0]][at[1]]; got != want {
			t.Errorf("record %d field %d = %q, want %q", at[0], at[1], got, want)
		}
	}
}

// The exports' text guards, each against what it is for: the CSV cell
// guard defuses formulas, the PDF's fold keeps to what its font can show.
func TestReadinessTextGuards(t *testing.T) {
	t.Parallel()
	for _, guard := range []struct {
		name  string
		f     func(string) string
		tests map[string]string
	}{
		{"csvCell", csvCell, map[string]string{
			"":              "",
			"plain":         "plain",
			"=1+1":          "'=1+1",
			"+1":            "'+1",
			"-1":            "'-1",
			"@SUM(A1)":      "'@SUM(A1)",
			"\tTAB":         "'\tTAB",
			"\rCR":          "'\rCR",
			"a=b":           "a=b",
			"user@test":     "user@test",
			"'already":      "'already",
			" =spaced":      " =spaced",
			"Łukasz=Müller": "Łukasz=Müller",
		}},
		{"fold", fold, map[string]string{
			"plain ascii":           "plain ascii",
			"Łukasz Müller":         "Lukasz Müller",
			"Dvořák — café…":        "Dvorák — café…",
			"a\u2212b ≥ c → d":      "a-b >= c -> d",
			"张伟":                    "??",
			"tab\there\x00":         "tab here ",
			"€5 “quoted” ‘single’":  "€5 “quoted” ‘single’",
			"İstanbul ğ ş ı":        "Istanbul g s i",
			"line one\nline two":    "line one\nline two",
			"Ærøskøbing Straße":     "Ærøskøbing Straße",
			"emoji 🙂 stays visible": "emoji ? stays visible",
		}},
	} {
		for in, want := range guard.tests {
			if got := guard.f(in); got != want {
				t.Errorf("%s(%q) = %q, want %q", guard.name, in, got, want)
			}
		}
	}
}

// countingWriter counts what has reached it.
type countingWriter struct{ n int }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// The CSV goes out while the accounts are still coming: a download starts at
// once, and memory does not grow with the list.
func TestReadinessCSVStreams(t *testing.T) {
	t.Parallel()
	w := &countingWriter{}
	reachedEarly := 0
	err := WriteCSV(w, func(yield func(inventory.AccountLine) error) error {
		for i := range 20_000 {
			if i == 10_000 {
				reachedEarly = w.n
			}
			if err := yield(account(i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("WriteCSV: %v", err)
	}
	if reachedEarly == 0 || reachedEarly >= w.n {
		t.Errorf("%d bytes had gone out after half the accounts, %d in all: the CSV is not streamed", reachedEarly, w.n)
	}
}

func TestReadinessCSVStreamError(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection reset")
	err := WriteCSV(&bytes.Buffer{}, func(yield func(inventory.AccountLine) error) error { return boom })
	if !errors.Is(err, boom) {
		t.Errorf("WriteCSV = %v, want it to wrap %v", err, boom)
	}
}

// wantAccountHeader fails t unless header is the titles of the account
// columns, the CSV's and the workbook's alike.
func wantAccountHeader(t *testing.T, header []string) {
	t.Helper()
	var titles []string
	for _, c := range accountColumns {
		titles = append(titles, c.title)
	}
	if got := strings.Join(header, "|"); got != strings.Join(titles, "|") {
		t.Errorf("header = %s, want the account columns %s", got, strings.Join(titles, "|"))
	}
}
