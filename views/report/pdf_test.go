package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views/readiness"
	"github.com/mfaboard/mfaboard/views/report/reporttest"
)

func TestReadinessPDF(t *testing.T) {
	t.Parallel()
	r := fixture(1000)
	var buf bytes.Buffer
	if err := WritePDF(&buf, r); err != nil {
		t.Fatalf("WritePDF: %v", err)
	}
	text, pages := reporttest.PDFText(t, buf.Bytes())
	if pages < 2 || pages > 8 {
		t.Errorf("the report has %d pages, want a few (2 to 8)", pages)
	}
	all := r.Tenant.Counts
	shares := inventory.Shares(all)
	priv := r.Tenant.PrivilegedCounts
	privShares := inventory.Shares(priv)
	cat := r.ByCategory[inventory.ServiceAccount]
	catShares := inventory.Shares(cat)
	want := []string{
		r.Headline(),
		"Contoso Lódz Partners", // Ł and ź folded, ó kept
		"Mixed (CSP and production) tenant",
		"enforcement deadline 1 Mar 2027",
		// The figures: all accounts, privileged accounts, a category.
		fmt.Sprintf("All accounts %d %d (%s) %d (%s)", inventory.ApplicableCount(all),
			all[inventory.NonCompliant], readiness.Percent(shares[inventory.NonCompliant]), all[inventory.AtRisk], readiness.Percent(shares[inventory.AtRisk])),
		fmt.Sprintf("Privileged accounts %d %d (%s)", inventory.ApplicableCount(priv),
			priv[inventory.NonCompliant], readiness.Percent(privShares[inventory.NonCompliant])),
		fmt.Sprintf("Service account %d %d (%s)", inventory.ApplicableCount(cat),
			cat[inventory.NonCompliant], readiness.Percent(catShares[inventory.NonCompliant])),
		"Secure Application Model",
		// The projection, on the cover and under the chart.
		readiness.Sentence(strings.ReplaceAll(r.Projection.Note, "\u2212", "-")),
		"Deadline 1 Mar 2027",
		// Gaps, the exception register, overdue work, privileged accounts.
		"CA001 Require MFA for all users excludes 25 accounts through 3 groups",
		"room-boardroom4@contoso.test", "Conditional Access: compliant managed device",
		"Granted", "by Zo\u00eb Security-Lead", "20 Apr 2027",
		"hub-lódz@contoso.test", "none recorded",
		"Bozena Nowak",
		"bg-emergency@contoso.test", "Break-glass",
		"Not checked in this assessment: rooms were not available",
	}
	for _, w := range want {
		if !strings.Contains(text, reporttest.Squeeze(w)) {
			t.Errorf("the PDF's text lacks %q", w)
		}
	}
	if !r.Projection.OK {
		t.Errorf("the fixture should project a date, got %q", r.Projection.Note)
	}
	if strings.Contains(text, "user000040@contoso.test") {
		t.Error("the PDF lists an ordinary account: it is for management, not a dump")
	}
}

// Names in any script never break the PDF: what Windows-1252 has stays, what
// it lacks is folded or replaced, and the text around it survives.
func TestReadinessPDFNames(t *testing.T) {
	t.Parallel()
	r := fixture(60)
	r.Tenant.DisplayName = "Łukasz Müller’s tenant — 张伟 “test” …"
	r.PrivilegedOpen = []inventory.AccountLine{{UserPrincipalName: "dvořák@contoso.test", DisplayName: "Antonín Dvořák \u2212 ΑΒΓ",
		Markers: []inventory.Marker{inventory.Privileged}, Compliance: inventory.NonCompliant, Path: inventory.MFAEnrolment}}
	var buf bytes.Buffer
	if err := WritePDF(&buf, r); err != nil {
		t.Fatalf("WritePDF: %v", err)
	}
	text, _ := reporttest.PDFText(t, buf.Bytes())
	for _, w := range []string{"Lukasz Müller’s tenant — ?? “test” …", "dvorák@contoso.test", "Antonín Dvorák - ???"} {
		if !strings.Contains(text, reporttest.Squeeze(w)) {
			t.Errorf("the PDF's text lacks %q", w)
		}
	}
}

// A readiness with nothing in it still makes a report that says so.
func TestReadinessPDFEmpty(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WritePDF(&buf, inventory.Readiness{GeneratedAt: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatalf("WritePDF: %v", err)
	}
	text, _ := reporttest.PDFText(t, buf.Bytes())
	for _, w := range []string{"No verdict yet", "No trend yet", "No technical exception has been requested or granted",
		"no enforcement deadline set"} {
		if !strings.Contains(text, reporttest.Squeeze(w)) {
			t.Errorf("the PDF's text lacks %q", w)
		}
	}
}
