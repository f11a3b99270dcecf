package pg

import (
	"context"
	"fmt"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// BoardFilter selects the cards of a tenant's board. Empty fields do not
// filter. Cards of accounts gone from the tenant are never on the board.
type BoardFilter struct {
	TenantID string
	// Query is a case-insensitive "contains" on UPN, display name and mail.
	Query      string
	Category   string // an inventory.Category
	Path       string // an inventory.Path
	Compliance string // an inventory.Compliance
	Marker     string // an inventory.Marker
	// Assignee is a user id, or AssigneeNobody for the cards nobody has.
	Assignee string
	// Mine is the viewer's user id when they ask for their own cards.
	Mine string
	// Overdue keeps the cards whose work is late (inventory.Overdue).
	Overdue bool
	// Now is the clock of Overdue and DaysInColumn; zero means time.Now().
	Now time.Time
	// Swimlane splits the board into lanes: "", "category" or "path".
	Swimlane string
}

// AssigneeNobody is the BoardFilter.Assignee of unassigned cards.
const AssigneeNobody = "none"

// Swimlanes of BoardFilter.Swimlane.
const (
	LaneByCategory = "category"
	LaneByPath     = "path"
)

// DefaultBoardPage is how many cards a column shows at first and per "more".
const DefaultBoardPage = 50

// BoardCard is a card as the board shows it (the card carries the UPN,
// verdict and markers).
type BoardCard struct {
	inventory.Card
	DisplayName  string
	Category     inventory.Category
	Path         inventory.Path
	DaysInColumn int
	Overdue      bool
}

// BoardColumn is one column: how many cards match in all, and the page of
// them from Offset in board order (inventory.CompareCards: privileged and
// break-glass accounts still open first, then non-compliant, at risk, then
// by due date and UPN). More says there are cards after the page.
type BoardColumn struct {
	Status inventory.Status
	Total  int
	Offset int
	Cards  []BoardCard
	More   bool
}

// BoardLane is one swimlane: a category or a path, with its own columns.
type BoardLane struct {
	Key, Label string
	Total      int
	Columns    []BoardColumn
}

// Board is a tenant's board. Columns are in inventory.Statuses order; with
// a swimlane they hold only the totals, and each lane (in the order of
// inventory.Categories or inventory.Paths, only lanes with cards) has its
// columns and cards.
type Board struct {
	Columns []BoardColumn
	Lanes   []BoardLane
	Total   int
}

// How a column's page is read. A column walks its index (cards_column) in
// board order and stops after the page: without a filter it passes over the
// page's cards only. With one it passes over about (page × column size /
// matches) entries, and a column with few matches is better read by finding
// its matches (through the filter's own index) and sorting them, all such
// columns in one pass: "gathered". A filter on what the index holds (lane,
// category, path, compliance) walks the index alone, cheap per entry, so
// only columns of up to boardGatherLimitInIndex matches are gathered; a
// filter on anything else (markers, assignee, due date, search) reads each
// card the walk passes, so columns of up to boardGatherLimit are.
const (
	boardGatherLimit        = 2000
	boardGatherLimitInIndex = 500
)

// boardReading forces every column to be walked ("walk") or gathered
// ("gather"), for the tests that check both give one board; "" decides.
var boardReading = ""

// Board returns the columns of a tenant's board matching f, perColumn cards
// each (0 means DefaultBoardPage), each column from its offset in offsets
// (missing: 0; with swimlanes the offset applies to the column in every
// lane). An unknown filter value is EINVALID.
func (s *Store) Board(ctx context.Context, f BoardFilter, perColumn int, offsets map[inventory.Status]int) (Board, error) {
	if perColumn == 0 {
		perColumn = DefaultBoardPage
	}
	if perColumn < 0 || perColumn > MaxPageSize {
		return Board{}, inventory.Errorf(inventory.EINVALID, "A column shows 1 to %d cards at a time.", MaxPageSize)
	}
	for st, off := range offsets {
		if off < 0 {
			return Board{}, inventory.Errorf(inventory.EINVALID, "The %s column cannot start before its first card.", st.Label())
		}
	}
	if f.Now.IsZero() {
		f.Now = time.Now()
	}
	q, err := newBoardQuery(f)
	if err != nil {
		return Board{}, err
	}
	if err := q.resolve(ctx, s.pool); err != nil {
		return Board{}, fmt.Errorf("store: board: %w", err)
	}
	counts, err := q.counts(ctx, s.pool)
	if err != nil {
		return Board{}, fmt.Errorf("store: board: %w", err)
	}
	cells := q.cells(counts, offsets)
	cards, err := q.pages(ctx, s.pool, cells, perColumn)
	if err != nil {
		return Board{}, fmt.Errorf("store: board: %w", err)
	}
	return assembleBoard(f, q.lanes(counts), counts, offsets, cards, perColumn), nil
}

// cell is one column of one lane ("" without lanes).
type cell struct {
	lane   string
	status inventory.Status
}

// assembleBoard puts the counts and the pages in board order.
func assembleBoard(f BoardFilter, lanes []string, counts map[cell]int, offsets map[inventory.Status]int, cards map[cell][]BoardCard, perColumn int) Board {
	column := func(c cell) BoardColumn {
		col := BoardColumn{Status: c.status, Total: counts[c], Offset: offsets[c.status], Cards: cards[c]}
		if len(col.Cards) > perColumn {
			col.Cards, col.More = col.Cards[:perColumn], true
		}
		return col
	}
	var b Board
	totals := map[inventory.Status]int{}
	for c, n := range counts {
		totals[c.status] += n
		b.Total += n
	}
	for _, st := range inventory.Statuses {
		if f.Swimlane == "" {
			b.Columns = append(b.Columns, column(cell{"", st}))
		} else {
			b.Columns = append(b.Columns, BoardColumn{Status: st, Total: totals[st]})
		}
	}
	for _, key := range lanes {
		lane := BoardLane{Key: key, Label: laneLabel(f.Swimlane, key)}
		for _, st := range inventory.Statuses {
			col := column(cell{key, st})
			lane.Total += col.Total
			lane.Columns = append(lane.Columns, col)
		}
		b.Lanes = append(b.Lanes, lane)
	}
	return b
}

func laneLabel(swimlane, key string) string {
	switch {
	case key == "":
		return "Not assessed"
	case swimlane == LaneByCategory:
		return inventory.Category(key).Label()
	}
	return inventory.Path(key).Label()
}

// counts returns how many cards match per lane and column.
func (q *boardQuery) counts(ctx context.Context, db querier) (map[cell]int, error) {
	rows, err := db.Query(ctx, `
		SELECT `+q.laneExpr+`, c.status, count(*) FROM cards c WHERE `+q.where+` GROUP BY 1, 2`, q.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[cell]int{}
	for rows.Next() {
		var (
			c cell
			n int
		)
		if err := rows.Scan(&c.lane, &c.status, &n); err != nil {
			return nil, err
		}
		out[c] = n
	}
	return out, rows.Err()
}
