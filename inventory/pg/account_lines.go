package pg

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// The account lines of the exports (the CSV, the XLSX's Accounts sheet):
// every account a filter of the account list selects, streamed. They are
// read from the board's cards, which carry a copy of each account's UPN,
// name, verdict and markers and whether it is still in the tenant, joined
// to the assessments for the reasons: at 100,000 accounts that reads a
// fraction of the pages the wide accounts table holds. The account list's
// own filters are honoured exactly, and its orders (see lineSorts).

// StreamAccountLines calls fn with every account f selects, in f's order
// (f.Limit and f.Offset are ignored: every match is yielded), as the
// exports list them: the assessment with the card's status, assignee and
// due date and the expiry of a granted exception. Rows are read as fn takes
// them, never collected, so 100,000 accounts cost one account's memory.
// The first error fn returns stops the stream and is returned as it is. An
// unknown filter value or sort key is EINVALID, as in ListAccounts.
func (s *Store) StreamAccountLines(ctx context.Context, f AccountFilter, fn func(inventory.AccountLine) error) error {
	return s.readOnly(ctx, "stream accounts", func(tx pgx.Tx) error {
		return streamAccountLines(ctx, tx, f, fn)
	})
}

func streamAccountLines(ctx context.Context, tx pgx.Tx, f AccountFilter, fn func(inventory.AccountLine) error) error {
	// The account list's checks, so a bad filter reads the same sentence.
	if _, _, err := accountWhere(f); err != nil {
		return err
	}
	if _, err := accountOrderKey(f.Sort); err != nil {
		return err
	}
	where, args := lineWhere(f)
	// Ordering 100,000 rows in memory beats spilling them to disk.
	if _, err := tx.Exec(ctx, `SELECT set_config('work_mem', '64MB', true)`); err != nil {
		return err
	}
	return streamLines(ctx, tx, where+" ORDER BY "+lineOrder(f.Sort), args, fn)
}

// lineWhere is accountWhere on cards (c) and assessments (s); f has been
// checked by accountWhere.
func lineWhere(f AccountFilter) (string, []any) {
	w := sqlWhere{conds: []string{"c.tenant_id = $1"}, args: []any{f.TenantID}}
	if !f.IncludeRemoved {
		w.conds = append(w.conds, "c.active")
	}
	if q := searchText(f.Query); q != "" {
		// Matched on the narrow copy through its trigram index, as the
		// list matches them.
		w.add(`c.account_id IN (SELECT x.account_id FROM account_search x WHERE x.tenant_id = $1
			AND x.search LIKE lower($?))`, searchPattern(q))
	}
	w.addIf("c.category = $?", f.Category)
	w.addIf("c.path = $?", f.Path)
	w.addIf("c.compliance = $?", f.Compliance)
	w.addIf("c.markers @> ARRAY[$?::text]", f.Marker)
	return w.sql(), w.args
}

// lineSorts are accountSorts on cards; the last sign-in is only on the
// account. Text is compared as bytes (COLLATE "C"): a sort by a language's
// collation compares 100,000 UPNs through strcoll, which alone takes longer
// than the 2 seconds an export of 100,000 rows may. In a database whose
// collation is C or C.UTF-8 (UTF-8's bytes sort as its code points) the
// order is exactly the list's; in another, the same rows by the same key,
// ties and all, in code-point order.
var lineSorts = map[string]string{
	"upn":        `c.upn_key COLLATE "C"`,
	"name":       `lower(c.display_name) COLLATE "C"`,
	"compliance": "array_position(" + sqlArray(inventory.Compliances) + ", nullif(c.compliance, ''))",
	"category":   "array_position(" + sqlArray(inventory.Categories) + ", nullif(c.category, ''))",
	"path":       "array_position(" + sqlArray(inventory.Paths) + ", nullif(c.path, ''))",
	"last_sign_in": `(SELECT greatest(a.last_sign_in, a.last_non_interactive_sign_in) FROM accounts a
		WHERE a.tenant_id = c.tenant_id AND a.id = c.account_id)`,
}

// lineOrder is accountOrder on cards; sort has been checked by accountOrder.
func lineOrder(sort string) string {
	key, dir := sort, "ASC"
	if rest, ok := strings.CutPrefix(sort, "-"); ok {
		key, dir = rest, "DESC"
	}
	if key == "" {
		key = "upn"
	}
	return lineSorts[key] + " " + dir + ` NULLS LAST, c.upn_key COLLATE "C", c.account_id COLLATE "C"`
}

// lineQuery reads cards (c) as the exports list their accounts; the caller
// adds the WHERE clause.
const lineQuery = `
	SELECT c.account_id, c.upn, c.display_name, c.category, c.markers, c.path, c.compliance,
	       coalesce(s.enforced_by, '{}'), coalesce(s.reasons, '{}'), c.status,
	       coalesce(nullif(u.display_name, ''), u.email, ''), c.due_date, e.expiry_requested
	FROM cards c
	LEFT JOIN assessments s ON s.tenant_id = c.tenant_id AND s.account_id = c.account_id
	LEFT JOIN app_users u ON u.id = c.assignee_id
	LEFT JOIN exceptions e ON e.tenant_id = c.tenant_id AND e.account_id = c.account_id AND e.status = 'granted'
	WHERE `

// streamLines runs lineQuery with whereOrder and yields each row as it
// arrives.
func streamLines(ctx context.Context, q querier, whereOrder string, args []any, fn func(inventory.AccountLine) error) error {
	rows, err := q.Query(ctx, lineQuery+whereOrder, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		a        inventory.Assessment
		c        inventory.Card
		markers  []string
		due, exp *time.Time
	)
	for rows.Next() {
		// Fresh slices each row: the caller may keep the line it was given.
		markers, a.EnforcedBy, a.Reasons, due, exp = nil, nil, nil, nil, nil
		if err := rows.Scan(&a.UserID, &a.UserPrincipalName, &a.DisplayName, &a.Category, &markers, &a.Path,
			&a.Compliance, &a.EnforcedBy, &a.Reasons, &c.Status, &c.AssigneeName, &due, &exp); err != nil {
			return err
		}
		a.Markers = toMarkers(markers)
		a.EnforcedBy, a.Reasons = nilIfEmpty(a.EnforcedBy), nilIfEmpty(a.Reasons)
		c.DueDate = dayFromNull(due)
		if err := fn(inventory.LineFrom(a, c, timeFromNull(exp))); err != nil {
			return &yieldError{err}
		}
	}
	return rows.Err()
}
