package readiness

import "github.com/mfaboard/mfaboard/inventory"

// Share is one verdict's accounts in a group, and their share of the group's
// applicable accounts.
type Share struct {
	Verdict inventory.Compliance
	Count   int
	Share   float64 // in percent, 0 to 100
	Percent string  // Share in words, "12.3%"; "" when the group has no applicable account
	Tone    Tone
}

// FigureTable is a table of accounts by verdict, one row per group; its
// count columns are Verdicts.
type FigureTable struct {
	Title, First string // the table's title and its first column's
	Rows         []FigureRow
}

// FigureRow is one group's accounts by verdict.
type FigureRow struct {
	Label      string
	Applicable int     // enabled accounts: the whole of the shares
	Cells      []Share // in Verdicts order
	Disabled   int     // listed, not counted
	Emphasis   bool
}

// figures are the three tables: the privileged accounts first (DOMAIN.md
// §6: Partner Center checks administrative users each year) beside all
// accounts, then by category and by path, leaving out groups with no
// account.
func figures(r inventory.Readiness) []FigureTable {
	overall := FigureTable{Title: "Privileged accounts and all accounts", First: "Accounts", Rows: []FigureRow{
		figureRow("Privileged accounts", r.Tenant.PrivilegedCounts, true),
		figureRow("All accounts", r.Tenant.Counts, false),
	}}
	return []FigureTable{overall,
		{Title: "By category", First: "Category", Rows: groupRows(inventory.Categories, r.ByCategory)},
		{Title: "By remediation path", First: "Path", Rows: groupRows(inventory.Paths, r.ByPath)},
	}
}

// groupRows are the rows of a cross-tabulation in display order, leaving
// out the groups with no account.
func groupRows[K interface {
	~string
	Label() string
}](keys []K, tab map[K]map[inventory.Compliance]int) []FigureRow {
	var rows []FigureRow
	for _, k := range keys {
		counts := tab[k]
		if counts[inventory.NotApplicable]+inventory.ApplicableCount(counts) > 0 {
			rows = append(rows, figureRow(k.Label(), counts, false))
		}
	}
	return rows
}

func figureRow(label string, counts map[inventory.Compliance]int, emphasis bool) FigureRow {
	return FigureRow{Label: label, Applicable: inventory.ApplicableCount(counts), Cells: shares(counts, false),
		Disabled: counts[inventory.NotApplicable], Emphasis: emphasis}
}

// shares are counts by verdict with their shares; a group with no
// applicable account has no percentages unless always (the tiles and the
// summary show 0.0% rather than nothing).
func shares(counts map[inventory.Compliance]int, always bool) []Share {
	of := inventory.Shares(counts)
	some := inventory.ApplicableCount(counts) > 0
	out := make([]Share, len(Verdicts))
	for i, c := range Verdicts {
		out[i] = Share{Verdict: c, Count: counts[c], Share: of[c], Tone: ToneOf(c)}
		if some || always {
			out[i].Percent = Percent(of[c])
		}
	}
	return out
}
