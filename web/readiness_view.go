package web

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
)

// The readiness page's model: inventory.Readiness in words.

// privilegedShown is how many open privileged accounts the page lists; the
// rest are a link away (the PDF and the XLSX list them all).
const privilegedShown = 25

// gapsShown is how many policy gaps the page lists, worst first.
const gapsShown = 10

// exceptionsShown is how many exceptions the page lists, those without an
// expiry and the soonest first; the exceptions page has them all.
const exceptionsShown = 50

// applicableVerdicts are the verdicts of enabled accounts, in display order.
var applicableVerdicts = []inventory.Compliance{inventory.NonCompliant, inventory.AtRisk, inventory.Excepted, inventory.Compliant}

var verdictTones = map[inventory.Compliance]string{inventory.NonCompliant: "bad", inventory.AtRisk: "warn",
	inventory.Excepted: "info", inventory.Compliant: "ok", inventory.NotApplicable: "muted"}

func readinessView(p views.Page, tenantID string, r inventory.Readiness) views.ReadinessPage {
	tq := "?tenant=" + url.QueryEscape(tenantID)
	v := views.ReadinessPage{
		Page: p, Synced: true, Headline: r.Headline(), HeadlineTone: "bad",
		AsOf: views.DateTime(r.Tenant.AsOf), Projection: sentence(r.Projection.Note),
		Shares: shareTiles(r.Tenant.Counts, tq), Chart: trendChart(r), Unchecked: r.Tenant.Unchecked,
		PDFHref: "/readiness/report.pdf" + tq, XLSXHref: "/readiness/report.xlsx" + tq, CSVHref: "/accounts.csv" + tq,
		PrivilegedHref: "/accounts" + tq + "&marker=" + string(inventory.Privileged),
	}
	switch {
	case inventory.ApplicableCount(r.Tenant.Counts) == 0:
		v.HeadlineTone = "muted"
	case inventory.OpenCount(r.Tenant.Counts) == 0:
		v.HeadlineTone = "ok"
	}
	if !r.Deadline.IsZero() {
		v.Deadline, v.DeadlineISO = views.Date(r.Deadline), r.Deadline.Format(time.DateOnly)
	}
	for i, a := range r.PrivilegedOpen {
		if i == privilegedShown {
			v.PrivilegedMore = len(r.PrivilegedOpen) - privilegedShown
			break
		}
		v.Privileged = append(v.Privileged, openAccount(a, tq, r.GeneratedAt))
	}
	v.Figures = []views.FigureTable{
		figureTable("Privileged accounts and all accounts", "Accounts", []figureGroup{
			{"Privileged accounts", r.Tenant.PrivilegedCounts, true}, {"All accounts", r.Tenant.Counts, false}}),
		figureTable("By category", "Category", groupsOf(inventory.Categories, r.ByCategory)),
		figureTable("By remediation path", "Path", groupsOf(inventory.Paths, r.ByPath)),
	}
	for i, g := range r.Tenant.Gaps {
		if i == gapsShown {
			break
		}
		v.Gaps = append(v.Gaps, views.GapLine{Policy: g.Policy, Description: g.Description, Accounts: accountsWord(g.Accounts)})
	}
	for i, e := range r.Exceptions {
		if i == exceptionsShown {
			v.ExceptionsMore = len(r.Exceptions) - exceptionsShown
			break
		}
		v.Exceptions = append(v.Exceptions, exceptionLine(e, r.GeneratedAt))
	}
	for _, o := range r.Overdue {
		name := o.Assignee
		if strings.TrimSpace(name) == "" {
			name = "Nobody"
		}
		v.Overdue = append(v.Overdue, views.OverdueLine{Assignee: name, Overdue: views.Itoa(o.Overdue),
			Open: views.Itoa(o.Open), Late: o.Overdue > 0})
	}
	return v
}

// shareTiles are the applicable accounts' shares by verdict.
func shareTiles(counts map[inventory.Compliance]int, tq string) []views.ShareTile {
	shares := inventory.Shares(counts)
	tiles := make([]views.ShareTile, 0, len(applicableVerdicts))
	for _, c := range applicableVerdicts {
		tiles = append(tiles, views.ShareTile{Label: c.Label(), Count: views.Itoa(counts[c]), Share: percent(shares[c]),
			Tone: verdictTones[c], Href: "/accounts" + tq + "&compliance=" + string(c)})
	}
	return tiles
}

