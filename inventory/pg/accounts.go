package pg

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// AccountFilter selects and orders a page of a tenant's accounts. Empty
// fields do not filter.
type AccountFilter struct {
	TenantID string
	// Query is a case-insensitive "contains" on UPN, display name and mail.
	Query      string
	Category   string // an inventory.Category
	Path       string // an inventory.Path
	Compliance string // an inventory.Compliance
	Marker     string // an inventory.Marker
	// IncludeRemoved lists the accounts gone from the tenant as well.
	IncludeRemoved bool
	// Sort is one of AccountSorts, "-" in front for descending; "" is "upn".
	Sort  string
	Limit int // 0 means DefaultPageSize; at most MaxPageSize
	// A page is found by one of: After, the accounts that follow the row
	// whose AccountPage cursor it is; Before, the accounts that precede
	// it; or Offset, the accounts from a position on (a page number: it
	// costs a walk over the narrow index up to it, so it is kept for
	// links that name a page).
	After, Before string
	Offset        int
	// CountCap, when above 0, stops counting the matches at CountCap: a
	// total the stored counts cannot give then costs at most CountCap
	// index entries, and AccountPage.TotalCapped says there are more.
	CountCap int
}

// Page sizes of ListAccounts.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
	// MaxOffset is the deepest position a page number reaches (20,000
	// pages of 50).
	MaxOffset = 1_000_000
)

// AccountSorts lists the sort keys of AccountFilter.Sort.
var AccountSorts = []string{"upn", "name", "compliance", "category", "path", "last_sign_in"}

// AccountRow is one line of the account list.
type AccountRow struct {
	ID                string
	UserPrincipalName string
	DisplayName       string
	Mail              string
	UserType          string
	Enabled           bool
	RemovedAt         time.Time // zero unless the account left the tenant
	// The verdict; empty for an account not yet assessed.
	Category   inventory.Category
	Path       inventory.Path
	Compliance inventory.Compliance
	Markers    []inventory.Marker
	EnforcedBy []string
	RiskBased  bool
	// Overridden is true when a person's override set the category or path.
	Overridden bool
	// LastSignIn is the latest sign-in, interactive or not (zero: never).
	LastSignIn  time.Time
	FirstReason string
}

// Removed reports whether the account has left the tenant.
func (r AccountRow) Removed() bool { return !r.RemovedAt.IsZero() }

// AccountPage is one page of accounts and how many match in all.
type AccountPage struct {
	Rows []AccountRow
	// Total is how many accounts match; with TotalCapped, at least that
	// many (the filter's CountCap).
	Total       int
	TotalCapped bool
	Limit       int
	Offset      int
	// First and Last are the cursors of the first and last row (for
	// Before and After); HasPrev and HasNext say whether a page precedes
	// or follows this one.
	First, Last      string
	HasPrev, HasNext bool
}

