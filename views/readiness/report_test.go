package readiness

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

var testNow = time.Date(2026, time.November, 20, 9, 30, 0, 0, time.UTC)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

type counts = map[inventory.Compliance]int

// readinessOf is a tenant with the given verdict counts (privileged ones
// apart), a two-week burn-down and a deadline; Finish is the caller's.
func readinessOf(all, privileged counts) inventory.Readiness {
	v := inventory.TenantVerdict{TenantID: "t-1", DisplayName: "Contoso", AsOf: testNow, Counts: all, PrivilegedCounts: privileged}
	trend := []inventory.TrendPoint{
		{Day: day(2026, 11, 6), Counts: counts{inventory.NonCompliant: all[inventory.NonCompliant] + 20, inventory.AtRisk: all[inventory.AtRisk]}},
		{Day: day(2026, 11, 13), Counts: counts{inventory.NonCompliant: all[inventory.NonCompliant] + 10, inventory.AtRisk: all[inventory.AtRisk]}},
		{Day: day(2026, 11, 20), Counts: all},
	}
	return *inventory.NewReadiness(v, trend, day(2027, 3, 31), testNow)
}

func TestReportVerdict(t *testing.T) {
	for _, c := range []struct {
		name       string
		all, priv  counts
		tenantName string
		finish     bool
		tone       Tone
		headline   string // its start
		when       string // a part of the sentence
		summary    []string
	}{
		{name: "not ready", all: counts{inventory.NonCompliant: 23, inventory.AtRisk: 54, inventory.Compliant: 812, inventory.Excepted: 3, inventory.NotApplicable: 40},
			priv: counts{inventory.NonCompliant: 2, inventory.AtRisk: 1, inventory.Compliant: 40}, tenantName: "Contoso", finish: true,
			tone: ToneBad, headline: "Not ready: 23 accounts are non-compliant and 54 at risk (3 of them privileged)",
			when: "At the recent pace (10 fewer open accounts a week) the tenant is ready around",
			summary: []string{"Non-compliant 23 (2.6%), At risk 54 (6.1%), Excepted 3 (0.3%), Compliant 812 (91.0%) of 892 applicable accounts.",
				"Privileged accounts: 3 of 43 still non-compliant or at risk.", "Enforcement deadline: Wednesday 31 March 2027.",
				"As of 20 Nov 2026 09:30 UTC."}},
		{name: "ready, projected here when the caller did not finish", all: counts{inventory.Compliant: 40, inventory.Excepted: 2},
			priv: counts{}, tenantName: "", tone: ToneOK, headline: "Ready: every applicable account is challenged by MFA",
			when:    "The tenant is ready: no account is non-compliant or at risk.",
			summary: []string{"Non-compliant 0 (0.0%), At risk 0 (0.0%), Excepted 2 (4.8%), Compliant 40 (95.2%) of 42 applicable accounts."}},
		{name: "nothing assessed", all: counts{inventory.NotApplicable: 5}, priv: counts{}, tenantName: "  ", finish: true,
			tone: ToneMuted, headline: "No verdict yet", when: "The tenant is ready",
			summary: []string{"Non-compliant 0 (0.0%), At risk 0 (0.0%), Excepted 0 (0.0%), Compliant 0 (0.0%) of 0 applicable accounts."}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := readinessOf(c.all, c.priv)
			r.Tenant.DisplayName = c.tenantName
			if c.finish {
				r.Finish()
			}
			m := New(r)
			if m.Tone != c.tone || m.Ready() != (c.tone == ToneOK) || !strings.HasPrefix(m.Headline, c.headline) {
				t.Errorf("tone %s ready %v headline %q; want %s, %q", m.Tone, m.Ready(), m.Headline, c.tone, c.headline)
			}
			if !strings.Contains(m.When, c.when) || !strings.HasSuffix(m.When, ".") {
				t.Errorf("when %q, want a sentence with %q", m.When, c.when)
			}
			wantName := c.tenantName
			if strings.TrimSpace(wantName) == "" {
				wantName = "t-1"
			}
			if m.Name != wantName {
				t.Errorf("name %q, want %q", m.Name, wantName)
			}
			s := m.Summary()
			if s.Title != "MFA readiness of "+wantName || s.Headline != m.Headline || s.Ready != m.Ready() ||
				s.Subject() != s.Title+": "+s.Headline || !strings.HasPrefix(s.Text(), m.Headline+"\n\n") {
				t.Errorf("summary %+v (subject %q)", s, s.Subject())
			}
			for _, want := range append(c.summary, m.When) {
				if !slices.Contains(s.Lines, want) {
					t.Errorf("the summary lacks the line %q:\n%s", want, strings.Join(s.Lines, "\n"))
				}
			}
		})
	}
}

