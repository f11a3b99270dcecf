// Package readiness is the readiness report in words and shapes, once for
// every medium: the page, the PDF, the XLSX and the e-mail and chat summary
// all render a Report, so they say the same thing in the same words. It
// takes an inventory.Readiness and decides everything a reader sees short of
// layout: the verdict's tone, the sentences, the shares and their
// percentages, the figure tables, the lists with their status words, and the
// burn-down chart in abstract units (each medium scales them to its own
// plot). It knows no HTTP, no database and no file format.
package readiness

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mfaboard/mfaboard/inventory"
)

// Report is the readiness of a tenant as every medium presents it.
type Report struct {
	// Readiness is what the report was made from, with its projection.
	Readiness inventory.Readiness
	// Name is the tenant's name, or its ID when it has none.
	Name     string
	Headline string
	Tone     Tone   // of the verdict: ToneOK ready, ToneMuted nothing assessed yet, else ToneBad
	When     string // when the tenant will be ready, a sentence
	// Shares are all applicable accounts by verdict, in Verdicts order,
	// each with its percentage.
	Shares []Share
	// Figures are the tables of accounts by verdict: the privileged
	// accounts and all accounts, then by category, then by path.
	Figures []FigureTable
	Chart   Chart
	// The lists, whole: each medium shows as many as it has room for.
	Privileged []OpenAccount // privileged and break-glass accounts still open, worst first
	Gaps       []Gap         // worst first
	Exceptions []Exception   // those without an expiry first, then the soonest
	Overdue    []Overdue     // the most overdue first
}

// New builds the report of r. A readiness that was not Finished gets its
// projection here: a report never says nothing about when the tenant will
// be ready.
func New(r inventory.Readiness) Report {
	if r.Projection.Note == "" {
		r.Projection = inventory.ProjectCompletion(r.Trend, r.Deadline, r.GeneratedAt)
	}
	m := Report{Readiness: r, Name: r.Tenant.DisplayName, Headline: r.Headline(), Tone: ToneBad,
		When: Sentence(r.Projection.Note)}
	if strings.TrimSpace(m.Name) == "" {
		m.Name = r.Tenant.TenantID
	}
	switch counts := r.Tenant.Counts; {
	case inventory.ApplicableCount(counts) == 0:
		m.Tone = ToneMuted
	case inventory.OpenCount(counts) == 0:
		m.Tone = ToneOK
	}
	m.Shares = shares(r.Tenant.Counts, true)
	m.Figures = figures(r)
	m.Chart = chartOf(r)
	m.Privileged = openAccounts(r.PrivilegedOpen, r.GeneratedAt)
	m.Gaps = gaps(r.Tenant.Gaps)
	m.Exceptions = exceptions(r.Exceptions, r.GeneratedAt)
	m.Overdue = overdue(r.Overdue)
	return m
}

// Ready reports whether the tenant is ready: accounts were assessed and
// none is non-compliant or at risk.
func (m Report) Ready() bool { return m.Tone == ToneOK }

// Tone is how a value reads at a glance; the page colours it, the PDF
// picks a band colour by it. The words always say it too.
type Tone string

const (
	ToneOK    Tone = "ok"
	ToneWarn  Tone = "warn"
	ToneBad   Tone = "bad"
	ToneInfo  Tone = "info"
	ToneMuted Tone = "muted"
)

// ToneOf is the tone of a verdict.
func ToneOf(c inventory.Compliance) Tone {
	switch c {
	case inventory.Compliant:
		return ToneOK
	case inventory.AtRisk:
		return ToneWarn
	case inventory.NonCompliant:
		return ToneBad
	case inventory.Excepted:
		return ToneInfo
	}
	return ToneMuted
}

// Verdicts are the verdicts of enabled accounts, in display order: the
// shares, and the columns of every figure table.
var Verdicts = []inventory.Compliance{inventory.NonCompliant, inventory.AtRisk, inventory.Excepted, inventory.Compliant}

// Percent writes a share as every medium does: "12.3%".
func Percent(share float64) string { return fmt.Sprintf("%.1f%%", share) }

// Sentence starts s with a capital and ends it with a full stop.
func Sentence(s string) string {
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

// DayLayout is how the report writes a day.
const DayLayout = "2 Jan 2006"

// Day writes a day as the report does, "" for none.
func Day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(DayLayout)
}

// StatusWords is a card's column in words, "" when it has no card.
func StatusWords(s inventory.Status) string {
	if s == "" {
		return ""
	}
	return s.Label()
}

// MarkerWords lists markers in words: "Privileged; Break-glass".
func MarkerWords(markers []inventory.Marker) string {
	words := make([]string, len(markers))
	for i, m := range markers {
		words[i] = m.Label()
	}
	return strings.Join(words, "; ")
}
