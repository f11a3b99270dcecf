package e2e

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// The Integrations page on a laptop and on a phone: the demo's three
// integrations, the one that breaks first, and nothing wider than the
// screen. MFABOARD_SCREENSHOTS=1 saves the laptop view for the README.
func TestE2EIntegrationsPageFitsLaptopAndPhone(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	if _, err := pgtest.SyncDemo(t.Context(), store, demo.Options{Users: 300, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(web.Config{Store: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	t.Cleanup(srv.Close)
	createPerson(t, store, managerPerson)

	b := newBrowser(t, srv.URL)
	b.signIn(managerPerson.email, webtest.Password)
	for _, size := range []struct {
		w, h int64
		shot string
	}{{1366, 768, "integrations.png"}, {390, 844, ""}} {
		b.do(chromedp.EmulateViewport(size.w, size.h))
		b.open("/integrations", `[data-testid="integration"]`)
		if n := b.count(`[data-testid="integration"]`); n != 3 {
			t.Errorf("%dx%d: %d integrations, want 3", size.w, size.h, n)
		}
		if s := b.text(`[data-testid="integration"] [data-testid="integration-state"]`); s != "Not the Secure Application Model" {
			t.Errorf("%dx%d: the first integration is %q, want the one that breaks", size.w, size.h, s)
		}
		if over := evaluate[int](b, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
			t.Errorf("%dx%d: the page is %d px wider than the screen", size.w, size.h, over)
		}
		if size.shot != "" {
			b.screenshot(size.shot)
		}
	}
}
