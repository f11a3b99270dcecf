package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

func TestIntegrationsPageForEveryRole(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeApp(t, web.Config{})
	if _, err := pgtest.SyncDemo(t.Context(), store, demo.Options{Users: 150, Seed: 13, AsOf: time.Now().UTC().Truncate(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	for _, role := range []inventory.Role{inventory.SecurityLead, inventory.Engineer, inventory.Management} {
		t.Run(string(role), func(t *testing.T) {
			t.Parallel()
			c := webtest.Login(t, srv, store, role)
			doc := getDoc(t, c, srv.URL+"/integrations")
			cards := doc.Find(`[data-testid="integration"]`)
			if cards.Length() != 3 {
				t.Fatalf("%d integrations, want the demo's 3", cards.Length())
			}
			first := cards.First()
			if state, _ := first.Attr("data-state"); state != string(inventory.SAMNo) || !strings.Contains(first.Text(), "PSA Billing Connector") {
				t.Errorf("the integration that breaks is not first: %q %q", state, first.Find("h3").Text())
			}
			if !strings.Contains(first.Text(), "refused (900421)") || !strings.Contains(first.Text(), "an administrator, for every user") {
				t.Errorf("the billing connector's refusals and consent are not shown: %q", first.Text())
			}
			if first.Find(`[data-testid="partner-marker"]`).Length() == 0 {
				t.Error("the billing connector's account does not show its partner_center_no_mfa reason")
			}
			sam := doc.Find(`[data-testid="integration"][data-state="sam"]`)
			if sam.Length() != 2 || !strings.Contains(sam.Text(), "for themselves") {
				t.Errorf("%d SAM integrations; consents %q", sam.Length(), sam.Find(`[data-testid="integration-consent"]`).Text())
			}
			if n := strings.TrimSpace(doc.Find(`[data-testid="integrations-portal-no-mfa"]`).Text()); n == "0" || n == "" {
				t.Errorf("people using the portal without MFA: %q", n)
			}
			if doc.Find(`[data-testid="integrations-notice"]`).Length() != 0 {
				t.Errorf("notices on a tenant whose collections were all read: %q", doc.Find(`[data-testid="integrations-notice"]`).Text())
			}
		})
	}
}

// A tenant whose app may not read grants: the page says so, and still
// lists the integrations the sign-in logs show.
func TestIntegrationsPageWithoutGrants(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeApp(t, web.Config{})
	snap := demo.Generate(demo.Options{Users: 80, Seed: 13, AsOf: time.Now().UTC().Truncate(time.Hour)})
	delete(snap.Present, inventory.CollPermissionGrants)
	snap.PermissionGrants = nil
	syncSnapshot(t, store, snap, inventory.KindMixed)
	c := webtest.Login(t, srv, store, inventory.Engineer)
	doc := getDoc(t, c, srv.URL+"/integrations")
	if !strings.Contains(doc.Find(`[data-testid="integrations-notice"]`).Text(), "Delegated permission grants were not read") {
		t.Errorf("no notice that the grants were not read: %q", doc.Find(`[data-testid="integrations-notice"]`).Text())
	}
	if n := doc.Find(`[data-testid="integration"]`).Length(); n != 3 {
		t.Errorf("%d integrations from the sign-in logs, want 3", n)
	}
	if !strings.Contains(doc.Find(`[data-testid="integration-consent"]`).First().Text(), "no delegated grant found") {
		t.Errorf("consent: %q", doc.Find(`[data-testid="integration-consent"]`).First().Text())
	}
}
