package deliver

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views/readiness"
)

func TestWebhookBodies(t *testing.T) {
	t.Parallel()
	s := readiness.New(*readinessFixture()).Summary()
	for _, tc := range []struct {
		kind  inventory.WebhookKind
		check func(map[string]any) bool
	}{
		{inventory.WebhookText, func(m map[string]any) bool {
			text, _ := m["text"].(string)
			return strings.Contains(text, s.Headline) && strings.Contains(text, "Compliant 812")
		}},
		{inventory.WebhookTeamsConnector, func(m map[string]any) bool {
			sections, _ := m["sections"].([]any)
			first, _ := sections[0].(map[string]any)
			return m["@type"] == "MessageCard" && m["title"] == s.Title && first["activityTitle"] == s.Headline && m["themeColor"] == "B91C1C"
		}},
		{inventory.WebhookTeamsWorkflow, func(m map[string]any) bool {
			att, _ := m["attachments"].([]any)
			a, _ := att[0].(map[string]any)
			card, _ := a["content"].(map[string]any)
			body, _ := card["body"].([]any)
			second, _ := body[1].(map[string]any)
			return m["type"] == "message" && a["contentType"] == "application/vnd.microsoft.card.adaptive" &&
				card["type"] == "AdaptiveCard" && second["text"] == s.Headline && second["color"] == "Attention"
		}},
	} {
		b, err := webhookBody(tc.kind, s)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil || !tc.check(m) {
			t.Errorf("kind %d body: %s (%v)", tc.kind, b, err)
		}
	}
}

// hookRecorder is a local incoming webhook.
type hookRecorder struct {
	mu          sync.Mutex
	bodies      []string
	contentType string
	status      int
	answer      string
}

func (h *hookRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.bodies, h.contentType = append(h.bodies, string(b)), r.Header.Get("Content-Type")
	w.WriteHeader(h.status)
	_, _ = io.WriteString(w, strings.ReplaceAll(h.answer, "{path}", r.URL.Path))
}

func TestPostWebhook(t *testing.T) {
	t.Parallel()
	const secret = "/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
	rec := &hookRecorder{status: http.StatusOK, answer: "ok"}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	r := readinessFixture()

	o := Sender{}.Deliver(context.Background(), inventory.DeliverySettings{Webhook: srv.URL + secret}, r)
	if !o.OK() || o.String() != "posted the summary to Slack (127.0.0.1)" {
		t.Fatalf("outcome: %s", o)
	}
	var body map[string]string
	if len(rec.bodies) != 1 || json.Unmarshal([]byte(rec.bodies[0]), &body) != nil || rec.contentType != "application/json" {
		t.Fatalf("posted %v as %q", rec.bodies, rec.contentType)
	}
	if !strings.Contains(body["text"], r.Headline()) || !strings.Contains(body["text"], "MFA readiness of Contoso Łódź Partners") {
		t.Errorf("the message lacks the verdict: %q", body["text"])
	}

	// A refusal is reported with its status and the host, never the path,
	// even when the service echoes it.
	rec.status, rec.answer = http.StatusNotFound, "no_service: {path} is not a webhook"
	err := PostWebhook(context.Background(), nil, srv.URL+secret, readiness.New(*r).Summary())
	if err == nil || !strings.Contains(err.Error(), "post to 127.0.0.1: status 404") || strings.Contains(err.Error(), "XXXXXXXX") {
		t.Errorf("refusal: %v", err)
	}
	rec.answer = "invalid_payload"
	err = PostWebhook(context.Background(), nil, srv.URL+secret, readiness.New(*r).Summary())
	if err == nil || !strings.Contains(err.Error(), "status 404: invalid_payload") {
		t.Errorf("a short reason is shown: %v", err)
	}
	// A transport error names the host, not the URL (url.Error would).
	srv.Close()
	err = PostWebhook(context.Background(), nil, srv.URL+secret+"?sig=SIGSECRET", readiness.New(*r).Summary())
	if err == nil || !strings.HasPrefix(err.Error(), "post to 127.0.0.1: ") || strings.Contains(err.Error(), "XXXXXXXX") || strings.Contains(err.Error(), "SIGSECRET") {
		t.Errorf("transport error: %v", err)
	}
	// Only https leaves this machine.
	err = PostWebhook(context.Background(), nil, "http://hooks.slack.com"+secret, readiness.New(*r).Summary())
	if err == nil || strings.Contains(err.Error(), "XXXXXXXX") {
		t.Errorf("an http webhook elsewhere: %v", err)
	}
}

func TestDeliverBothWaysWhenOneFails(t *testing.T) {
	t.Parallel()
	rec := &hookRecorder{status: http.StatusOK, answer: "1"}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	st := inventory.DeliverySettings{Webhook: srv.URL + "/hook", Mail: inventory.DeliveryMail{Host: "127.0.0.1", Port: 1, From: "a@partner.example", To: []string{"b@partner.example"}}}
	o := Sender{}.Deliver(context.Background(), st, readinessFixture())
	if o.OK() || len(o.Sent) != 1 || len(o.Failed) != 1 || !strings.HasPrefix(o.String(), "Partly delivered: posted the summary to Slack") ||
		!strings.Contains(o.String(), "e-mail: connect to the SMTP server 127.0.0.1:1") {
		t.Fatalf("outcome: %s", o)
	}
	if len(rec.bodies) != 1 {
		t.Fatal("the webhook was not posted after the e-mail failed")
	}
}
