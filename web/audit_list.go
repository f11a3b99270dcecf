package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
)

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
	v := views.AuditSearch{Search: f.Search, AuditPage: views.AuditPage{
		Page: pageOf(c, "Audit trail", "audit"), Account: f.AccountID, Actor: f.ActorID, Action: f.Action,
		From: aq.From, To: aq.To, Actors: actors, Actions: actionOptions(f.Action),
		Total: total, Offset: f.Offset, CSVURL: "/audit.csv",
	}}
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
		v.PrevURL = pagedURL("/audit", aq.Values, aq.Page-1)
	}
	if f.Offset+len(events) < total {
		v.NextURL = pagedURL("/audit", aq.Values, aq.Page+1)
	}
	return render(c, http.StatusOK, views.Audit(v))
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
