package pg_test

import (
	"context"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

func TestReassessShowsSettingsAndOverridesAtOnce(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	ctx := context.Background()
	snap := pgtest.SeedDemo(t, store, 120)
	tenant := snap.Tenant.ID

	rooms := func() []pg.AccountRow {
		page, err := store.ListAccounts(ctx, pg.AccountFilter{TenantID: tenant, Category: string(inventory.RoomDevice), Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return page.Rows
	}
	before := rooms()
	if len(before) == 0 {
		t.Fatal("the demo tenant has no room devices")
	}
	for _, r := range before {
		if r.Path != inventory.TenantSplit {
			t.Fatalf("%s: path %s in a mixed tenant, want tenant_split", r.UserPrincipalName, r.Path)
		}
	}

	// A CSP-only tenant has nowhere to split rooms to: technical exception.
	settings, err := store.TenantSettings(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	settings.Kind = inventory.KindCSP
	if err := store.SaveTenantSettings(ctx, settingsLead, tenant, settings); err != nil {
		t.Fatal(err)
	}
	if _, err := inventory.Reassess(ctx, store, tenant, inventory.ReassessOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, r := range rooms() {
		if r.Path != inventory.TechnicalException {
			t.Fatalf("%s: path %s after the tenant became csp, want technical_exception", r.UserPrincipalName, r.Path)
		}
	}

	// An override wins and is shown as such.
	target := before[0].ID
	if err := store.SetOverride(ctx, tenant, target, inventory.Override{Category: inventory.ServiceAccount, Author: "lead@demo.local", Reason: "it is a kiosk script", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := inventory.Reassess(ctx, store, tenant, inventory.ReassessOptions{}); err != nil {
		t.Fatal(err)
	}
	d, err := store.Account(ctx, tenant, target)
	if err != nil {
		t.Fatal(err)
	}
	if d.Assessment == nil || d.Assessment.Category != inventory.ServiceAccount || !d.Assessment.CategoryOverride || d.Assessment.AutoCategory != inventory.RoomDevice {
		t.Fatalf("override not applied: %+v", d.Assessment)
	}
}
