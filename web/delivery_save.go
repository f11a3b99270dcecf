package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/deliver"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views"
)

// deliverySave serves POST /settings/delivery (security leads): validate,
// store, record on the audit trail, in the tenant the form was shown for
// (postedTenant). A refusal shows the form as typed, but for the webhook
// URL, which is a secret and never written into a page.
func (s *Server) deliverySave(c echo.Context) error {
	actor := actorOf(c)
	if err := inventory.CanChangeSettings(actor); err != nil {
		return err
	}
	ctx := c.Request().Context()
	t := tenantOf(c)
	old, err := s.store.DeliverySettings(ctx, t.ID)
	if err != nil {
		return err
	}
	st, err := deliveryFromForm(c, old)
	if err == nil {
		err = s.store.SaveDeliverySettings(ctx, t.ID, st, actor.Name)
	}
	if inventory.ErrorCode(err) == inventory.EINVALID {
		v := s.deliveryView(c, t, old)
		v.Form, v.Error = typedDeliveryForm(c), inventory.ErrorMessage(err)
		return render(c, http.StatusBadRequest, views.Delivery(v))
	}
	if err != nil {
		return err
	}
	// The reason names where the report goes by host: the audit trail is
	// read by everyone and the webhook's URL is a secret.
	err = s.store.RecordEvent(ctx, pg.AuditEvent{ActorID: actor.ID, ActorName: actor.Name, TenantID: t.ID,
		Action: "delivery settings", From: onOff(old.Enabled), To: onOff(st.Enabled),
		Reason: st.Schedule.String() + ", to " + st.Describe()})
	if err != nil {
		s.log.Error("record a delivery settings change", "err", err)
	}
	return c.Redirect(http.StatusSeeOther, "/settings/delivery?tenant="+url.QueryEscape(t.ID)+"&saved=1")
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// deliveryFromForm reads the form over the stored settings: an empty
// webhook field keeps the stored URL. The settings' rules are checked by
// deliver.Settings.Validate, which the store calls before it writes.
func deliveryFromForm(c echo.Context, old deliver.Settings) (deliver.Settings, error) {
	f := typedDeliveryForm(c)
	st := deliver.Settings{
		Enabled: f.Enabled,
		Mail: deliver.Mail{Host: f.SMTPHost, Port: f.SMTPPort, From: f.SMTPFrom, To: splitList(f.SMTPTo),
			Username: f.SMTPUsername},
		Webhook: old.Webhook,
	}
	if f.Interval {
		if f.IntervalHours < 1 {
			return st, inventory.Errorf(inventory.EINVALID, "The interval must be a whole number of hours, at least 1.")
		}
		st.Schedule = deliver.Schedule{Every: time.Duration(f.IntervalHours) * time.Hour}
	} else {
		st.Schedule = deliver.Schedule{Weekday: time.Weekday(f.Weekday), Hour: f.Hour, TimeZone: f.TimeZone}
	}
	if c.FormValue("webhook_remove") == "on" {
		st.Webhook = ""
	}
	if u := strings.TrimSpace(c.FormValue("webhook_url")); u != "" {
		st.Webhook = u
	}
	return st, nil
}

// typedDeliveryForm is the form as posted. Numbers that do not parse
// become values the validation refuses with a sentence.
func typedDeliveryForm(c echo.Context) views.DeliveryForm {
	num := func(name string, bad int) int {
		n, err := strconv.Atoi(strings.TrimSpace(c.FormValue(name)))
		if err != nil {
			return bad
		}
		return n
	}
	return views.DeliveryForm{
		Enabled: c.FormValue("enabled") == "on", Interval: c.FormValue("schedule") == "interval",
		Weekday: num("weekday", -1), Hour: num("hour", -1), TimeZone: strings.TrimSpace(c.FormValue("time_zone")),
		IntervalHours: num("interval_hours", 0),
		SMTPHost:      strings.TrimSpace(c.FormValue("smtp_host")), SMTPPort: num("smtp_port", 0),
		SMTPFrom: strings.TrimSpace(c.FormValue("smtp_from")), SMTPTo: strings.TrimSpace(c.FormValue("smtp_to")),
		SMTPUsername: strings.TrimSpace(c.FormValue("smtp_username")),
	}
}
