package web

import (
	"net/url"
	"strings"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// The audit trail's filter lives in its URL, which the page and the CSV
// export read alike.

// auditPageSize is how many events the audit page shows at once.
const auditPageSize = 100

// auditQuery is the audit page's filter as read from its URL.
type auditQuery struct {
	Filter   pg.AuditFilter
	From, To string // as typed, yyyy-mm-dd
	Page     int
	Values   url.Values // the filter alone, for links
}

// maxAuditSearch is the longest search the audit page takes: a UPN is at
// most 113 characters.
const maxAuditSearch = 200

// parseAuditQuery reads the filters: account (its id, as the account
// page links it), q (a UPN, a name or an id: the search box), actor,
// action and a date range whose end day is included.
func parseAuditQuery(q url.Values, tenantID string) (auditQuery, error) {
	aq := auditQuery{Page: 1, Values: url.Values{}}
	f := pg.AuditFilter{
		TenantID: tenantID, AccountID: strings.TrimSpace(q.Get("account")),
		ActorID: strings.TrimSpace(q.Get("actor")), Action: strings.TrimSpace(q.Get("action")),
		Search: strings.TrimSpace(q.Get("q")),
	}
	if n := len([]rune(f.Search)); n > maxAuditSearch {
		return aq, inventory.Errorf(inventory.EINVALID, "A search can be at most %d characters; this one has %d.", maxAuditSearch, n)
	}
	var err error
	aq.From, aq.To = strings.TrimSpace(q.Get("from")), strings.TrimSpace(q.Get("to"))
	if f.From, err = parseDay(aq.From, "start date"); err != nil {
		return aq, err
	}
	var to time.Time
	if to, err = parseDay(aq.To, "end date"); err != nil {
		return aq, err
	}
	if !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // the end day is included
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return aq, inventory.Errorf(inventory.EINVALID, "The start date %s is after the end date %s.", aq.From, aq.To)
	}
	if aq.Page, err = pageNumber(q.Get("page")); err != nil {
		return aq, err
	}
	for _, k := range []string{"tenant", "account", "q", "actor", "action", "from", "to"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			aq.Values.Set(k, v)
		}
	}
	aq.Filter = f
	return aq, nil
}
