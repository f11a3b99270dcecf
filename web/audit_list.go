package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views"
)

// auditPageSize is how many events the audit page shows at once.
const auditPageSize = 100

// auditQuery is the audit page's filter as read from its URL.
type auditQuery struct {
	Filter   pg.AuditFilter
	From, To string // as typed, yyyy-mm-dd
	Page     int
	Values   url.Values // the filter alone, for links
}

// parseAuditQuery reads the filters: account, actor, action and a date
// range whose end day is included.
func parseAuditQuery(q url.Values, tenantID string) (auditQuery, error) {
	aq := auditQuery{Page: 1, Values: url.Values{}}
	f := pg.AuditFilter{
		TenantID: tenantID, AccountID: strings.TrimSpace(q.Get("account")),
		ActorID: strings.TrimSpace(q.Get("actor")), Action: strings.TrimSpace(q.Get("action")),
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
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return aq, inventory.Errorf(inventory.EINVALID, "page %q is not a page number: use 1, 2, 3, …", p)
		}
		aq.Page = n
	}
	for _, k := range []string{"tenant", "account", "actor", "action", "from", "to"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			aq.Values.Set(k, v)
		}
	}
	aq.Filter = f
	return aq, nil
}

func parseDay(raw, what string) (time.Time, error) {
	if raw == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, raw)
	if err != nil {
		return time.Time{}, inventory.Errorf(inventory.EINVALID, "The %s %q is not a date: write it as 2026-12-31.", what, raw)
	}
	return d, nil
}

// auditList serves GET /audit: the record, newest first, filtered and paged.
func (s *Server) auditList(c echo.Context) error {
	ctx, t := c.Request().Context(), tenantOf(c)
	aq, err := parseAuditQuery(c.QueryParams(), t.ID)
	if err != nil {
		return err
	}
	f := aq.Filter
	f.Limit, f.Offset = auditPageSize, (aq.Page-1)*auditPageSize
	events, total, err := s.store.Audit(ctx, f)
	if err != nil {
		return err
	}
	actors, err := s.actorOptions(c, f.ActorID)
	if err != nil {
		return err
	}
	v := views.AuditPage{
		Page: pageOf(c, "Audit trail", "audit"), Account: f.AccountID, Actor: f.ActorID, Action: f.Action,
		From: aq.From, To: aq.To, Actors: actors, Actions: actionOptions(f.Action),
		Total: total, Offset: f.Offset, CSVURL: "/audit.csv",
	}
	if len(aq.Values) > 0 {
		v.CSVURL += "?" + aq.Values.Encode()
	}
	for _, e := range events {
		v.Events = append(v.Events, views.AuditLine{
			At: e.At, Actor: actorName(e), ActorID: e.ActorID, AccountID: e.AccountID, AccountUPN: e.AccountUPN,
			Action: e.Action, ActionLabel: actionLabel(e.Action), From: valueWords(e.From), To: valueWords(e.To), Reason: e.Reason,
		})
	}
	if aq.Page > 1 {
		v.PrevURL = auditPageURL(aq.Values, aq.Page-1)
	}
	if f.Offset+len(events) < total {
		v.NextURL = auditPageURL(aq.Values, aq.Page+1)
	}
	return render(c, http.StatusOK, views.Audit(v))
}

func auditPageURL(base url.Values, page int) string {
	out := url.Values{}
	for k, vs := range base {
		out[k] = vs
	}
	if page > 1 {
		out.Set("page", strconv.Itoa(page))
	}
	if len(out) == 0 {
		return "/audit"
	}
	return "/audit?" + out.Encode()
}

// actorOptions are the people who may appear in the record, and the system.
func (s *Server) actorOptions(c echo.Context, selected string) ([]views.Option, error) {
	users, err := s.store.Users(c.Request().Context())
	if err != nil {
		return nil, err
	}
	out := []views.Option{
		{Value: inventory.SyncActor.ID, Label: inventory.SyncActor.Name, Selected: selected == inventory.SyncActor.ID},
		{Value: inventory.ExpiryActor.ID, Label: inventory.ExpiryActor.Name, Selected: selected == inventory.ExpiryActor.ID},
	}
	for _, u := range users {
		out = append(out, views.Option{Value: u.ID, Label: u.Name(), Selected: u.ID == selected})
	}
	return out, nil
}
