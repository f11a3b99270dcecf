package pg

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/mfaboard/mfaboard/inventory"
)

// boardQuery is a board filter turned into SQL on cards (alias c).
type boardQuery struct {
	where    string
	args     []any
	laneExpr string // the lane of a card: '' (no lanes), c.category or c.path
	now      time.Time
	// gather marks the cells whose page is sorted from their matches rather
	// than walked (boardGatherLimit).
	gather map[cell]bool
	// heapFilter is set when the filter reads what cards_column does not
	// hold (markers, assignee, due date, search): a walk then reads every
	// card it passes. narrowed is set when any filter or a lane is.
	heapFilter, narrowed bool
	// search is the ILIKE pattern of a search, and searchArg the index in
	// args of the matching account ids, which resolve fills in.
	search    string
	searchArg int
}

func newBoardQuery(f BoardFilter) (*boardQuery, error) {
	if f.TenantID == "" {
		return nil, inventory.Errorf(inventory.EINVALID, "Choose a tenant to see its board.")
	}
	q := &boardQuery{now: f.Now, gather: map[cell]bool{}}
	switch f.Swimlane {
	case "":
		q.laneExpr = "''"
	case LaneByCategory:
		q.laneExpr = "c.category"
	case LaneByPath:
		q.laneExpr = "c.path"
	default:
		return nil, inventory.Errorf(inventory.EINVALID, "Unknown swimlane %q: use %s or %s.", f.Swimlane, LaneByCategory, LaneByPath)
	}
	w := sqlWhere{conds: []string{"c.tenant_id = $1", "c.active"}, args: []any{f.TenantID}}
	add := w.add
	if text := searchText(f.Query); text != "" {
		q.heapFilter, q.search = true, searchPattern(text)
		add("c.account_id = ANY($?::text[])", nil)
		q.searchArg = len(w.args) - 1
	}
	for _, v := range []struct {
		value, column, what string
		known               bool
		values              string
	}{
		{f.Category, "category", "category", slices.Contains(inventory.Categories, inventory.Category(f.Category)), joinValues(inventory.Categories)},
		{f.Path, "path", "path", slices.Contains(inventory.Paths, inventory.Path(f.Path)), joinValues(inventory.Paths)},
		{f.Compliance, "compliance", "compliance", slices.Contains(inventory.Compliances, inventory.Compliance(f.Compliance)), joinValues(inventory.Compliances)},
	} {
		if v.value == "" {
			continue
		}
		if !v.known {
			return nil, inventory.Errorf(inventory.EINVALID, "Unknown %s %q: use one of %s.", v.what, v.value, v.values)
		}
		add("c."+v.column+" = $?", v.value)
	}
	if f.Marker != "" {
		if !slices.Contains(inventory.Markers, inventory.Marker(f.Marker)) {
			return nil, inventory.Errorf(inventory.EINVALID, "Unknown marker %q: use one of %s.", f.Marker, joinValues(inventory.Markers))
		}
		q.heapFilter = true
		add("c.markers <> '{}' AND c.markers @> ARRAY[$?::text]", f.Marker) // the first, for cards_markers
	}
	switch {
	case f.Assignee == AssigneeNobody:
		q.heapFilter = true
		w.conds = append(w.conds, "c.assignee_id IS NULL")
	case f.Assignee != "":
		if uuid.Validate(f.Assignee) != nil {
			return nil, inventory.Errorf(inventory.EINVALID, "Unknown assignee %q: choose a user, or %q for cards nobody has.", f.Assignee, AssigneeNobody)
		}
		q.heapFilter = true
		add("c.assignee_id = $?::uuid", f.Assignee)
	}
	if f.Mine != "" {
		if uuid.Validate(f.Mine) != nil {
			return nil, inventory.Errorf(inventory.EINVALID, "Only a signed-in user has cards of their own.")
		}
		q.heapFilter = true
		add("c.assignee_id = $?::uuid", f.Mine)
	}
	if f.Overdue {
		q.heapFilter = true
		add(overdueSQL, inventory.Today(f.Now).Format(time.DateOnly))
	}
	q.where, q.args = w.sql(), w.args
	q.narrowed = len(w.conds) > 2 || f.Swimlane != ""
	return q, nil
}

// resolve finds the accounts a search matches, once, so that the counts
// and the pages do not each search (and the planner, knowing how many they
// are, reads their cards by key).
func (q *boardQuery) resolve(ctx context.Context, db querier) error {
	if q.search == "" {
		return nil
	}
	var ids []string
	// On the narrow copy, through its trigram index (migration 00011):
	// at 100,000 accounts, q=user01 (1,000 matches) reads
	//   Bitmap Index Scan on account_search_trgm (rows=1000), Buffers: shared hit=40
	//   Bitmap Heap Scan on account_search (Heap Blocks: exact=…), a few hundred kB
	// where the wide accounts rows cost a page read per match.
	err := db.QueryRow(ctx, `
		SELECT coalesce(array_agg(x.account_id), '{}') FROM account_search x
		WHERE x.tenant_id = $1 AND NOT x.removed AND x.search LIKE lower($2)`, q.args[0], q.search).Scan(&ids)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	q.args[q.searchArg] = ids
	return nil
}

// cells returns the offset of every cell that has cards from its offset
// on, and marks the cells to gather.
func (q *boardQuery) cells(counts map[cell]int, offsets map[inventory.Status]int) map[cell]int {
	out := map[cell]int{}
	for c, n := range counts {
		off := offsets[c.status]
		if n <= off {
			continue
		}
		out[c] = off
		switch boardReading {
		case "walk", "gather":
			q.gather[c] = boardReading == "gather"
		default:
			q.gather[c] = q.heapFilter && n <= boardGatherLimit ||
				q.narrowed && !q.heapFilter && n <= boardGatherLimitInIndex
		}
	}
	return out
}

// lanes returns the lane keys that have cards, in the domain's order (a
// lane of cards not yet assessed last).
func (q *boardQuery) lanes(counts map[cell]int) []string {
	if q.laneExpr == "''" {
		return nil
	}
	has := map[string]bool{}
	for c, n := range counts {
		if n > 0 {
			has[c.lane] = true
		}
	}
	var order []string
	if q.laneExpr == "c.category" {
		for _, v := range inventory.Categories {
			order = append(order, string(v))
		}
	} else {
		for _, v := range inventory.Paths {
			order = append(order, string(v))
		}
	}
	order = append(order, "")
	var out []string
	for _, key := range order {
		if has[key] {
			out = append(out, key)
		}
	}
	return out
}
