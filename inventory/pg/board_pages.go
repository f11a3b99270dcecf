package pg

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// pages reads the cards of every cell: the walked cells and the gathered
// ones in one statement. Both pick the cards by their place in board order
// alone (index-only where the filter allows), and only the cards picked
// are read whole.
func (q *boardQuery) pages(ctx context.Context, db querier, cells map[cell]int, perColumn int) (map[cell][]BoardCard, error) {
	w := sqlWhere{args: slices.Clone(q.args)}
	arg := w.arg
	var walk, gather [3][]any
	gatherLanes := map[string][]string{} // lane → its gathered statuses
	for _, c := range sortedCells(cells) {
		part := &walk
		if q.gather[c] {
			part = &gather
			gatherLanes[c.lane] = append(gatherLanes[c.lane], string(c.status))
		}
		part[0], part[1], part[2] = append(part[0], c.lane), append(part[1], string(c.status)), append(part[2], cells[c])
	}
	limit := arg(perColumn + 1) // one more tells whether there are more
	var parts []string
	if len(walk[0]) > 0 {
		laneCond := ""
		if q.laneExpr != "''" {
			laneCond = " AND " + q.laneExpr + " = k.lane"
		}
		parts = append(parts, `
			SELECT k.lane, k.status, w.account_id, w.rank, w.due_date, w.upn_key
			FROM unnest(`+arg(walk[0])+`::text[], `+arg(walk[1])+`::text[], `+arg(walk[2])+`::int[]) AS k(lane, status, off)
			CROSS JOIN LATERAL (
				SELECT c.account_id, c.rank, c.due_date, c.upn_key FROM cards c
				WHERE `+q.where+` AND c.status = k.status`+laneCond+`
				ORDER BY `+boardOrder+`
				LIMIT `+limit+` OFFSET k.off
			) w`)
	}
	if len(gather[0]) > 0 {
		// Exactly the gathered cells, lane by lane, so that nothing else is
		// sorted.
		var arms []string
		for _, lane := range slices.Sorted(maps.Keys(gatherLanes)) {
			arm := "c.status = ANY(" + arg(gatherLanes[lane]) + "::text[])"
			if q.laneExpr != "''" {
				arm = "(" + q.laneExpr + " = " + arg(lane) + " AND " + arm + ")"
			}
			arms = append(arms, arm)
		}
		parts = append(parts, `
			SELECT g.lane, g.status, g.account_id, g.rank, g.due_date, g.upn_key
			FROM (
				SELECT `+q.laneExpr+` AS lane, c.status, c.account_id, c.rank, c.due_date, c.upn_key,
				       row_number() OVER (PARTITION BY `+q.laneExpr+`, c.status
				                          ORDER BY `+boardOrder+`) AS rn
				FROM cards c
				WHERE `+q.where+` AND (`+strings.Join(arms, " OR ")+`)
			) g
			JOIN unnest(`+arg(gather[0])+`::text[], `+arg(gather[1])+`::text[], `+arg(gather[2])+`::int[]) AS k(lane, status, off)
			  ON k.lane = g.lane AND k.status = g.status
			WHERE g.rn > k.off AND g.rn <= k.off + `+limit)
	}
	out := map[cell][]BoardCard{}
	if len(parts) == 0 {
		return out, nil
	}
	rows, err := db.Query(ctx, `
		WITH picked AS (`+strings.Join(parts, " UNION ALL ")+`)
		SELECT p.lane, `+boardCardColumns+`
		FROM picked p
		JOIN cards c ON c.tenant_id = $1 AND c.account_id = p.account_id`+cardAssignee+`
		ORDER BY p.lane, p.status, `+strings.ReplaceAll(boardOrder, "c.", "p."), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var lane string
		bc, err := scanBoardCard(rows, q.now, &lane)
		if err != nil {
			return nil, err
		}
		c := cell{lane, bc.Status}
		out[c] = append(out[c], bc)
	}
	return out, rows.Err()
}

// boardOrder is inventory.CompareCards on cards (c), as the index
// cards_column holds it: rank is inventory.BoardRank, and an ascending
// due_date puts the cards with none last.
const boardOrder = `c.rank, c.due_date, c.upn_key, c.account_id`

// sortedCells lists cells in a fixed order, so that one board is always
// one statement (and one plan).
func sortedCells(cells map[cell]int) []cell {
	return slices.SortedFunc(maps.Keys(cells), func(a, b cell) int {
		return cmp.Or(cmp.Compare(a.lane, b.lane), cmp.Compare(a.status, b.status))
	})
}

// boardCardColumns are what scanBoardCard reads: a card (alias c, its
// assignee u joined by cardAssignee) and the account's facts copied onto it.
const boardCardColumns = cardColumns + `, c.display_name, c.category, c.path`

// scanBoardCard reads a card as the board shows it at now. first are the
// destinations of the columns selected before boardCardColumns.
func scanBoardCard(row pgx.Row, now time.Time, first ...any) (BoardCard, error) {
	var (
		bc      BoardCard
		r       cardRow
		due     *time.Time
		markers []string
	)
	dest := append(first, r.destinations(&due, &markers)...)
	if err := row.Scan(append(dest, &bc.DisplayName, &bc.Category, &bc.Path)...); err != nil {
		return BoardCard{}, err
	}
	r.settle(due, markers)
	bc.Card = r.Card
	bc.DaysInColumn = max(0, int(now.Sub(r.statusSince)/(24*time.Hour)))
	bc.Overdue = inventory.Overdue(bc.Status, bc.DueDate, now)
	return bc, nil
}

// BoardCard returns one account's card as the board shows it at now, read
// by itself: a card the board does not list (its account has gone from the
// tenant) included. An account not in the tenant is ENOTFOUND.
func (s *Store) BoardCard(ctx context.Context, tenantID, accountID string, now time.Time) (BoardCard, error) {
	bc, err := scanBoardCard(s.pool.QueryRow(ctx, `SELECT `+boardCardColumns+` FROM cards c`+cardAssignee+`
		WHERE c.tenant_id = $1 AND c.account_id = $2`, tenantID, accountID), now)
	if errors.Is(err, pgx.ErrNoRows) {
		return BoardCard{}, accountNotFound(tenantID, accountID)
	}
	if err != nil {
		return BoardCard{}, fmt.Errorf("store: board card: %w", err)
	}
	return bc, nil
}

// With is the same account's board card after a change for which the store
// returned c (MoveCard, Assign and the rest): the account's facts as they
// were, the days in the column restarted when the change moved the card, and
// overdue by c's due date at now.
func (bc BoardCard) With(c inventory.Card, now time.Time) BoardCard {
	if c.Status != bc.Status {
		bc.DaysInColumn = 0
	}
	bc.Card, bc.Overdue = c, inventory.Overdue(c.Status, c.DueDate, now)
	return bc
}
