package pg

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// Keyset pages of the account list: a page is found from the key of the
// row before it (or after it, going back), never by counting the rows
// before it, so page 1,500 costs what page 2 costs. Every order ends in
// the UPN and the account id, which no two accounts share: ties in the
// sort key never make a page skip or repeat an account.

// accountSortKey is one order of the list: its SQL on the narrow rows (x)
// and the type its key is compared as.
type accountSortKey struct {
	name string // as in AccountSorts
	desc bool
	expr string
	cast string // the SQL type of a cursor's key
	join string // what the key needs beside the narrow rows
}

var accountSortExprs = map[string]accountSortKey{
	"upn":        {expr: "x.upn_key", cast: "text"},
	"name":       {expr: "x.name_key", cast: "text"},
	"compliance": {expr: "array_position(" + sqlArray(inventory.Compliances) + ", x.compliance)", cast: "int"},
	"category":   {expr: "array_position(" + sqlArray(inventory.Categories) + ", x.category)", cast: "int"},
	"path":       {expr: "array_position(" + sqlArray(inventory.Paths) + ", x.path)", cast: "int"},
	// Only on the wide row: an order by last sign-in reads every account
	// (a hash join, about 150 ms at 100,000; the one order that does).
	"last_sign_in": {expr: "greatest(la.last_sign_in, la.last_non_interactive_sign_in)", cast: "timestamptz",
		join: " JOIN accounts la ON la.tenant_id = x.tenant_id AND la.id = x.account_id"},
}

func accountOrderKey(sort string) (accountSortKey, error) {
	name, desc := strings.CutPrefix(sort, "-")
	if name == "" {
		name = "upn"
	}
	k, ok := accountSortExprs[name]
	if !ok || !slices.Contains(AccountSorts, name) {
		return accountSortKey{}, inventory.Errorf(inventory.EINVALID, "unknown sort %q: use one of %s (with - in front for descending)",
			sort, strings.Join(AccountSorts, ", "))
	}
	k.name, k.desc = name, desc
	return k, nil
}

// indexed is the row of an ascending order an index of account_search
// holds (account_search_upn, account_search_name): a page after a key is
// an index condition on it. "" for the other orders.
func (k accountSortKey) indexed() string {
	switch {
	case k.desc:
		return ""
	case k.name == "upn":
		return "(x.upn_key, x.account_id)"
	case k.name == "name":
		return "(x.name_key, x.upn_key, x.account_id)"
	}
	return ""
}

// order is the ORDER BY of the page query on its rows (p), reversed when
// reading backwards (the rows are put back in order afterwards).
func (k accountSortKey) order(backward bool, of string) string {
	dir, nulls, tie := "ASC", "NULLS LAST", "ASC"
	if k.desc {
		dir = "DESC"
	}
	if backward {
		dir, nulls, tie = map[string]string{"ASC": "DESC", "DESC": "ASC"}[dir], "NULLS FIRST", "DESC"
	}
	return of + "k " + dir + " " + nulls + ", " + of + "upn_key " + tie + ", " + of + "account_id " + tie
}

// accountCursor is the key of one row: the sort it belongs to, the row's
// sort key (nil: null) and its tie-breakers.
type accountCursor struct {
	Sort string  `json:"s"`
	Key  *string `json:"k"`
	UPN  string  `json:"u"`
	ID   string  `json:"i"`
}

