package web_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views/report/reporttest"
)

// Wherever a reason shows (the account list, the readiness page, the PDF,
// the XLSX and the CSV) an at-risk account that has not registered leads
// with "not registered for MFA", not with the policies that enforce MFA
// (issue 11). Each takes the first stored reason, so the order the rules
// give is the order every output shows.
func TestEveryOutputLeadsWithTheCause(t *testing.T) {
	t.Parallel()
	f := newReadinessFixture(t, 300)
	res := f.assessStored(t)
	const cause = "not registered for MFA"
	var unregistered, privileged *inventory.Assessment
	for i, a := range res.Accounts {
		if unregistered == nil && a.Compliance == inventory.AtRisk && a.Reasons[0] == cause {
			unregistered = &res.Accounts[i]
		}
		// The readiness page and the PDF list privileged accounts only.
		if privileged == nil && a.Compliance == inventory.AtRisk && slices.Contains(a.Markers, inventory.Privileged) {
			privileged = &res.Accounts[i]
		}
	}
	if unregistered == nil || privileged == nil {
		t.Fatalf("the demo has no at-risk account that leads with %q, or no privileged one: the test proves nothing", cause)
	}
	privCause := strings.ReplaceAll(privileged.Reasons[0], "*", "")
	if strings.HasPrefix(privCause, "MFA is enforced") {
		t.Fatalf("the privileged %s leads with the enforcer: %q", privileged.UserPrincipalName, privileged.Reasons)
	}
	if !strings.HasPrefix(unregistered.Reasons[1], "MFA is enforced by") {
		t.Fatalf("the enforcer comes after the cause: %q", unregistered.Reasons)
	}

	// The account list, searched for the account.
	_, body := f.fetch(t, inventory.Management, http.MethodGet, "/accounts?q="+url.QueryEscape(unregistered.UserPrincipalName), nil)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	doc.Find(`[data-testid="account-row"]`).Each(func(_ int, row *goquery.Selection) {
		if strings.Contains(row.Text(), unregistered.UserPrincipalName) {
			found = true
			if got := strings.TrimSpace(row.Find("td.reason").Text()); got != cause {
				t.Errorf("the account list shows %q, want %q", got, cause)
			}
		}
	})
	if !found {
		t.Fatalf("the account list has no row for %s", unregistered.UserPrincipalName)
	}

	// The readiness page's privileged list.
	_, body = f.fetch(t, inventory.Management, http.MethodGet, "/readiness", nil)
	doc, err = goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	found = false
	doc.Find("tr").Each(func(_ int, row *goquery.Selection) {
		if row.Find("td.reason").Length() > 0 && strings.Contains(row.Text(), privileged.UserPrincipalName) {
			found = true
			if got := strings.TrimSpace(row.Find("td.reason").Text()); got != privCause {
				t.Errorf("the readiness page shows %q for %s, want %q", got, privileged.UserPrincipalName, privCause)
			}
		}
	})
	if !found {
		t.Errorf("the readiness page lists no reason for the privileged %s", privileged.UserPrincipalName)
	}

	// The PDF: the verdict and its cause beside the privileged account (a
	// long cause is cut short in its cell, so its start is compared).
	_, pdf := f.fetch(t, inventory.Management, http.MethodGet, "/readiness/report.pdf", nil)
	text, _ := reporttest.PDFText(t, pdf)
	if want := reporttest.Squeeze(inventory.AtRisk.Label() + privCause); !strings.Contains(text, want[:min(len(want), 60)]) {
		t.Errorf("the PDF lacks the verdict with its cause %q", want)
	}
	if strings.Contains(text, reporttest.Squeeze(inventory.AtRisk.Label()+"MFA is enforced")) {
		t.Error("the PDF shows an at-risk verdict with the enforcer as its cause")
	}

	// The XLSX's Accounts sheet and the CSV: the Reasons column starts with the cause.
	_, book := f.fetch(t, inventory.Management, http.MethodGet, "/readiness/report.xlsx", nil)
	x, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	defer x.Close()
	rows, err := x.GetRows("Accounts")
	if err != nil {
		t.Fatal(err)
	}
	checkReasonsColumn(t, "the XLSX", rows, unregistered.UserPrincipalName, cause)
	_, body = f.fetch(t, inventory.Management, http.MethodGet, "/accounts.csv?compliance=at_risk", nil)
	records, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v", err)
	}
	checkReasonsColumn(t, "the CSV", records, unregistered.UserPrincipalName, cause)
}

// checkReasonsColumn finds the account's row by UPN and its Reasons column
// by the header.
func checkReasonsColumn(t *testing.T, what string, rows [][]string, upn, cause string) {
	t.Helper()
	col := slices.Index(rows[0], "Reasons")
	if col < 0 {
		t.Fatalf("%s has no Reasons column: %q", what, rows[0])
	}
	for _, row := range rows[1:] {
		if slices.Contains(row, upn) {
			if !strings.HasPrefix(row[col], cause+";") && row[col] != cause {
				t.Errorf("%s gives %s the reasons %q, want them to start with %q", what, upn, row[col], cause)
			}
			return
		}
	}
	t.Errorf("%s has no row for %s", what, upn)
}
