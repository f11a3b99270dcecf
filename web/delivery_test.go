package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/deliver"
	"github.com/mfaboard/mfaboard/web/deliver/delivertest"
	"github.com/mfaboard/mfaboard/web/webtest"
)

const webhookSecret = "/services/T0001/B0001/SECRETWEBHOOKPATH"

// chatHook is a local incoming webhook that records what it is sent.
type chatHook struct {
	mu     sync.Mutex
	bodies []string
}

func (h *chatHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.bodies = append(h.bodies, string(b))
	h.mu.Unlock()
	_, _ = io.WriteString(w, "ok")
}

func (h *chatHook) posts() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.bodies...)
}

func TestDeliverySettingsAndSendNow(t *testing.T) {
	var logs webtest.LockedBuffer
	srv, store := webtest.ServeApp(t, web.Config{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	snap := demo.Generate(demo.Options{Users: 200, Seed: 13, AsOf: time.Now().UTC()})
	syncSnapshot(t, store, snap, inventory.KindMixed)
	relay := delivertest.NewSMTPServer(t, false, "") // an internal relay: no TLS, no sign-in
	hook := &chatHook{}
	hookSrv := httptest.NewServer(hook)
	defer hookSrv.Close()

	form := url.Values{
		"tenant": {snap.Tenant.ID}, "enabled": {"on"}, "schedule": {"weekly"}, "weekday": {"2"}, "hour": {"9"}, "time_zone": {"Europe/Amsterdam"},
		"interval_hours": {"168"}, "smtp_host": {"127.0.0.1"}, "smtp_port": {strconv.Itoa(relay.Port)},
		"smtp_from": {"mfaboard@partner.example"}, "smtp_to": {"ceo@partner.example\r\ncfo@partner.example"},
		"webhook_url": {hookSrv.URL + webhookSecret},
	}

	// Management and engineers read, and change nothing.
	for _, role := range []inventory.Role{inventory.Management, inventory.Engineer} {
		c := webtest.Login(t, srv, store, role)
		resp, body := send(t, c, http.MethodGet, srv.URL+"/settings/delivery", nil, browser)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "<fieldset disabled>") || strings.Contains(body, `data-testid="delivery-send"`) {
			t.Fatalf("%s GET: %d\n%s", role, resp.StatusCode, body)
		}
		for _, path := range []string{"/settings/delivery", "/settings/delivery/send"} {
			resp, body := send(t, c, http.MethodPost, srv.URL+path, form, browser)
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Only a security lead can do this") {
				t.Errorf("%s POST %s: %d", role, path, resp.StatusCode)
			}
		}
	}
	if st, _ := store.DeliverySettings(context.Background(), snap.Tenant.ID); st.Enabled || st.Webhook != "" {
		t.Fatalf("a refused request changed the settings: %+v", st.Enabled)
	}

	lead := webtest.Login(t, srv, store, inventory.SecurityLead)
	resp, _ := send(t, lead, http.MethodPost, srv.URL+"/settings/delivery", form, browser)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings/delivery?tenant="+snap.Tenant.ID+"&saved=1" {
		t.Fatalf("save: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	st, err := store.DeliverySettings(context.Background(), snap.Tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Enabled || st.Schedule != (inventory.DeliverySchedule{Weekday: time.Tuesday, Hour: 9, TimeZone: "Europe/Amsterdam"}) ||
		len(st.Mail.To) != 2 || st.Webhook != hookSrv.URL+webhookSecret {
		t.Fatalf("stored: %+v", st.Schedule)
	}
	_, body := send(t, lead, http.MethodGet, srv.URL+"/settings/delivery?saved=1", nil, browser)
	for _, want := range []string{"Saved.", "every Tuesday at 09:00 (Europe/Amsterdam)", "Posting to Slack at <strong>127.0.0.1</strong>",
		"It is not set on this server", "MFABOARD_SMTP_PASSWORD", "Next report"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(body, "SECRETWEBHOOK") {
		t.Fatal("the page shows the webhook URL")
	}

	// An empty webhook field keeps the URL; a refusal keeps what was typed
	// but never writes a webhook URL back into the page.
	keep := cloneForm(form)
	keep.Set("webhook_url", "")
	keep.Set("hour", "10")
	if resp, _ := send(t, lead, http.MethodPost, srv.URL+"/settings/delivery", keep, browser); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save without a webhook URL: %d", resp.StatusCode)
	}
	if st, _ := store.DeliverySettings(context.Background(), snap.Tenant.ID); st.Webhook != hookSrv.URL+webhookSecret || st.Schedule.Hour != 10 {
		t.Fatalf("an empty webhook field did not keep the URL (hour %d)", st.Schedule.Hour)
	}
	bad := cloneForm(form)
	bad.Set("smtp_to", "ceo@partner.example\nnot-an-address")
	bad.Set("webhook_url", "https://hooks.slack.com/services/T/B/NEWSECRETPATH")
	resp, body = send(t, lead, http.MethodPost, srv.URL+"/settings/delivery", bad, browser)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `The recipient &#34;not-an-address&#34; is not an e-mail address`) ||
		!strings.Contains(body, "not-an-address</textarea>") || strings.Contains(body, "NEWSECRETPATH") {
		t.Fatalf("refusal: %d\n%s", resp.StatusCode, body)
	}

	// Send now: the PDF to the relay, the summary to the channel.
	r, err := store.Readiness(context.Background(), snap.Tenant.ID, time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	resp, _ = send(t, lead, http.MethodPost, srv.URL+"/settings/delivery/send", url.Values{"tenant": {snap.Tenant.ID}}, browser)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings/delivery?tenant="+snap.Tenant.ID+"&sent=1" {
		t.Fatalf("send now: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	msgs := relay.Messages()
	if len(msgs) != 1 || len(msgs[0].To) != 2 {
		t.Fatalf("the relay received %d messages", len(msgs))
	}
	m, err := mail.ReadMessage(bytes.NewReader(msgs[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if !strings.Contains(subject, r.Headline()) || !bytes.Contains(msgs[0].Data, []byte("Content-Type: application/pdf")) {
		t.Errorf("subject %q lacks the verdict %q, or no PDF is attached", subject, r.Headline())
	}
	if posts := hook.posts(); len(posts) != 1 || !strings.Contains(posts[0], r.Headline()) {
		t.Errorf("the channel got %v", posts)
	}
	_, body = send(t, lead, http.MethodGet, srv.URL+"/settings/delivery?sent=1", nil, browser)
	if !strings.Contains(body, "Sent: e-mailed the PDF to 2 recipient(s); posted the summary to Slack (127.0.0.1).") {
		t.Errorf("the page does not say what was sent:\n%s", body)
	}

	// Stop posting: the webhook is removed.
	stop := cloneForm(form)
	stop.Set("webhook_url", "")
	stop.Set("webhook_remove", "on")
	send(t, lead, http.MethodPost, srv.URL+"/settings/delivery", stop, browser)
	if st, _ := store.DeliverySettings(context.Background(), snap.Tenant.ID); st.Webhook != "" {
		t.Fatal("the webhook was not removed")
	}

	// The audit trail says who changed what and where it went, by host.
	events, _, err := store.Audit(context.Background(), pg.AuditFilter{TenantID: snap.Tenant.ID, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var saved, sent int
	for _, e := range events {
		switch e.Action {
		case "delivery settings":
			saved++
		case "delivery sent":
			sent++
		}
		if strings.Contains(e.Reason, "SECRET") {
			t.Errorf("the audit trail quotes the webhook URL: %q", e.Reason)
		}
	}
	if saved != 3 || sent != 1 {
		t.Errorf("audit: %d settings changes and %d sends, want 3 and 1", saved, sent)
	}
	if strings.Contains(logs.String(), "SECRET") {
		t.Error("the log quotes the webhook URL")
	}
}

// The SMTP password comes in through web.Config (cmd reads the environment):
// the page says whether the server has one, and never shows it.
func TestDeliveryPageSaysWhetherThePasswordIsSet(t *testing.T) {
	const password = "smtp-Pa55word-of-the-server"
	for _, tc := range []struct {
		password, says string
	}{
		{"", "It is not set on this server"},
		{password, "It is set on this server"},
	} {
		srv, store := webtest.ServeApp(t, web.Config{SMTPPassword: tc.password})
		syncSnapshot(t, store, demo.Generate(demo.Options{Users: 20, Seed: 3, AsOf: time.Now().UTC()}), inventory.KindMixed)
		lead := webtest.Login(t, srv, store, inventory.SecurityLead)
		resp, body := send(t, lead, http.MethodGet, srv.URL+"/settings/delivery", nil, browser)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, tc.says) || !strings.Contains(body, deliver.PasswordEnv) ||
			strings.Contains(body, password) {
			t.Errorf("password %q: %d, want %q and the variable's name but never the password\n%s", tc.password, resp.StatusCode, tc.says, excerpt(body))
		}
	}
}

func cloneForm(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// A form without an SMTP server still sends a port, which the table
// requires: an empty or zero one is refused with the sentence, not a 500.
func TestDeliveryRefusesAMissingPort(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeApp(t, web.Config{})
	snap := demo.Generate(demo.Options{Users: 40, Seed: 5, AsOf: time.Now().UTC()})
	syncSnapshot(t, store, snap, inventory.KindMixed)
	lead := webtest.Login(t, srv, store, inventory.SecurityLead)
	for _, port := range []string{"", "0", "70000", "five"} {
		form := url.Values{"tenant": {snap.Tenant.ID}, "schedule": {"weekly"}, "weekday": {"1"}, "hour": {"8"}, "time_zone": {"UTC"},
			"smtp_host": {""}, "smtp_port": {port}, "webhook_url": {"https://hooks.slack.com/services/T/B/SECRET"}}
		resp, body := send(t, lead, http.MethodPost, srv.URL+"/settings/delivery", form, browser)
		if resp.StatusCode != http.StatusBadRequest || !says(body, "The SMTP port must be a number from 1 to 65535") || strings.Contains(body, "SECRET") {
			t.Errorf("port %q: %d, want 400 with the sentence\n%s", port, resp.StatusCode, excerpt(body))
		}
	}
	if st, err := store.DeliverySettings(t.Context(), snap.Tenant.ID); err != nil || st.Webhook != "" {
		t.Fatalf("a refused form was stored (%v)", err)
	}
	// Recipients without a server: the same one rule, the same kind of answer.
	form := url.Values{"tenant": {snap.Tenant.ID}, "schedule": {"weekly"}, "weekday": {"1"}, "hour": {"8"}, "time_zone": {"UTC"},
		"smtp_port": {"587"}, "smtp_to": {"ceo@partner.example"}}
	if resp, body := send(t, lead, http.MethodPost, srv.URL+"/settings/delivery", form, browser); resp.StatusCode != http.StatusBadRequest ||
		!says(body, "The e-mail has recipients but no SMTP server") {
		t.Errorf("recipients without a server: %d\n%s", resp.StatusCode, excerpt(body))
	}
}

func TestSendNowWithNothingSetUpSaysSoOnThePage(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 1)
	resp, body := send(t, f.clients["lead"], http.MethodPost, f.url("/settings/delivery/send"), url.Values{"tenant": {tenantA}}, browser)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `data-testid="delivery-error"`) ||
		!strings.Contains(body, `data-testid="delivery-form"`) || !says(body, "Nothing to send to yet") {
		t.Errorf("send now with nothing set up: %d\n%s", resp.StatusCode, excerpt(body))
	}
}
