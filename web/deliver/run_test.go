package deliver_test

import (
	"bytes"
	"crypto/tls"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web/deliver"
	"github.com/mfaboard/mfaboard/web/deliver/delivertest"
)

// lead saves the delivery settings of the tests.
var lead = inventory.Actor{ID: "u-lead", Name: "lead@partner.example", Role: inventory.SecurityLead}

// The scheduled path end to end: settings in the store, a due moment, the
// PDF to a local SMTP server and the summary to a local webhook, the
// outcome recorded, and each moment sent once however many replicas check.
func TestRunDueDeliversOnceAndRecords(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	ctx := t.Context()
	tenantID := pgtest.SeedDemo(t, store, 200).Tenant.ID

	def, err := store.DeliverySettings(ctx, tenantID)
	if err != nil || def.Enabled || def.Schedule != inventory.WeeklyDelivery || def.Mail.Port != 587 {
		t.Fatalf("settings nobody saved: %+v %v", def, err)
	}
	if _, err := store.DeliverySettings(ctx, "no-such-tenant"); inventory.ErrorCode(err) != inventory.ENOTFOUND {
		t.Fatalf("unknown tenant: %v", err)
	}

	smtp := delivertest.NewSMTPServer(t, true, "PLAIN")
	var posts atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		_, _ = w.Write([]byte("ok"))
	}))
	defer hook.Close()
	st := inventory.DeliverySettings{Enabled: true, Schedule: inventory.DeliverySchedule{Weekday: time.Monday, Hour: 8},
		Mail:    inventory.DeliveryMail{Host: "127.0.0.1", Port: smtp.Port, From: "mfaboard@partner.example", To: []string{"ceo@partner.example"}},
		Webhook: hook.URL + "/services/T/B/SECRET"}
	if err := store.SaveDeliverySettings(ctx, lead, tenantID, st); err != nil {
		t.Fatal(err)
	}
	saved, err := store.DeliverySettings(ctx, tenantID)
	if err != nil || saved.Webhook != st.Webhook || saved.Mail.To[0] != "ceo@partner.example" || saved.UpdatedBy != "lead@partner.example" ||
		saved.Schedule.TimeZone != "UTC" || saved.UpdatedAt.IsZero() {
		t.Fatalf("saved settings read back as %+v (%v)", saved, err)
	}
	bad := st
	bad.Mail.To = []string{"not an address"}
	if err := store.SaveDeliverySettings(ctx, lead, tenantID, bad); inventory.ErrorCode(err) != inventory.EINVALID {
		t.Fatalf("invalid settings saved: %v", err)
	}

	sender := deliver.Sender{TLS: &tls.Config{RootCAs: smtp.RootCAs}}
	// Nothing is due before the first Monday after the save.
	next := st.Schedule.Next(saved.UpdatedAt, saved.UpdatedAt)
	if done, err := sender.RunDue(ctx, store, next.Add(-time.Minute)); err != nil || len(done) != 0 {
		t.Fatalf("before the first slot: %v %v", done, err)
	}

	// At the slot, several replicas check at once: one delivery.
	at := next.Add(5 * time.Minute)
	var wg sync.WaitGroup
	var delivered atomic.Int32
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			done, err := sender.RunDue(ctx, store, at)
			if err != nil {
				t.Errorf("RunDue: %v", err)
			}
			delivered.Add(int32(len(done)))
		}()
	}
	wg.Wait()
	if delivered.Load() != 1 || len(smtp.Messages()) != 1 || posts.Load() != 1 {
		t.Fatalf("one due moment gave %d deliveries, %d e-mails, %d posts; want 1 each", delivered.Load(), len(smtp.Messages()), posts.Load())
	}
	after, err := store.DeliverySettings(ctx, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	if !after.LastDue.Equal(next) || !after.LastSent.Equal(at) || after.LastFailed ||
		after.LastOutcome != "e-mailed the PDF to 1 recipient(s); posted the summary to Slack (127.0.0.1)" {
		t.Fatalf("recorded: due %s sent %s failed %v %q", after.LastDue, after.LastSent, after.LastFailed, after.LastOutcome)
	}
	if strings.Contains(after.LastOutcome, "SECRET") {
		t.Fatal("the recorded outcome quotes the webhook URL")
	}

	// Later that week: nothing more. A week on: the next one.
	if done, _ := sender.RunDue(ctx, store, at.Add(72*time.Hour)); len(done) != 0 {
		t.Fatalf("sent again in the same week: %v", done)
	}
	if done, err := sender.RunDue(ctx, store, at.Add(7*24*time.Hour)); err != nil || len(done) != 1 || len(smtp.Messages()) != 2 {
		t.Fatalf("the next week: %v %v (%d e-mails)", done, err, len(smtp.Messages()))
	}

	// A failure is recorded and returned, without secrets.
	hook.Close()
	done, err := sender.RunDue(ctx, store, at.Add(14*24*time.Hour))
	if err == nil || len(done) != 1 || strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("a failed post: %v %v", done, err)
	}
	failed, _ := store.DeliverySettings(ctx, tenantID)
	if !failed.LastFailed || !strings.HasPrefix(failed.LastOutcome, "Partly delivered: e-mailed the PDF") || strings.Contains(failed.LastOutcome, "SECRET") {
		t.Fatalf("recorded failure: %v %q", failed.LastFailed, failed.LastOutcome)
	}

	// Off: nothing is due, ever.
	st.Enabled = false
	if err := store.SaveDeliverySettings(ctx, lead, tenantID, st); err != nil {
		t.Fatal(err)
	}
	if done, _ := sender.RunDue(ctx, store, at.Add(60*24*time.Hour)); len(done) != 0 {
		t.Fatalf("delivered while off: %v", done)
	}
}

// Done when (issue 13 §4): sync a tenant, add a member to an excluded
// group, sync again, and find the change in the alert delivered at once,
// by e-mail (the SMTP test double) and to the webhook (a test server), on
// the audit trail; a lead who switches alerts off gets none.
func TestAlertOnRegressionsIsDelivered(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	ctx := t.Context()
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
	ctx := t.Context()
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