// figureGroup is one row of a figure table before it is written.
type figureGroup struct {
	label    string
	counts   map[inventory.Compliance]int
	emphasis bool
}

// groupsOf are the groups of a cross-tabulation in display order, leaving
// out those with no account.
func groupsOf[K interface {
	~string
	Label() string
}](keys []K, tab map[K]map[inventory.Compliance]int) []figureGroup {
	var out []figureGroup
	for _, k := range keys {
		counts := tab[k]
		n := counts[inventory.NotApplicable] + inventory.ApplicableCount(counts)
		if n > 0 {
			out = append(out, figureGroup{label: k.Label(), counts: counts})
		}
	}
	return out
}

func figureTable(title, first string, groups []figureGroup) views.FigureTable {
	t := views.FigureTable{Title: title, First: first}
	for _, c := range applicableVerdicts {
		t.Columns = append(t.Columns, c.Label())
	}
	for _, g := range groups {
		n := inventory.ApplicableCount(g.counts)
		shares := inventory.Shares(g.counts)
		row := views.FigureRow{Label: g.label, Applicable: views.Itoa(n), Disabled: views.Itoa(g.counts[inventory.NotApplicable]),
			Emphasis: g.emphasis}
		for _, c := range applicableVerdicts {
			cell := views.FigureCell{Count: views.Itoa(g.counts[c]), Tone: verdictTones[c]}
			if n > 0 {
				cell.Share = percent(shares[c])
			}
			row.Cells = append(row.Cells, cell)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func openAccount(a inventory.AccountLine, tq string, now time.Time) views.OpenAccount {
	o := views.OpenAccount{Href: "/accounts/" + url.PathEscape(a.ID) + tq, UPN: a.UserPrincipalName,
		DisplayName: a.DisplayName, Compliance: a.Compliance.Label(), Tone: verdictTones[a.Compliance],
		Path: a.Path.Label(), Assignee: a.Assignee, Due: views.Date(a.DueDate)}
	if o.DisplayName == "" {
		o.DisplayName = a.UserPrincipalName
	}
	if o.Assignee == "" {
		o.Assignee = "—"
	}
	if len(a.Reasons) > 0 {
		o.Reason = a.Reasons[0]
	}
	o.Late = !a.DueDate.IsZero() && a.DueDate.Before(startOfDay(now))
	for _, m := range a.Markers {
		o.Markers = append(o.Markers, views.Badge{Value: string(m), Label: m.Label()})
	}
	return o
}

func exceptionLine(e inventory.ExceptionLine, now time.Time) views.ExceptionLine {
	l := views.ExceptionLine{UPN: e.UserPrincipalName, DisplayName: e.DisplayName, Status: e.Status,
		DecidedBy: e.DecidedBy, Expiry: views.Date(e.Expiry), Tone: "info",
		Justification: e.Justification, Controls: e.CompensatingControls}
	if l.DisplayName == "" {
		l.DisplayName = e.UserPrincipalName
	}
	if l.DecidedBy == "" {
		l.DecidedBy = "awaiting a decision"
	}
	if e.Expiry.IsZero() {
		l.Expiry, l.Tone = "none recorded", "bad"
		return l
	}
	days := int(startOfDay(e.Expiry).Sub(startOfDay(now)).Hours() / 24)
	switch {
	case days < 0:
		l.Tone, l.ExpiryNote = "bad", "expired "+daysWord(-days)+" ago"
	case days == 0:
		l.Tone, l.ExpiryNote = "bad", "expires today"
	case days <= 30:
		l.Tone, l.ExpiryNote = "warn", "expires in "+daysWord(days)
	default:
		l.ExpiryNote = "expires in " + daysWord(days)
	}
	return l
}

func daysWord(n int) string {
	if n == 1 {
		return "1 day"
	}
	return views.Itoa(n) + " days"
}

func accountsWord(n int) string {
	if n == 1 {
		return "1 account"
	}
	return views.Itoa(n) + " accounts"
}

// percent writes a share as the reports do: "12.3%".
func percent(share float64) string { return fmt.Sprintf("%.1f%%", share) }

// startOfDay is midnight UTC of t's day.
func startOfDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// sentence starts s with a capital and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	first, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(first)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
