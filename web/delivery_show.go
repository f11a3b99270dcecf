package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
	"github.com/mfaboard/mfaboard/web/deliver"
)

// deliveryShow serves GET /settings/delivery: every role reads where the
// report goes (the webhook by its host only); leads change it.
func (s *Server) deliveryShow(c echo.Context) error {
	t := tenantOf(c)
	st, err := s.store.DeliverySettings(c.Request().Context(), t.ID)
	if err != nil {
		return err
	}
	v := s.deliveryView(c, t, st)
	switch {
	case c.QueryParam("saved") != "":
		v.Notice = "Saved."
	case c.QueryParam("sent") != "" && st.LastFailed:
		v.Error = "The report was not delivered everywhere: " + st.LastOutcome
	case c.QueryParam("sent") != "":
		v.Notice = "Sent: " + st.LastOutcome + "."
	}
	return render(c, http.StatusOK, views.Delivery(v))
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
