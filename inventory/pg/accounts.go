package pg

import (
	"context"
	"fmt"
	"slices"
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
	Sort   string
	Limit  int // 0 means DefaultPageSize; at most MaxPageSize
	Offset int
}

// Page sizes of ListAccounts.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// AccountSorts are the orders ListAccounts knows, each mapped to its SQL.
// Ties are broken by UPN and id so that pages never overlap.
var accountSorts = map[string]string{
	"upn":          "lower(a.upn)",
	"name":         "lower(a.display_name)",
	"compliance":   "array_position(" + sqlArray(inventory.Compliances) + ", s.compliance)",
	"category":     "array_position(" + sqlArray(inventory.Categories) + ", s.category)",
	"path":         "array_position(" + sqlArray(inventory.Paths) + ", s.path)",
	"last_sign_in": "greatest(a.last_sign_in, a.last_non_interactive_sign_in)",
}

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
	Rows   []AccountRow
	Total  int
	Limit  int
	Offset int
}

// ListAccounts returns one page of a tenant's accounts matching f, with the
// number of all matching accounts. An unknown filter value or sort key is
// EINVALID.
func (s *Store) ListAccounts(ctx context.Context, f AccountFilter) (AccountPage, error) {
	where, args, err := accountWhere(f)
	if err != nil {
		return AccountPage{}, err
	}
	order, err := accountOrder(f.Sort)
	if err != nil {
		return AccountPage{}, err
	}
	limit := f.Limit
	if limit == 0 {
		limit = DefaultPageSize
	}
	if limit < 0 || limit > MaxPageSize || f.Offset < 0 {
		return AccountPage{}, inventory.Errorf(inventory.EINVALID,
			"a page holds 1 to %d accounts from an offset of 0 or more", MaxPageSize)
	}
	page := AccountPage{Limit: limit, Offset: f.Offset}
	from := ` FROM accounts a
		LEFT JOIN assessments s ON s.tenant_id = a.tenant_id AND s.account_id = a.id
		WHERE ` + where
	pageFrom := from
	if searchText(f.Query) != "" {
		// The planner cannot tell how few accounts a search matches; left
		// alone it walks the UPN index and tests every account until the
		// page is full. Finding the matches first through the trigram index
		// and sorting only them is fast whatever it guesses.
		pageFrom = ` FROM (SELECT a.tenant_id, a.id` + from + ` OFFSET 0) m
		JOIN accounts a ON a.tenant_id = m.tenant_id AND a.id = m.id
		LEFT JOIN assessments s ON s.tenant_id = a.tenant_id AND s.account_id = a.id`
	}
	n := len(args)
	batch := &pgx.Batch{}
	// A sort other than by UPN orders every matching row before it can skip
	// to the page; give it room to do so in memory. The batch runs as one
	// implicit transaction, which the setting lasts for.
	batch.Queue(`SELECT set_config('work_mem', '32MB', true)`)
	batch.Queue(`SELECT count(*)`+from, args...).QueryRow(func(row pgx.Row) error {
		return row.Scan(&page.Total)
	})
	batch.Queue(`
		SELECT a.id, a.upn, a.display_name, a.mail, a.user_type, a.account_enabled, a.removed_at,
		       coalesce(s.category, ''), coalesce(s.path, ''), coalesce(s.compliance, ''),
		       coalesce(s.markers, '{}'), coalesce(s.enforced_by, '{}'), coalesce(s.risk_based, false),
		       coalesce(s.category_override OR s.path_override, false),
		       greatest(a.last_sign_in, a.last_non_interactive_sign_in), coalesce(s.reasons[1], '')`+
		pageFrom+` ORDER BY `+order+` LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2),
		append(args, limit, f.Offset)...).Query(func(rows pgx.Rows) error {
		var err error
		page.Rows, err = pgx.CollectRows(rows, scanAccountRow)
		return err
	})
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return AccountPage{}, fmt.Errorf("store: list accounts: %w", err)
	}
	return page, nil
}

func scanAccountRow(row pgx.CollectableRow) (AccountRow, error) {
	var (
		r                AccountRow
		removed, lastSig *time.Time
		markers          []string
	)
	err := row.Scan(&r.ID, &r.UserPrincipalName, &r.DisplayName, &r.Mail, &r.UserType, &r.Enabled,
		&removed, &r.Category, &r.Path, &r.Compliance, &markers, &r.EnforcedBy, &r.RiskBased,
		&r.Overridden, &lastSig, &r.FirstReason)
	r.RemovedAt = timeFromNull(removed)
	r.LastSignIn = timeFromNull(lastSig)
	r.Markers = toMarkers(markers)
	r.EnforcedBy = nilIfEmpty(r.EnforcedBy)
	return r, err
}

// accountWhere builds the WHERE clause of a filter and its arguments.
func accountWhere(f AccountFilter) (string, []any, error) {
	if f.TenantID == "" {
		return "", nil, inventory.Errorf(inventory.EINVALID, "choose a tenant to list its accounts")
	}
	conds := []string{"a.tenant_id = $1"}
	args := []any{f.TenantID}
	add := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args))))
	}
	if !f.IncludeRemoved {
		conds = append(conds, "a.removed_at IS NULL")
	}
	if q := searchText(f.Query); q != "" {
		// The expression of the trigram index accounts_search_trgm.
		add(`(a.upn || E'\x1f' || a.display_name || E'\x1f' || a.mail) ILIKE $?`, "%"+escapeLike(q)+"%")
	}
	if f.Category != "" {
		if !slices.Contains(inventory.Categories, inventory.Category(f.Category)) {
			return "", nil, inventory.Errorf(inventory.EINVALID, "unknown category %q: use one of %s", f.Category, joinValues(inventory.Categories))
		}
		add("s.category = $?", f.Category)
	}
	if f.Path != "" {
		if !slices.Contains(inventory.Paths, inventory.Path(f.Path)) {
			return "", nil, inventory.Errorf(inventory.EINVALID, "unknown path %q: use one of %s", f.Path, joinValues(inventory.Paths))
		}
		add("s.path = $?", f.Path)
	}
	if f.Compliance != "" {
		if !slices.Contains(inventory.Compliances, inventory.Compliance(f.Compliance)) {
			return "", nil, inventory.Errorf(inventory.EINVALID, "unknown compliance %q: use one of %s", f.Compliance, joinValues(inventory.Compliances))
		}
		add("s.compliance = $?", f.Compliance)
	}
	if f.Marker != "" {
		if !slices.Contains(inventory.Markers, inventory.Marker(f.Marker)) {
			return "", nil, inventory.Errorf(inventory.EINVALID, "unknown marker %q: use one of %s", f.Marker, joinValues(inventory.Markers))
		}
		add("s.markers @> ARRAY[$?::text]", f.Marker)
	}
	return strings.Join(conds, " AND "), args, nil
}

func accountOrder(sort string) (string, error) {
	key, dir := sort, "ASC"
	if rest, ok := strings.CutPrefix(sort, "-"); ok {
		key, dir = rest, "DESC"
	}
	if key == "" {
		key = "upn"
	}
	expr, ok := accountSorts[key]
	if !ok {
		return "", inventory.Errorf(inventory.EINVALID, "unknown sort %q: use one of %s (with - in front for descending)",
			sort, strings.Join(AccountSorts, ", "))
	}
	nulls := "NULLS LAST"
	return expr + " " + dir + " " + nulls + ", lower(a.upn), a.id", nil
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
