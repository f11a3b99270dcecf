package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
)

// deliverySave serves POST /settings/delivery (security leads): validate,
// store and record (the store checks who may), in the tenant the form was
// shown for (postedTenant). A refusal shows the form as typed, but for the
// webhook URL, which is a secret and never written into a page.
func (s *Server) deliverySave(c echo.Context) error {
	ctx := c.Request().Context()
	t := tenantOf(c)
	old, err := s.store.DeliverySettings(ctx, t.ID)
	if err != nil {
		return err
	}
	st, err := deliveryFromForm(c, old)
	if err == nil {
		err = s.store.SaveDeliverySettings(ctx, actorOf(c), t.ID, st)
	}
	if inventory.ErrorCode(err) == inventory.EINVALID {
		v := s.deliveryView(c, t, old)
		v.Form, v.Error = typedDeliveryForm(c), inventory.ErrorMessage(err)
		return render(c, http.StatusBadRequest, views.Delivery(v))
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/settings/delivery?tenant="+url.QueryEscape(t.ID)+"&saved=1")
}

// deliveryFromForm reads the form over the stored settings: an empty
// webhook field keeps the stored URL. The settings' rules are checked by
// inventory.DeliverySettings.Validate, which the store calls before it writes.
func deliveryFromForm(c echo.Context, old inventory.DeliverySettings) (inventory.DeliverySettings, error) {
	f := typedDeliveryForm(c)
	st := inventory.DeliverySettings{
		Enabled: f.Enabled,
		Mail: inventory.DeliveryMail{Host: f.SMTPHost, Port: f.SMTPPort, From: f.SMTPFrom, To: splitList(f.SMTPTo),
			Username: f.SMTPUsername},
		Webhook: old.Webhook, ChangeAlerts: f.ChangeAlerts,
	}
	if f.Interval {
		if f.IntervalHours < 1 {
			return st, inventory.Errorf(inventory.EINVALID, "The interval must be a whole number of hours, at least 1.")
		}
		st.Schedule = inventory.DeliverySchedule{Every: time.Duration(f.IntervalHours) * time.Hour}
	} else {
		st.Schedule = inventory.DeliverySchedule{Weekday: time.Weekday(f.Weekday), Hour: f.Hour, TimeZone: f.TimeZone}
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
		ChangeAlerts: c.FormValue("change_alerts") == "on",
	}
}
