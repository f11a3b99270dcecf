package web

import (
	"cmp"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// The board's view lives in its URL (filters, search, lanes, paged
// columns), so a view can be bookmarked and shared, and a plain form post
// comes back to exactly the view it was made from.

// boardFilterKeys are the query keys of the board's filter, in the order
// its URLs write them.
var boardFilterKeys = []string{"tenant", "q", "category", "path", "compliance", "marker", "assignee", "mine", "overdue", "lane"}

// boardQuery is a parsed board URL.
type boardQuery struct {
	Filter  pg.BoardFilter
	Offsets map[inventory.Status]int
	// Values is the filter alone, normalised (no paging): the base of
	// every link the board writes.
	Values url.Values
}

// parseBoardQuery reads the board's filter from a URL's query (or a bulk
// form's hidden fields). "mine" is the viewer's own cards.
func parseBoardQuery(q url.Values, tenantID string, viewer inventory.Actor, now time.Time) (boardQuery, error) {
	bq := boardQuery{Offsets: map[inventory.Status]int{}, Values: url.Values{}}
	f := pg.BoardFilter{
		TenantID: tenantID, Query: strings.TrimSpace(q.Get("q")),
		Category: q.Get("category"), Path: q.Get("path"), Compliance: q.Get("compliance"),
		Marker: q.Get("marker"), Assignee: q.Get("assignee"), Now: now,
	}
	if err := cmp.Or(oneOf("category", f.Category, inventory.Categories), oneOf("path", f.Path, inventory.Paths),
		oneOf("verdict", f.Compliance, inventory.Compliances), oneOf("marker", f.Marker, inventory.Markers)); err != nil {
		return bq, err
	}
	if q.Get("mine") == "1" {
		f.Mine = viewer.ID
	}
	f.Overdue = q.Get("overdue") == "1"
	switch lane := q.Get("lane"); lane {
	case "", "category", "path":
		f.Swimlane = lane
	default:
		return bq, inventory.Errorf(inventory.EINVALID, "Unknown swimlanes %q: use category or path, or none.", lane)
	}
	for key, vs := range q {
		name, ok := strings.CutPrefix(key, "more[")
		if !ok {
			continue
		}
		status, err := inventory.ParseStatus(strings.TrimSuffix(name, "]"))
		if err != nil || !strings.HasSuffix(name, "]") {
			return bq, inventory.Errorf(inventory.EINVALID, "%q does not name a column: use more[planned]=50 and the like.", key)
		}
		n, err := strconv.Atoi(vs[0])
		if err != nil || n < 0 {
			return bq, inventory.Errorf(inventory.EINVALID, "%s=%q is not a number of cards to skip.", key, vs[0])
		}
		bq.Offsets[status] = n
	}
	for _, k := range boardFilterKeys {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			bq.Values.Set(k, v)
		}
	}
	bq.Filter = f
	return bq, nil
}

// boardURL is the board with the filter of base plus extra (extra's ""
// values are dropped).
func boardURL(base url.Values, extra ...string) string {
	out := url.Values{}
	for k, vs := range base {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == "" {
			out.Del(extra[i])
		} else {
			out.Set(extra[i], extra[i+1])
		}
	}
	if len(out) == 0 {
		return "/board"
	}
	return "/board?" + out.Encode()
}

// selfURL is the board as the viewer sees it now, paged columns included:
// where an action on it returns.
func (bq boardQuery) selfURL() string {
	var extra []string
	for _, st := range inventory.Statuses {
		if n, ok := bq.Offsets[st]; ok && n > 0 {
			extra = append(extra, "more["+string(st)+"]", strconv.Itoa(n))
		}
	}
	return boardURL(bq.Values, extra...)
}

// hiddenFilter is the filter as hidden fields, for the bulk form's "all
// matching the filter".
func (bq boardQuery) hiddenFilter() [][2]string {
	var out [][2]string
	for _, k := range boardFilterKeys {
		if v := bq.Values.Get(k); v != "" && k != "tenant" && k != "lane" {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}