// ListAccounts returns one page of a tenant's accounts matching f, with the
// number of all matching accounts. It reads the narrow account_search
// (migration 00011) to choose the page, and the wide rows of the page's
// accounts only. An unknown filter value or sort key, or a cursor that is
// not one of ListAccounts' own, is EINVALID.
//
// Plans at 100,000 accounts (EXPLAIN (ANALYZE, BUFFERS), warm, on the
// benchmark tenant; the full plans are beside BenchmarkLists100k in
// web/perf_lists_test.go):
//
//	q=user0 (10,000 match): Bitmap Index Scan on account_search_trgm (rows=10000),
//	  Heap Blocks: exact=763 of the narrow table, top-N heapsort; 51 loops on
//	  accounts_pkey and assessments_pkey; shared hit=1197, 13.8 ms
//	page=1500: Index Only Scan using account_search_upn (rows=75001),
//	  Heap Fetches: 0, shared hit=2330, 15.0 ms
//	after=<key>: Index Only Scan using account_search_upn,
//	  Index Cond: ROW(upn_key, account_id) > ROW(…), rows=51, shared hit=6; 0.8 ms
func (s *Store) ListAccounts(ctx context.Context, f AccountFilter) (AccountPage, error) {
	where, args, err := accountWhere(f)
	if err != nil {
		return AccountPage{}, err
	}
	key, err := accountOrderKey(f.Sort)
	if err != nil {
		return AccountPage{}, err
	}
	limit := f.Limit
	if limit == 0 {
		limit = DefaultPageSize
	}
	if limit < 0 || limit > MaxPageSize || f.Offset < 0 || f.Offset > MaxOffset || f.CountCap < 0 {
		return AccountPage{}, inventory.Errorf(inventory.EINVALID,
			"a page holds 1 to %d accounts from a position of 0 to %d", MaxPageSize, MaxOffset)
	}
	if f.After != "" && f.Before != "" {
		return AccountPage{}, inventory.Errorf(inventory.EINVALID, "a page follows one account or precedes one, not both")
	}
	page := AccountPage{Limit: limit, Offset: f.Offset}
	read := pageRead{key: key, limit: limit, offset: f.Offset}
	for _, c := range []struct {
		raw      string
		backward bool
	}{{f.After, false}, {f.Before, true}} {
		if c.raw == "" {
			continue
		}
		if read.at, err = decodeCursor(c.raw, key); err != nil {
			return AccountPage{}, err
		}
		read.backward, read.offset, page.Offset = c.backward, 0, 0
	}
	pageSQL, pageArgs := read.sql(f, where, args)

	batch := &pgx.Batch{}
	// An order other than by UPN sorts every match before it can take its
	// page; give it room to do so in memory. The batch runs as one
	// implicit transaction, which the setting lasts for.
	batch.Queue(`SELECT set_config('work_mem', '32MB', true)`)
	stored, storedOK := storedTotalKey(f)
	if storedOK {
		batch.Queue(`SELECT counts FROM tenant_counts WHERE tenant_id = $1`, f.TenantID).QueryRow(func(row pgx.Row) error {
			var c verdictCounts
			if err := row.Scan(&c); err != nil {
				storedOK = false // a tenant stored before the counts were kept: count
				return nil
			}
			page.Total = stored(c)
			return nil
		})
	}
	counted := false
	if !storedOK {
		counted = true
		countSQL, countArgs := countQuery(f, where, args)
		batch.Queue(countSQL, countArgs...).QueryRow(func(row pgx.Row) error {
			return row.Scan(&page.Total)
		})
	}
	var rows []keyedRow
	batch.Queue(pageSQL, pageArgs...).Query(func(r pgx.Rows) error {
		var err error
		rows, err = pgx.CollectRows(r, scanKeyedRow)
		return err
	})
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return AccountPage{}, fmt.Errorf("store: list accounts: %w", err)
	}
	if !storedOK && !counted { // the tenant has no stored counts yet
		countSQL, countArgs := countQuery(f, where, args)
		if err := s.pool.QueryRow(ctx, countSQL, countArgs...).Scan(&page.Total); err != nil {
			return AccountPage{}, fmt.Errorf("store: count accounts: %w", err)
		}
	}
	if !storedOK && f.CountCap > 0 && page.Total > f.CountCap {
		page.Total, page.TotalCapped = f.CountCap, true
	}
	read.fill(&page, rows)
	return page, nil
}

// countQuery counts the accounts f selects, stopping one past f.CountCap.
// A search is counted straight from its bitmap scan: the page's matches
// are a separate statement's.
func countQuery(f AccountFilter, where string, args []any) (string, []any) {
	if searchText(f.Query) != "" {
		where += " AND x.search LIKE lower($2)"
	}
	inner := `SELECT 1 FROM account_search x WHERE ` + where
	if f.CountCap > 0 {
		inner += ` LIMIT ` + strconv.Itoa(f.CountCap+1)
	}
	return `SELECT count(*) FROM (` + inner + `) m`, args
}

