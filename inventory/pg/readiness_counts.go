package pg

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// The readiness figures: every account counted into the builder
// (inventory.Readiness.Add) without reading 100,000 rows.

// countKey is a group of cards alike in what the index cards_count holds.
type countKey struct {
	status     inventory.Status
	category   inventory.Category
	path       inventory.Path
	compliance inventory.Compliance
}

// addAccountGroups counts every account but the privileged ones still open
// into r, by groups of accounts alike in everything the figures read: a
// tenant of 100,000 accounts is a few thousand groups, not 100,000 rows. It
// reads the board's copy of each account's verdict (cards), which the store
// keeps in step with the assessments in the same transactions, and only
// from indexes: every card by status, category, path and verdict from
// cards_count, and the cards that carry more (markers, an assignee, a due
// date) from cards_readiness; the difference is the plain cards.
func addAccountGroups(ctx context.Context, tx pgx.Tx, r *inventory.Readiness) error {
	rows, err := tx.Query(ctx, `
		SELECT c.status, c.category, c.path, c.compliance, count(*)
		FROM cards c
		WHERE c.tenant_id = $1 AND c.active AND c.compliance <> ''
		GROUP BY 1, 2, 3, 4`, r.Tenant.TenantID)
	if err != nil {
		return err
	}
	plain := map[countKey]int{}
	var (
		k countKey
		n int
	)
	_, err = pgx.ForEachRow(rows, []any{&k.status, &k.category, &k.path, &k.compliance, &n}, func() error {
		plain[k] = n
		return nil
	})
	if err != nil {
		return err
	}
	rows, err = tx.Query(ctx, `
		WITH g AS (
			SELECT c.status, c.category, c.path, c.compliance, c.markers, c.assignee_id, c.due_date, count(*) AS n
			FROM cards c
			WHERE c.tenant_id = $1 AND c.active AND c.compliance <> ''
			  AND (c.markers <> '{}' OR c.assignee_id IS NOT NULL OR c.due_date IS NOT NULL) -- cards_readiness
			GROUP BY 1, 2, 3, 4, 5, 6, 7
		)
		SELECT g.status, g.category, g.path, g.compliance, g.markers,
		       coalesce(nullif(u.display_name, ''), u.email, ''), g.due_date, g.n
		FROM g LEFT JOIN app_users u ON u.id = g.assignee_id`, r.Tenant.TenantID)
	if err != nil {
		return err
	}
	var (
		l       inventory.AccountLine
		markers []string
		due     *time.Time
	)
	_, err = pgx.ForEachRow(rows, []any{&l.Status, &l.Category, &l.Path, &l.Compliance, &markers, &l.Assignee, &due, &n}, func() error {
		plain[countKey{l.Status, l.Category, l.Path, l.Compliance}] -= n
		l.Markers, l.DueDate = toMarkers(markers), dayFromNull(due)
		if inventory.IsPrivilegedOpen(l.Markers, l.Compliance) {
			return nil // privilegedOpenSQL: read and added one by one
		}
		addLines(r, l, n)
		return nil
	})
	if err != nil {
		return err
	}
	for k, n := range plain {
		if n < 0 {
			return fmt.Errorf("the cards of %v were counted %d times fewer than their detail", k, -n)
		}
		addLines(r, inventory.AccountLine{Status: k.status, Category: k.category, Path: k.path, Compliance: k.compliance}, n)
	}
	return nil
}

// addLines counts n accounts like l into r: its verdict and its figures.
func addLines(r *inventory.Readiness, l inventory.AccountLine, n int) {
	r.Tenant.Count(l.Compliance, l.Category, l.Path, l.Markers, n)
	for range n {
		r.Add(l)
	}
}
