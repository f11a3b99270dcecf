package delivertest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Webhook is a test server standing in for a Teams or Slack webhook: it
// answers every request "ok" and records the body of each.
type Webhook struct {
	*httptest.Server
	mu    sync.Mutex
	posts []string
}

// NewWebhook starts a Webhook, closed when the test ends.
func NewWebhook(tb testing.TB) *Webhook {
	h := &Webhook{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.posts = append(h.posts, string(b))
		h.mu.Unlock()
		_, _ = w.Write([]byte("ok"))
	}))
	tb.Cleanup(h.Close)
	return h
}

// Posts returns the bodies received so far, in order.
func (h *Webhook) Posts() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.posts...)
}
