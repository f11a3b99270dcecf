package e2e

import (
	"testing"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// The Integrations page on a laptop and on a phone: the demo's three
// integrations, the one that breaks first, and nothing wider than the
// screen. MFABOARD_SCREENSHOTS=1 saves the laptop view for the README.
func TestE2EIntegrationsPageFitsLaptopAndPhone(t *testing.T) {
	t.Parallel()
	srv, store, _ := webtest.ServeDemo(t, demo.Options{Users: 300, Seed: 1})
	createPerson(t, store, managerPerson)

	b := newBrowser(t, srv.URL)
	b.signIn(managerPerson)
	b.onEveryScreen("/integrations", `[data-testid="integration"]`, func(screen string) {
		if n := b.count(`[data-testid="integration"]`); n != 3 {
			t.Errorf("%s: %d integrations, want 3", screen, n)
		}
		if s := b.text(`[data-testid="integration"] [data-testid="integration-state"]`); s != "Not the Secure Application Model" {
			t.Errorf("%s: the first integration is %q, want the one that breaks", screen, s)
		}
		if screen == "laptop" {
			b.screenshot("integrations.png")
		}
	})
}
