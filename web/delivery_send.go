package web

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/deliver"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// deliverySendNow serves POST /settings/delivery/send (security leads):
// deliver the report now, as set up, whether the schedule is on or off,
// record the outcome, and show it. The tenant is the one the page showed
// (postedTenant).
func (s *Server) deliverySendNow(c echo.Context) error {
	actor := actorOf(c)
	if err := inventory.CanChangeSettings(actor); err != nil {
		return err
	}
	ctx := c.Request().Context()
	t := tenantOf(c)
	st, err := s.store.DeliverySettings(ctx, t.ID)
	if err != nil {
		return err
	}
	if !st.Mail.Configured() && st.Webhook == "" {
		return inventory.Errorf(inventory.EINVALID, "Nothing to send to yet: set up an SMTP server or a webhook and save first.")
	}
	now := time.Now().UTC()
	r, err := s.store.Readiness(ctx, t.ID, now)
	if err != nil {
		return err
	}
	// The password is read now, never kept (DOMAIN.md §5).
	o := deliver.Sender{SMTPPassword: os.Getenv(deliver.PasswordEnv)}.Deliver(ctx, st, r)
	record := context.WithoutCancel(ctx)
	if err := s.store.RecordDelivery(record, t.ID, now, o); err != nil {
		return err
	}
	err = s.store.RecordEvent(record, pg.AuditEvent{ActorID: actor.ID, ActorName: actor.Name, TenantID: t.ID,
		Action: "delivery sent", Reason: o.String()})
	if err != nil {
		s.log.Error("record a delivery sent by hand", "err", err)
	}
	return c.Redirect(http.StatusSeeOther, "/settings/delivery?tenant="+url.QueryEscape(t.ID)+"&sent=1")
}