func encodeCursor(k accountSortKey, key any, upnKey, id string) string {
	c := accountCursor{Sort: k.name, UPN: upnKey, ID: id}
	if k.desc {
		c.Sort = "-" + k.name
	}
	var v string
	switch key := key.(type) {
	case nil:
	case string:
		v = key
	case int32:
		v = strconv.Itoa(int(key))
	case time.Time:
		v = key.UTC().Format(time.RFC3339Nano)
	default:
		v = fmt.Sprint(key)
	}
	if key != nil {
		c.Key = &v
	}
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor of encodeCursor made for the order k.
func decodeCursor(raw string, k accountSortKey) (accountCursor, error) {
	var c accountCursor
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	want := k.name
	if k.desc {
		want = "-" + k.name
	}
	if err != nil || c.ID == "" {
		return c, inventory.Errorf(inventory.EINVALID, "this page link is damaged: start again from the first page")
	}
	if c.Sort != want {
		return c, inventory.Errorf(inventory.EINVALID, "this page link belongs to another order of the list: start again from the first page")
	}
	if c.Key != nil {
		var bad bool
		switch k.cast {
		case "int":
			_, err := strconv.Atoi(*c.Key)
			bad = err != nil
		case "timestamptz":
			_, err := time.Parse(time.RFC3339Nano, *c.Key)
			bad = err != nil
		}
		if bad {
			return c, inventory.Errorf(inventory.EINVALID, "this page link is damaged: start again from the first page")
		}
	}
	return c, nil
}

// pageRead is how one page is read: from the start, from an offset, or
// after (before) a cursor.
type pageRead struct {
	key      accountSortKey
	limit    int
	offset   int
	at       accountCursor // zero: no cursor
	backward bool
}

// sql is the page query: the narrow rows choose the page (one more than a
// page, to tell whether another follows), then the page's accounts and
// verdicts are read by key.
func (r pageRead) sql(f AccountFilter, where string, args []any) (string, []any) {
	w := sqlWhere{args: slices.Clone(args)}
	arg := w.arg
	if r.at.ID != "" {
		where += " AND " + r.keyset(arg)
	}
	inner := `SELECT x.tenant_id, x.account_id, x.upn_key, ` + r.key.expr + ` AS k ` + narrowFrom(f) + r.key.join + ` WHERE ` + where
	chosen := `SELECT * FROM (` + inner + `) n ORDER BY ` + r.key.order(r.backward, "") +
		` LIMIT ` + arg(r.limit+1)
	if r.offset > 0 {
		chosen += ` OFFSET ` + arg(r.offset)
	}
	return narrowWith(f) + `
		SELECT a.id, a.upn, a.display_name, a.mail, a.user_type, a.account_enabled, a.removed_at,
		       coalesce(s.category, ''), coalesce(s.path, ''), coalesce(s.compliance, ''),
		       coalesce(s.markers, '{}'), coalesce(s.enforced_by, '{}'), coalesce(s.risk_based, false),
		       coalesce(s.category_override OR s.path_override, false),
		       greatest(a.last_sign_in, a.last_non_interactive_sign_in), coalesce(s.reasons[1], ''),
		       p.k, p.upn_key
		FROM (` + chosen + `) p
		JOIN accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
		LEFT JOIN assessments s ON s.tenant_id = p.tenant_id AND s.account_id = p.account_id
		ORDER BY ` + r.key.order(r.backward, "p."), w.args
}

// keyset is the condition of the rows after (before) the cursor, in the
// order k ASC|DESC NULLS LAST, upn_key, account_id.
func (r pageRead) keyset(arg func(any) string) string {
	tieOp := ">"
	if r.backward {
		tieOp = "<"
	}
	if row := r.key.indexed(); row != "" && r.at.Key != nil {
		keys := arg(r.at.UPN) + "::text, " + arg(r.at.ID) + "::text"
		if r.key.name != "upn" {
			keys = arg(*r.at.Key) + "::text, " + keys
		}
		return row + " " + tieOp + " (" + keys + ")"
	}
	tie := "(x.upn_key, x.account_id) " + tieOp + " (" + arg(r.at.UPN) + "::text, " + arg(r.at.ID) + "::text)"
	k := r.key.expr
	if r.at.Key == nil {
		if r.backward {
			return "(" + k + " IS NOT NULL OR (" + k + " IS NULL AND " + tie + "))"
		}
		return "(" + k + " IS NULL AND " + tie + ")"
	}
	v := arg(*r.at.Key) + "::" + r.key.cast
	op := ">"
	if r.key.desc != r.backward {
		op = "<"
	}
	cond := "(" + k + " " + op + " " + v + " OR (" + k + " = " + v + " AND " + tie + ")"
	if !r.backward {
		cond += " OR " + k + " IS NULL"
	}
	return cond + ")"
}

// keyedRow is a row of the page query: the account and its key.
type keyedRow struct {
	AccountRow
	key    any
	upnKey string
}

func scanKeyedRow(row pgx.CollectableRow) (keyedRow, error) {
	var (
		r                keyedRow
		removed, lastSig *time.Time
		markers          []string
	)
	err := row.Scan(&r.ID, &r.UserPrincipalName, &r.DisplayName, &r.Mail, &r.UserType, &r.Enabled,
		&removed, &r.Category, &r.Path, &r.Compliance, &markers, &r.EnforcedBy, &r.RiskBased,
		&r.Overridden, &lastSig, &r.FirstReason, &r.key, &r.upnKey)
	r.RemovedAt = timeFromNull(removed)
	r.LastSignIn = timeFromNull(lastSig)
	r.Markers = toMarkers(markers)
	r.EnforcedBy = nilIfEmpty(r.EnforcedBy)
	return r, err
}

// fill puts the rows read (one more than a page when another page lies in
// the direction read) into page, in the list's order, with its cursors.
func (r pageRead) fill(page *AccountPage, rows []keyedRow) {
	more := len(rows) > r.limit
	if more {
		rows = rows[:r.limit]
	}
	if r.backward {
		slices.Reverse(rows)
		page.HasPrev, page.HasNext = more, true
	} else {
		page.HasNext, page.HasPrev = more, r.at.ID != "" || r.offset > 0
	}
	for _, row := range rows {
		page.Rows = append(page.Rows, row.AccountRow)
	}
	if len(rows) > 0 {
		first, last := rows[0], rows[len(rows)-1]
		page.First = encodeCursor(r.key, first.key, first.upnKey, first.ID)
		page.Last = encodeCursor(r.key, last.key, last.upnKey, last.ID)
	}
}
