package web

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
	"github.com/mfaboard/mfaboard/web/deliver"
)

// settingsPage is GET /settings (showInTenant): everyone may read; leads
// may edit.
func (s *Server) settingsPage(c echo.Context, t inventory.Tenant, st inventory.Settings) (templ.Component, error) {
	v := settingsView(c, t, st)
	v.Saved = c.QueryParam("saved") != ""
	if n, err := strconv.Atoi(c.QueryParam("open")); err == nil {
		v.Open = n
	}
	return views.SettingsPage(v), nil
}

// settingsSave serves POST /settings, in the tenant the form was shown for
// (postedTenant): the settings land with the verdicts they cause, in one
// transaction (inventory.Reassess with a SettingsChange: the store checks
// who may, validates and records).
func (s *Server) settingsSave(c echo.Context) error {
	refused := func(t inventory.Tenant, old inventory.Settings, sentence string) templ.Component {
		v := settingsView(c, t, old)
		v.Error = sentence
		return views.SettingsPage(v)
	}
	open := 0
	save := func(ctx context.Context, a inventory.Actor, tenantID string, st inventory.Settings) error {
		res, err := inventory.Reassess(ctx, s.store, tenantID, inventory.ReassessOptions{Change: inventory.SettingsChange{Actor: a, Settings: st}})
		open = res.Tenant.Counts[inventory.NonCompliant] + res.Tenant.Counts[inventory.AtRisk]
		return err
	}
	return saveInTenant(c, s.store.TenantSettings, settingsFromForm, save, refused, func(inventory.Tenant) error {
		return backInTenant(c, "/settings", "saved", "1", "open", strconv.Itoa(open))
	})
}

func settingsFromForm(c echo.Context, old inventory.Settings) (inventory.Settings, error) {
	kind, err := inventory.ParseTenantKind(c.FormValue("kind"))
	if err != nil {
		return old, err
	}
	days, err := strconv.Atoi(strings.TrimSpace(c.FormValue("window_days")))
	if err != nil || days < 1 || days > 365 {
		return old, inventory.Errorf(inventory.EINVALID, "The sign-in evidence window must be a whole number of days from 1 to 365.")
	}
	st := inventory.Settings{
		Kind:               kind,
		ServicePatterns:    splitList(c.FormValue("service_patterns")),
		RoomPatterns:       splitList(c.FormValue("room_patterns")),
		BreakGlassPatterns: splitList(c.FormValue("break_glass_patterns")),
		BreakGlassAccounts: splitList(c.FormValue("break_glass_accounts")),
		RoomDeviceGroups:   splitList(c.FormValue("room_device_groups")),
		Window:             time.Duration(days) * 24 * time.Hour,
	}
	for _, p := range [][]string{st.ServicePatterns, st.RoomPatterns, st.BreakGlassPatterns} {
		for _, w := range p {
			if len(w) > 100 {
				return old, inventory.Errorf(inventory.EINVALID, "The pattern %q is longer than 100 characters.", w[:40]+"…")
			}
		}
	}
	return st, nil
}

// splitList reads one entry per line or comma, trimmed, without empties or
// repeats.
func splitList(s string) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' || r == '\r' }) {
		f = strings.TrimSpace(f)
		if f != "" && !seen[strings.ToLower(f)] {
			seen[strings.ToLower(f)] = true
			out = append(out, f)
		}
	}
	return out
}

// settingsView is the settings page of tenant t, the form filled from st;
// leads may edit it.
func settingsView(c echo.Context, t inventory.Tenant, st inventory.Settings) views.Settings {
	days := int(st.Window / (24 * time.Hour))
	if days == 0 {
		days = 30
	}
	return views.Settings{Page: viewerPage(c, page(t, "Settings", "settings")), Kind: string(st.Kind), WindowDays: days,
		ServicePatterns: strings.Join(st.ServicePatterns, "\n"), RoomPatterns: strings.Join(st.RoomPatterns, "\n"),
		BreakGlassPatterns: strings.Join(st.BreakGlassPatterns, "\n"), BreakGlassAccounts: strings.Join(st.BreakGlassAccounts, "\n"),
		RoomDeviceGroups: strings.Join(st.RoomDeviceGroups, "\n"), CanEdit: inventory.CanChangeSettings(actorOf(c)) == nil}
}