func TestReportFigures(t *testing.T) {
	r := readinessOf(counts{inventory.NonCompliant: 1, inventory.AtRisk: 1, inventory.Compliant: 1, inventory.NotApplicable: 2},
		counts{inventory.NotApplicable: 1})
	r.ByCategory = map[inventory.Category]map[inventory.Compliance]int{
		inventory.GuestAccount: {inventory.NonCompliant: 1, inventory.AtRisk: 1},
		inventory.OfficeWorker: {inventory.Compliant: 1, inventory.NotApplicable: 2},
		inventory.RoomDevice:   {}, // no account: left out
	}
	r.ByPath = map[inventory.Path]map[inventory.Compliance]int{inventory.MFAEnrolment: r.Tenant.Counts}
	m := New(r)

	// The shares of all accounts add up to 100 and always have words.
	total := 0.0
	for i, s := range m.Shares {
		total += s.Share
		if s.Verdict != Verdicts[i] || s.Percent != Percent(s.Share) || s.Tone != ToneOf(s.Verdict) {
			t.Errorf("share %d: %+v", i, s)
		}
	}
	if math.Round(total*10) != 1000 || m.Shares[0].Percent != "33.4%" {
		t.Errorf("shares %+v add up to %v", m.Shares, total)
	}

	type row struct {
		label                string
		applicable, disabled int
		percents             string // the cells' percentages, "|"-joined
		emphasis             bool
	}
	want := map[string][]row{
		"Privileged accounts and all accounts": {
			{"Privileged accounts", 0, 1, "|||", true}, // none applicable: counts without shares
			{"All accounts", 3, 2, "33.4%|33.3%|0.0%|33.3%", false}},
		"By category": {
			{"Office worker", 1, 2, "0.0%|0.0%|0.0%|100.0%", false},
			{"Guest", 2, 0, "50.0%|50.0%|0.0%|0.0%", false}},
		"By remediation path": {{"MFA enrolment", 3, 2, "33.4%|33.3%|0.0%|33.3%", false}},
	}
	var titles []string
	for _, f := range m.Figures {
		titles = append(titles, f.Title)
		var got []row
		for _, r := range f.Rows {
			var p []string
			for _, c := range r.Cells {
				p = append(p, c.Percent)
			}
			got = append(got, row{r.Label, r.Applicable, r.Disabled, strings.Join(p, "|"), r.Emphasis})
		}
		if !slices.Equal(got, want[f.Title]) {
			t.Errorf("%s:\n got  %+v\n want %+v", f.Title, got, want[f.Title])
		}
	}
	if strings.Join(titles, ", ") != "Privileged accounts and all accounts, By category, By remediation path" ||
		m.Figures[0].First != "Accounts" || m.Figures[1].First != "Category" || m.Figures[2].First != "Path" {
		t.Errorf("tables %q", titles)
	}
}

