package pg_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// A sync of the demo tenant keeps its Partner Center integrations: the
// page reads them with names, the accounts that sign in without MFA carry
// the marker (stored past the assessments' check), and the stored
// snapshot gives the collections back.
func TestSyncKeepsPartnerCenterIntegrations(t *testing.T) {
	store, ctx := newStore(t)
	want := pgtest.SeedDemoOf(t, store, demo.Options{Users: 120, Seed: 13, AsOf: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}).Snapshot
	page, err := store.Integrations(ctx, want.Tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	if page.Resource == nil || page.Resource.AppID != inventory.PartnerCenterAppID {
		t.Fatalf("Partner Center service principal %+v", page.Resource)
	}
	var states []string
	for _, in := range page.Integrations {
		states = append(states, in.App.DisplayName+"="+string(in.State))
		for _, u := range in.Users {
			if page.Accounts[u.UserID].UPN == "" {
				t.Errorf("%s: user %s has no name", in.App.DisplayName, u.UserID)
			}
		}
	}
	if !slices.Equal(states, []string{"PSA Billing Connector=not_sam", "Lighthouse CSP Reports=sam", "Northwind Customer Onboard=sam"}) {
		t.Errorf("integrations %v", states)
	}
	noMFA := 0
	for _, u := range page.Portal {
		if u.SingleFactor > 0 {
			noMFA++
			if r := page.Markers[u.UserID]; !strings.Contains(r, "the Partner Center portal over Browser without MFA") {
				t.Errorf("portal user %s: marker reason %q", page.Accounts[u.UserID].UPN, r)
			}
		}
	}
	if noMFA < 3 {
		t.Errorf("%d people sign in to the portal without MFA, want at least 3", noMFA)
	}
	billing := page.Integrations[0].Users[0].UserID
	if r := page.Markers[billing]; !strings.Contains(r, "through PSA Billing Connector") {
		t.Errorf("billing connector account: marker reason %q", r)
	}

	stored, err := store.LoadSnapshot(ctx, want.Tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(stored.ServicePrincipals, want.ServicePrincipals) || !reflect.DeepEqual(stored.PermissionGrants, want.PermissionGrants) {
		t.Errorf("stored snapshot lost the service principals or grants")
	}
	if !reflect.DeepEqual(stored.PartnerSignIns, want.PartnerSignIns) {
		t.Errorf("stored Partner Center sign-ins\n got %+v\nwant %+v", stored.PartnerSignIns, want.PartnerSignIns)
	}
}

func TestIntegrationsOfAnUnknownTenant(t *testing.T) {
	store, ctx := newStore(t)
	_, err := store.Integrations(ctx, "no-such-tenant")
	if inventory.ErrorCode(err) != inventory.ENOTFOUND {
		t.Fatalf("err = %v, want ENOTFOUND", err)
	}
}
