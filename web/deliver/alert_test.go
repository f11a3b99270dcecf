package deliver_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web/deliver"
	"github.com/mfaboard/mfaboard/web/deliver/delivertest"
)

// Done when (issue 13 §4): sync a tenant, add a member to an excluded
// group, sync again, and find the change in the alert delivered at once,
// by e-mail (the SMTP test double) and to the webhook (a test server), on
// the audit trail; a lead who switches alerts off gets none.
func TestAlertOnRegressionsIsDelivered(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	ctx := context.Background()
	out := pgtest.SyncAnnJoinsContractors(t, store)

	smtp := delivertest.NewSMTPServer(t, true, "")
	hook := delivertest.NewWebhook(t)
	def, err := store.DeliverySettings(ctx, "changes-tenant")
	if err != nil || !def.ChangeAlerts {
		t.Fatalf("alerts are not on by default: %+v %v", def, err)
	}
	// Scheduled delivery stays off: the alert goes wherever the report would.
	st := inventory.DeliverySettings{Schedule: inventory.WeeklyDelivery, ChangeAlerts: true,
		Mail:    inventory.DeliveryMail{Host: "127.0.0.1", Port: smtp.Port, From: "mfaboard@partner.example", To: []string{"soc@partner.example"}},
		Webhook: hook.URL + "/services/T/B/SECRET"}
	if err := store.SaveDeliverySettings(ctx, lead, "changes-tenant", st); err != nil {
		t.Fatal(err)
	}

	sender := deliver.Sender{TLS: &tls.Config{RootCAs: smtp.RootCAs}}
	o, sent, err := sender.AlertRegressions(ctx, store, out, "https://mfaboard.partner.example/")
	if err != nil || !sent || !o.OK() {
		t.Fatalf("alert: sent %v, %s, %v", sent, o, err)
	}
	link := "https://mfaboard.partner.example/accounts/ann?tenant=changes-tenant"
	cause := "joined group *Contractors*, which *CA001* excludes"
	msgs := smtp.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d e-mails, want 1", len(msgs))
	}
	subject, text := mailText(t, msgs[0].Data)
	if subject != "MFA coverage lost in Changes Ltd: Sync "+itoa(out.RunID)+" found 1 account(s) that lost MFA coverage since the last sync." {
		t.Errorf("subject %q", subject)
	}
	for _, want := range []string{"ann@changes.example: Compliant → Non-compliant", cause, link} {
		if !strings.Contains(text, want) {
			t.Errorf("the e-mail lacks %q:\n%s", want, text)
		}
	}
	if posts := hook.Posts(); len(posts) != 1 || !strings.Contains(posts[0], "ann@changes.example") || !strings.Contains(posts[0], cause) || !strings.Contains(posts[0], link) {
		t.Errorf("webhook posts: %q", posts)
	}
	events, _, err := store.Audit(ctx, pg.AuditFilter{TenantID: "changes-tenant", Action: inventory.ActionChangeAlert})
	if err != nil || len(events) != 1 || events[0].ActorID != inventory.SyncActor.ID || !strings.Contains(events[0].Reason, "e-mailed the alert to 1 recipient(s)") {
		t.Errorf("audit: %+v %v", events, err)
	}

	// Switched off: nothing more is sent or recorded.
	st.ChangeAlerts = false
	if err := store.SaveDeliverySettings(ctx, lead, "changes-tenant", st); err != nil {
		t.Fatal(err)
	}
	if _, sent, err := sender.AlertRegressions(ctx, store, out, ""); sent || err != nil {
		t.Errorf("alerts switched off: sent %v, %v", sent, err)
	}
	if n := len(smtp.Messages()); n != 1 {
		t.Errorf("%d e-mails after switching alerts off, want still 1", n)
	}
}

// A sync that finds nothing worse sends nothing.
func TestNoAlertWithoutRegressions(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	ctx := context.Background()
	pgtest.Sync(t, store, pgtest.ExcludedGroupTenant(), inventory.SyncOptions{Now: time.Now().Add(-time.Hour)})
	out := pgtest.Sync(t, store, pgtest.ExcludedGroupTenant(), inventory.SyncOptions{})
	hook := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { t.Error("posted without a regression") }))
	defer hook.Close()
	if err := store.SaveDeliverySettings(ctx, lead, "changes-tenant", inventory.DeliverySettings{Schedule: inventory.WeeklyDelivery,
		ChangeAlerts: true, Mail: inventory.DeliveryMail{Port: 587}, Webhook: hook.URL + "/x"}); err != nil {
		t.Fatal(err)
	}
	if _, sent, err := (deliver.Sender{}).AlertRegressions(ctx, store, out, ""); sent || err != nil {
		t.Errorf("sent %v, %v", sent, err)
	}
}

// mailText is a message's decoded subject and text part.
func mailText(t *testing.T, data []byte) (string, string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := multipart.NewReader(msg.Body, params["boundary"]).NextPart()
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(p)
	if err != nil {
		t.Fatal(err)
	}
	return subject, strings.ReplaceAll(string(b), "\r\n", "\n")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
