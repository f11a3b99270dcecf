// Package report writes the readiness report management forwards: a PDF of
// a few pages, an XLSX workbook with every account, and a streamed CSV of
// the account list. It knows no database and no HTTP: it takes an
// inventory.Readiness and, for the account lists, a function that yields
// the accounts one at a time, so 100,000 of them are never held in memory.
package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// applicable are the verdicts of enabled accounts, in display order: the
// columns of every figure table.
var applicable = []inventory.Compliance{inventory.NonCompliant, inventory.AtRisk, inventory.Excepted, inventory.Compliant}

// figureRow is one line of a figure table: a group of accounts (all, the
// privileged, a category, a path) counted by verdict.
type figureRow struct {
	label  string
	counts map[inventory.Compliance]int
}

func (f figureRow) applicable() int { return inventory.ApplicableCount(f.counts) }

// cell writes a count with its share of the row's applicable accounts:
// "12 (3.4%)".
func (f figureRow) cell(c inventory.Compliance, shares map[inventory.Compliance]float64) string {
	n := f.counts[c]
	if f.applicable() == 0 {
		return fmt.Sprint(n)
	}
	return fmt.Sprintf("%d (%s)", n, percent(shares[c]))
}

func percent(share float64) string { return fmt.Sprintf("%.1f%%", share) }

// projected is r with its projection, made here when the caller did not
// Finish r: a report never says nothing about when the tenant will be ready.
func projected(r inventory.Readiness) inventory.Readiness {
	if r.Projection.Note == "" {
		r.Projection = inventory.ProjectCompletion(r.Trend, r.Deadline, r.GeneratedAt)
	}
	return r
}

// overallRows are all accounts and the privileged ones apart (DOMAIN.md §6:
// Partner Center checks administrative users each year; the Partner
// Agreement asks it of every user).
func overallRows(r inventory.Readiness) []figureRow {
	return []figureRow{
		{label: "All accounts", counts: r.Tenant.Counts},
		{label: "Privileged accounts", counts: r.Tenant.PrivilegedCounts},
	}
}

// categoryRows are the accounts of each category by verdict, in display
// order, leaving out categories with no account.
func categoryRows(r inventory.Readiness) []figureRow {
	var rows []figureRow
	for _, c := range inventory.Categories {
		if counts := r.ByCategory[c]; total(counts) > 0 {
			rows = append(rows, figureRow{label: c.Label(), counts: counts})
		}
	}
	return rows
}

// pathRows are the accounts on each path by verdict.
func pathRows(r inventory.Readiness) []figureRow {
	var rows []figureRow
	for _, p := range inventory.Paths {
		if counts := r.ByPath[p]; total(counts) > 0 {
			rows = append(rows, figureRow{label: p.Label(), counts: counts})
		}
	}
	return rows
}

func total(counts map[inventory.Compliance]int) int {
	n := 0
	for _, k := range counts {
		n += k
	}
	return n
}

// day writes a date as the reports do, "" for none.
func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2 Jan 2006")
}

// deadlineWords is the deadline as a sentence's end.
func deadlineWords(r inventory.Readiness) string {
	if r.Deadline.IsZero() {
		return "no enforcement deadline set"
	}
	return "enforcement deadline " + day(r.Deadline)
}

// assigneeName is who an account's work is assigned to, in words.
func assigneeName(name string) string {
	if strings.TrimSpace(name) == "" {
		return "Nobody"
	}
	return name
}

// markerWords lists an account's markers in words.
func markerWords(markers []inventory.Marker) string {
	words := make([]string, len(markers))
	for i, m := range markers {
		words[i] = m.Label()
	}
	return strings.Join(words, "; ")
}

// statusWords is a card's column in words, "" when it has no card.
func statusWords(s inventory.Status) string {
	if s == "" {
		return ""
	}
	return s.Label()
}
