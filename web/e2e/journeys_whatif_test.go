package e2e

import (
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// TestE2ELeadAsksMicrosoftWithEmulatorDouble: the lead opens an account
// and asks Microsoft; the page flags the disagreement beside the verdict,
// at a laptop's and a phone's width without scrolling sideways. Microsoft's
// engine is the emulator's evaluate, a TEST DOUBLE serving the tenant as it
// drifted since the sync: it proves the plumbing, not Microsoft's semantics.
func TestE2ELeadAsksMicrosoftWithEmulatorDouble(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeWhatIf(t, emulator.Options{})
	createPerson(t, store, leadPerson)

	b := newBrowser(t, srv.URL)
	b.signIn(leadPerson)
	bob := accountPath(pgtest.WhatIfBob) + "?tenant=" + url.QueryEscape(pgtest.WhatIfTenantID)
	b.open(bob, `[data-testid="whatif-form"]`)
	b.do(chromedp.Click(chromedp.CSS(`[data-testid="whatif-form"] button[type="submit"]`)))
	b.waitFor(`[data-testid="whatif-flag"]`, "the flag that Microsoft disagrees")
	b.waitFor(`[data-testid="whatif-disagreements"]`, "the disagreement beside the verdict")
	b.fitsWithoutSideways(bob+"#whatif", `[data-testid="whatif-disagreements"]`, "account-whatif-phone.png")
	b.open(bob+"#whatif", `[data-testid="whatif-disagreements"]`)
	b.screenshot("account-whatif.png")
}
