package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
)

// writeFolder writes a snapshot out as an export folder.
func writeFolder(t *testing.T, snap *inventory.Snapshot) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "export")
	w, err := export.NewFolderWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := export.EncodeSnapshot(snap).Feed(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A partner syncs its new production tenant beside the mixed one: both are
// kept, each of its kind, and the split planner of the mixed tenant finds
// the rooms already moved, by UPN or by mail.
func TestSyncAProductionTenantBesideTheMixedOne(t *testing.T) {
	t.Parallel()
	store := useDatabase(t)
	ctx := t.Context()
	now := time.Now().UTC()
	mixed := demo.Generate(demo.Options{Users: 250, Seed: 3, AsOf: now})
	prod := demo.Generate(demo.Options{Users: 120, Seed: 4, AsOf: now, TenantName: "Contoso Production"})
	if mixed.Tenant.ID == prod.Tenant.ID {
		t.Fatal("the two generated tenants share an id")
	}
	// Two of the mixed tenant's rooms already live in production: one kept
	// its UPN, one its mailbox address only.
	var movedUPN, movedMail string
	for _, u := range mixed.Users {
		switch u.Mail {
		case "mtr-boardroom4@contoso-partners.com":
			movedUPN = u.UserPrincipalName
		case "mtr-rtm-huddle2@contoso-partners.com":
			movedMail = u.Mail
		}
	}
	if movedUPN == "" || movedMail == "" {
		t.Fatal("the demo tenant lacks the Teams Rooms this test moves")
	}
	prod.Users = append(prod.Users,
		inventory.User{ID: "prod-room-1", DisplayName: "Boardroom 4", UserPrincipalName: movedUPN, Mail: movedUPN, UserType: "Member", AccountEnabled: true},
		inventory.User{ID: "prod-room-2", DisplayName: "Rotterdam Huddle 2", UserPrincipalName: "huddle2@contosoproduction.onmicrosoft.com",
			Mail: movedMail, UserType: "Member", AccountEnabled: true})

	if code, out, errOut := runCLI(t, "sync", "--from", writeFolder(t, mixed)); code != exitOK {
		t.Fatalf("sync the mixed tenant: exit %d: %s %s", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, "sync", "--from", writeFolder(t, prod), "--tenant-kind", "production"); code != exitOK {
		t.Fatalf("sync the production tenant: exit %d: %s %s", code, out, errOut)
	}

	tenants, err := store.Tenants(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]inventory.TenantKind{}
	for _, tn := range tenants {
		kinds[tn.ID] = tn.Kind
	}
	if len(tenants) != 2 || kinds[mixed.Tenant.ID] != inventory.KindMixed || kinds[prod.Tenant.ID] != inventory.KindProduction {
		t.Fatalf("tenants after both syncs: %+v", tenants)
	}

	plan, err := store.SplitPlan(ctx, mixed.Tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, cat := range plan.Categories {
		for _, m := range cat.Moves {
			for _, p := range m.InProduction {
				found[m.Mail] = p.By + " " + p.AccountID
			}
		}
	}
	want := map[string]string{"mtr-boardroom4@contoso-partners.com": "UPN prod-room-1", "mtr-rtm-huddle2@contoso-partners.com": "mail prod-room-2"}
	if plan.InProduction != 2 || len(found) != 2 || found["mtr-boardroom4@contoso-partners.com"] != want["mtr-boardroom4@contoso-partners.com"] ||
		found["mtr-rtm-huddle2@contoso-partners.com"] != want["mtr-rtm-huddle2@contoso-partners.com"] {
		t.Fatalf("rooms found in production: %v, want %v", found, want)
	}
	// In the production tenant the same rooms have no tenant to split into.
	prodPlan, err := store.SplitPlan(ctx, prod.Tenant.ID)
	if err != nil || prodPlan.Total != 0 {
		t.Fatalf("the production tenant plans a split: %+v %v", prodPlan, err)
	}
	d, err := store.Account(ctx, prod.Tenant.ID, "prod-room-1")
	if err != nil || d.Assessment == nil || d.Assessment.Path != inventory.TechnicalException {
		t.Fatalf("the moved room in production: %+v %v, want the technical_exception path", d.Assessment, err)
	}
}