// storedTotalKey says how to read f's total from the tenant's stored
// counts (summary_counts.go), when it can: no search, the accounts still
// in the tenant, and at most one filter.
func storedTotalKey(f AccountFilter) (func(verdictCounts) int, bool) {
	if searchText(f.Query) != "" || f.IncludeRemoved {
		return nil, false
	}
	var set []func(verdictCounts) int
	if f.Category != "" {
		set = append(set, func(c verdictCounts) int { return c.Category[f.Category] })
	}
	if f.Path != "" {
		set = append(set, func(c verdictCounts) int { return c.Path[f.Path] })
	}
	if f.Compliance != "" {
		set = append(set, func(c verdictCounts) int { return c.Compliance[f.Compliance] })
	}
	if f.Marker != "" {
		set = append(set, func(c verdictCounts) int { return c.Marker[f.Marker] })
	}
	switch len(set) {
	case 0:
		return func(c verdictCounts) int {
			n := 0
			for _, v := range c.Compliance {
				n += v
			}
			return n
		}, true
	case 1:
		return set[0], true
	}
	return nil, false
}

// narrowWith is the search's matches, found first through the trigram
// index: the planner cannot tell how few (or many) accounts a search
// matches, and left alone it may walk the UPN order testing every account.
func narrowWith(f AccountFilter) string {
	if searchText(f.Query) == "" {
		return ""
	}
	return `WITH matches AS MATERIALIZED (
		SELECT tenant_id, account_id, upn_key, name_key, removed, category, path, compliance
		FROM account_search WHERE tenant_id = $1 AND search LIKE lower($2)) `
}

// narrowFrom is the FROM of the narrow rows f reads, as x.
func narrowFrom(f AccountFilter) string {
	if searchText(f.Query) == "" {
		return `FROM account_search x`
	}
	return `FROM matches x`
}

// accountWhere builds the WHERE clause of a filter on the narrow rows (x)
// and its arguments; a search's pattern is $2, which narrowWith reads.
func accountWhere(f AccountFilter) (string, []any, error) {
	if f.TenantID == "" {
		return "", nil, inventory.Errorf(inventory.EINVALID, "choose a tenant to list its accounts")
	}
	w := sqlWhere{conds: []string{"x.tenant_id = $1"}, args: []any{f.TenantID}}
	if q := searchText(f.Query); q != "" {
		w.arg(searchPattern(q))
	}
	if !f.IncludeRemoved {
		w.conds = append(w.conds, "NOT x.removed")
	}
	for _, v := range []struct {
		cond, value string
		unknown     error
	}{
		{"x.category = $?", f.Category, checkKnown("category", inventory.Category(f.Category), inventory.Categories)},
		{"x.path = $?", f.Path, checkKnown("path", inventory.Path(f.Path), inventory.Paths)},
		{"x.compliance = $?", f.Compliance, checkKnown("compliance", inventory.Compliance(f.Compliance), inventory.Compliances)},
		// Through assessments_markers: most markers are rare, and the
		// narrow copy's markers are in no index (see migration 00011).
		{"x.account_id IN (SELECT s.account_id FROM assessments s WHERE s.tenant_id = $1 AND s.markers @> ARRAY[$?::text])",
			f.Marker, checkKnown("marker", inventory.Marker(f.Marker), inventory.Markers)},
	} {
		if v.unknown != nil {
			return "", nil, v.unknown
		}
		w.addIf(v.cond, v.value)
	}
	return w.sql(), w.args, nil
}

// searchPattern is the LIKE pattern of a search on account_search.search,
// lower-cased there by the database (as the trigger lower-cases the text).
func searchPattern(q string) string {
	return "%" + escapeLike(q) + "%"
}

// searchText trims a search and drops control characters, among them the
// separator of the searched fields.
func searchText(q string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, q))
}

// escapeLike makes a search text match literally inside ILIKE.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// sqlArray writes a list of known values as a SQL text array literal (the
// values are the package's own constants, never input).
func sqlArray[T ~string](values []T) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "'" + string(v) + "'"
	}
	return "ARRAY[" + strings.Join(quoted, ", ") + "]::text[]"
}

func toMarkers(s []string) []inventory.Marker {
	if len(s) == 0 {
		return nil
	}
	out := make([]inventory.Marker, len(s))
	for i, m := range s {
		out[i] = inventory.Marker(m)
	}
	return out
}
