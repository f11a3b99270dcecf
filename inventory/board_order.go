package inventory

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// The board's order within a column: the most severe work first. A column
// is read in pages at 100,000 cards, so the store keeps a card's place in
// an index; rules_agree_test.go proves its SQL and these rules agree.

// BoardRank is a card's severity, the first key of the board's order:
//
//	0  privileged or break-glass, non-compliant
//	1  privileged or break-glass, at risk
//	2  non-compliant
//	3  at risk
//	4  privileged or break-glass, any other verdict
//	5  everything else
//
// A privileged account that is already compliant waits behind the open
// work of everyone: the keys to the tenant come first only while they are
// open.
func BoardRank(markers []Marker, c Compliance) int {
	severity := 0
	if c == AtRisk {
		severity = 1
	}
	privileged := HasPrivilegedMarker(markers)
	switch {
	case c.Open() && privileged:
		return severity
	case c.Open():
		return 2 + severity
	case privileged:
		return 4
	}
	return 5
}

// BoardRankCase is one of BoardRank's answers, by markers and verdict, for
// the store to write the rule as SQL from the rule itself.
type BoardRankCase struct {
	Privileged bool
	Compliance Compliance // "" for any verdict not listed
	Rank       int
}

// BoardRankCases are BoardRank's answers for every verdict (and none), with
// and without a privileged marker.
func BoardRankCases() []BoardRankCase {
	var out []BoardRankCase
	for _, privileged := range []bool{true, false} {
		var markers []Marker
		if privileged {
			markers = []Marker{Privileged}
		}
		for _, c := range append(slices.Clone(Compliances), "") {
			out = append(out, BoardRankCase{privileged, c, BoardRank(markers, c)})
		}
	}
	return out
}

// CompareCards is the board's order within a column: by BoardRank, then
// the earliest due date (none last), then UPN without regard to case, then
// account id (so that no two cards tie).
func CompareCards(a, b Card) int {
	return cmp.Or(
		cmp.Compare(BoardRank(a.Markers, a.Compliance), BoardRank(b.Markers, b.Compliance)),
		compareDue(a.DueDate, b.DueDate),
		strings.Compare(strings.ToLower(a.UserPrincipalName), strings.ToLower(b.UserPrincipalName)),
		strings.Compare(a.AccountID, b.AccountID),
	)
}

// compareDue puts earlier days first and no day last.
func compareDue(a, b time.Time) int {
	switch {
	case a.IsZero() && b.IsZero():
		return 0
	case a.IsZero():
		return 1
	case b.IsZero():
		return -1
	}
	return a.Compare(b)
}
