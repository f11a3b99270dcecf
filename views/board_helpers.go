package views

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// accountURL is an account's page, in the tenant the board shows.
func accountURL(id, tenantID string) string {
	return withTenant("/accounts/"+url.PathEscape(id), tenantID)
}

// actionURL is where a card's form posts: /accounts/{id}/{verb}, the id
// escaped as one path segment. The tenant travels in the form's body
// (tenantField), the only place the server reads it from.
func actionURL(id, verb string) string {
	return "/accounts/" + url.PathEscape(id) + "/" + verb
}

// userURL is where a user's form posts: /users/{id}/{verb}.
func userURL(id, verb string) string {
	return "/users/" + url.PathEscape(id) + "/" + verb
}

// withTenant adds ?tenant= to a path when a tenant is named.
func withTenant(path, tenantID string) string {
	if tenantID == "" {
		return path
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "tenant=" + url.QueryEscape(tenantID)
}

// optionValues lists the values of options, space-separated, for a data-
// attribute the board's script reads (which columns accept a dropped card).
func optionValues(opts []Option) string {
	vs := make([]string, len(opts))
	for i, o := range opts {
		vs[i] = o.Value
	}
	return strings.Join(vs, " ")
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// hasOption reports whether one of opts has the value.
func hasOption(opts []Option, value string) bool {
	for _, o := range opts {
		if o.Value == value {
			return true
		}
	}
	return false
}

// foldTitle says what clicking a column's header does.
func foldTitle(col ColumnView) string {
	return "Fold or unfold the " + col.Label + " column"
}

func toneOr(tone, fallback string) string {
	if tone == "" {
		return fallback
	}
	return tone
}

// moreLabel says how many more cards the column's "more" control brings.
func moreLabel(col ColumnView) string {
	left := col.Total - col.Offset - len(col.Cards)
	n := min(len(col.Cards), left)
	if n <= 0 {
		n = left
	}
	return Itoa(n) + " more · " + Itoa(left) + " not shown"
}

// dateValue formats a day for an <input type="date">, "" when empty.
func dateValue(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// columnRange says which cards a paged column shows: "51–100 of 1,234".
func columnRange(col ColumnView) string {
	return Itoa(col.Offset+1) + "–" + Itoa(col.Offset+len(col.Cards)) + " of " + Itoa(col.Total)
}

// daysLeft says how long an exception still runs.
func daysLeft(n int) string {
	switch {
	case n < 0:
		return "expired"
	case n == 0:
		return "expires today"
	}
	return plural(n, "day") + " left"
}

// htmxConfig is read by htmx from <meta name="htmx-config">. It keeps htmx
// within the Content-Security-Policy (no injected <style>, no eval, no
// scripts from swapped HTML) and swaps the answers to refused (400, 403)
// and conflicting (409) actions too: they carry the card as it now stands
// and the sentence saying why.
const htmxConfig = `{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,` +
	`"selfRequestsOnly":true,"historyCacheSize":0,"refreshOnHistoryMiss":true,` +
	`"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},` +
	`{"code":"^(400|403|409)$","swap":true,"error":false},{"code":"[45]..","swap":false,"error":true}]}`

// reasonSuffix is a timeline event's reason after its summary: ": why".
func reasonSuffix(reason string) string {
	if reason == "" {
		return ""
	}
	return ": " + reason
}