// deliveryPage is GET /settings/delivery (showInTenant): every role reads
// where the report goes (the webhook by its host only); leads change it.
func (s *Server) deliveryPage(c echo.Context, t inventory.Tenant, st inventory.DeliverySettings) (templ.Component, error) {
	v := s.deliveryView(c, t, st)
	switch {
	case c.QueryParam("saved") != "":
		v.Notice = "Saved."
	case c.QueryParam("sent") != "" && st.LastFailed:
		v.Error = "The report was not delivered everywhere: " + st.LastOutcome
	case c.QueryParam("sent") != "":
		v.Notice = "Sent: " + st.LastOutcome + "."
	}
	return views.Delivery(v), nil
}

// deliveryView fills the page from stored settings. The webhook URL never
// reaches the page: only its host and service.
func (s *Server) deliveryView(c echo.Context, t inventory.Tenant, st inventory.DeliverySettings) views.DeliveryPage {
	v := views.DeliveryPage{
		Page:    viewerPage(c, page(t, "Scheduled delivery", "settings")),
		CanEdit: inventory.CanChangeSettings(actorOf(c)) == nil, Form: deliveryForm(st),
		Where: st.Describe(), ScheduleWords: st.Schedule.String(),
		PasswordEnv: deliver.PasswordEnv, PasswordSet: s.smtpPassword != "",
		WebhookHost: st.WebhookHost(), WebhookService: st.WebhookService(),
		UpdatedBy: st.UpdatedBy, UpdatedAt: st.UpdatedAt,
		LastSent: st.LastSent, LastOutcome: st.LastOutcome, LastFailed: st.LastFailed,
	}
	if st.Enabled {
		v.Next = st.Schedule.Next(st.Anchor(), time.Now())
	}
	return v
}

func deliveryForm(st inventory.DeliverySettings) views.DeliveryForm {
	f := views.DeliveryForm{
		Enabled: st.Enabled, Interval: st.Schedule.Every > 0,
		Weekday: int(st.Schedule.Weekday), Hour: st.Schedule.Hour, TimeZone: st.Schedule.TimeZone, IntervalHours: 168,
		SMTPHost: st.Mail.Host, SMTPPort: st.Mail.Port, SMTPFrom: st.Mail.From, SMTPTo: strings.Join(st.Mail.To, "\n"),
		SMTPUsername: st.Mail.Username, ChangeAlerts: st.ChangeAlerts,
	}
	if f.Interval {
		f.IntervalHours = int(st.Schedule.Every / time.Hour)
	}
	if f.TimeZone == "" {
		f.TimeZone = "UTC"
	}
	if f.SMTPPort == 0 {
		f.SMTPPort = 587
	}
	return f
}

// deliverySave serves POST /settings/delivery (security leads): validate,
// store and record (the store checks who may), in the tenant the form was
// shown for (postedTenant). A refusal shows the form as typed, but for the
// webhook URL, which is a secret and never written into a page.
func (s *Server) deliverySave(c echo.Context) error {
	refused := func(t inventory.Tenant, old inventory.DeliverySettings, sentence string) templ.Component {
		v := s.deliveryView(c, t, old)
		v.Form, v.Error = typedDeliveryForm(c), sentence
		return views.Delivery(v)
	}
	return saveInTenant(c, s.store.DeliverySettings, deliveryFromForm, s.store.SaveDeliverySettings, refused, func(inventory.Tenant) error {
		return backInTenant(c, "/settings/delivery", "saved", "1")
	})
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
	return backInTenant(c, "/settings/delivery", "sent", "1")
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