func TestReportLists(t *testing.T) {
	r := readinessOf(counts{inventory.NonCompliant: 2}, counts{inventory.NonCompliant: 2})
	r.PrivilegedOpen = []inventory.AccountLine{
		{ID: "a", UserPrincipalName: "late@x.test", DisplayName: "Late One", Compliance: inventory.NonCompliant,
			Reasons: []string{"excluded", "report-only"}, DueDate: day(2026, 11, 19)},
		{ID: "b", UserPrincipalName: "today@x.test", Compliance: inventory.AtRisk, DueDate: day(2026, 11, 20)},
	}
	r.Tenant.Gaps = []inventory.Gap{{Policy: "CA001", Description: "CA001 excludes 3 accounts", Accounts: 3}, {Policy: "CA009", Accounts: 1}}
	r.Overdue = []inventory.AssigneeOverdue{{Assignee: "Ada", Overdue: 2, Open: 3}, {Assignee: " ", Open: 1}}
	for _, e := range []struct {
		expiry    time.Time
		decidedBy string
	}{{time.Time{}, ""}, {day(2026, 11, 17), "Zoë"}, {day(2026, 11, 20), "Zoë"}, {day(2026, 11, 21), "Zoë"},
		{day(2026, 12, 20), "Zoë"}, {day(2026, 12, 21), "Zoë"}} {
		r.Exceptions = append(r.Exceptions, inventory.ExceptionLine{UserPrincipalName: "x@x.test", DecidedBy: e.decidedBy, Expiry: e.expiry})
	}
	m := New(r)

	p := m.Privileged
	if len(p) != 2 || p[0].Name != "Late One" || p[0].Reason != "excluded" || !p[0].Late || p[0].Tone != ToneBad ||
		p[1].Name != "today@x.test" || p[1].Reason != "" || p[1].Late || p[1].Tone != ToneWarn {
		t.Errorf("privileged %+v", p)
	}
	if len(m.Gaps) != 2 || m.Gaps[0].Description != "CA001 excludes 3 accounts" || m.Gaps[1].Description != "CA009" {
		t.Errorf("gaps %+v", m.Gaps)
	}
	if o := m.Overdue; len(o) != 2 || o[0].Assignee != "Ada" || !o[0].Late || o[1].Assignee != "Nobody" || o[1].Late {
		t.Errorf("overdue %+v", o)
	}
	for i, want := range []struct {
		expiry, note, decider string
		tone                  Tone
	}{
		{"none recorded", "", "awaiting a decision", ToneBad},
		{"17 Nov 2026", "expired 3 days ago", "Zoë", ToneBad},
		{"20 Nov 2026", "expires today", "Zoë", ToneBad},
		{"21 Nov 2026", "expires in 1 day", "Zoë", ToneWarn},
		{"20 Dec 2026", "expires in 30 days", "Zoë", ToneWarn},
		{"21 Dec 2026", "expires in 31 days", "Zoë", ToneInfo},
	} {
		e := m.Exceptions[i]
		if e.Expiry != want.expiry || e.ExpiryNote != want.note || e.Decider != want.decider || e.Tone != want.tone || e.Name != "x@x.test" {
			t.Errorf("exception %d: %q %q %q %s, want %+v", i, e.Expiry, e.ExpiryNote, e.Decider, e.Tone, want)
		}
	}
}

func TestWords(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Sentence("  the tenant is ready "), "The tenant is ready."},
		{Sentence("élan."), "Élan."},
		{Sentence(""), ""},
		{Percent(12.345), "12.3%"},
		{Percent(0), "0.0%"},
		{Day(time.Time{}), ""},
		{Day(time.Date(2027, 3, 1, 23, 0, 0, 0, time.FixedZone("x", -3600))), "2 Mar 2027"}, // in UTC
		{StatusWords(""), ""},
		{StatusWords(inventory.InProgress), "In progress"},
		{MarkerWords([]inventory.Marker{inventory.Privileged, inventory.BreakGlass}), "Privileged; Break-glass"},
		{string(ToneOf(inventory.NotApplicable)), "muted"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if !Late(day(2026, 11, 19), testNow) || Late(day(2026, 11, 20), testNow) || Late(time.Time{}, testNow) || Late(day(2026, 1, 1), time.Time{}) {
		t.Error("Late: due yesterday is late; due today, no due date or no now is not")
	}
}
