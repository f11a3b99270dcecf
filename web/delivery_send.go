package web

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/views"
	"github.com/mfaboard/mfaboard/web/deliver"
)

// deliverySendNow serves POST /settings/delivery/send (security leads):
// deliver the report now, as set up, whether the schedule is on or off,
// record the outcome, and show it. The tenant is the one the page showed
// (postedTenant); the store checks who may, before anything is sent and
// again as it records the outcome.
func (s *Server) deliverySendNow(c echo.Context) error {
	ctx := c.Request().Context()
	t := tenantOf(c)
	actor, now := actorOf(c), time.Now().UTC()
	st, r, err := s.store.DeliveryToSend(ctx, actor, t.ID, now)
	if err != nil {
		return s.deliveryRefused(c, err)
	}
	o := deliver.Sender{SMTPPassword: s.smtpPassword}.Deliver(ctx, st, r)
	// What was sent is recorded even when the person has gone.
	if err := s.store.RecordDeliverySent(context.WithoutCancel(ctx), actor, t.ID, now, o); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/settings/delivery?tenant="+url.QueryEscape(t.ID)+"&sent=1")
}

// deliveryRefused shows a refused "send now" (nothing set up to send to,
// not a lead) as a sentence on the delivery page, at the refusal's status;
// anything else goes to the error handler.
func (s *Server) deliveryRefused(c echo.Context, err error) error {
	status, notice, ok := refusalOf(err)
	if !ok {
		return err
	}
	t := tenantOf(c)
	st, rerr := s.store.DeliverySettings(c.Request().Context(), t.ID)
	if rerr != nil {
		return rerr
	}
	v := s.deliveryView(c, t, st)
	v.Error = notice.Text
	return render(c, status, views.Delivery(v))
}
