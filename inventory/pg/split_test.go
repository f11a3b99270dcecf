package pg_test

import (
	"cmp"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// splitCandidatesOf is what the planner should read back from the store,
// taken from the snapshot and the result in memory.
func splitCandidatesOf(snap *inventory.Snapshot, res inventory.Result) []inventory.SplitCandidate {
	var out []inventory.SplitCandidate
	for i, a := range res.Accounts {
		if a.Path != inventory.TenantSplit {
			continue
		}
		u := snap.Users[i]
		c := inventory.SplitCandidate{ID: u.ID, UserPrincipalName: u.UserPrincipalName, DisplayName: u.DisplayName, Mail: u.Mail,
			Category: a.Category, Compliance: a.Compliance, Enabled: u.AccountEnabled, SKUs: u.LicenseSKUs}
		for _, g := range snap.Groups {
			for _, m := range g.MemberUserIDs {
				if m == u.ID {
					c.Groups = append(c.Groups, inventory.GroupRef{ID: g.ID, DisplayName: g.DisplayName})
				}
			}
		}
		slices.SortFunc(c.Groups, func(a, b inventory.GroupRef) int {
			return cmp.Or(strings.Compare(strings.ToLower(a.DisplayName), strings.ToLower(b.DisplayName)), strings.Compare(a.ID, b.ID))
		})
		out = append(out, c)
	}
	return out
}

func TestSplitPlanFromTheStore(t *testing.T) {
	store, ctx := newStore(t)
	now := time.Now().UTC().Truncate(time.Hour)
	mixed := demo.Generate(demo.Options{Users: 400, Seed: 7, AsOf: now})
	res := pgtest.Sync(t, store, mixed, inventory.SyncOptions{Kind: inventory.KindMixed, Now: now}).Result
	for i, a := range res.Accounts {
		if a.UserID != mixed.Users[i].ID {
			t.Fatalf("assessment %d is of %s, not of user %s: the fixture assumes the same order", i, a.UserID, mixed.Users[i].ID)
		}
	}

	// Before a production tenant exists: the moves, and no counterparts.
	plan, err := store.SplitPlan(ctx, mixed.Tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	cands := splitCandidatesOf(mixed, res)
	if len(cands) < 3 {
		t.Fatalf("the demo tenant has %d accounts on the tenant_split path; the test needs its Teams Rooms", len(cands))
	}
	groups := make([]inventory.Group, len(mixed.Groups))
	for i, g := range mixed.Groups {
		groups[i] = inventory.Group{ID: g.ID, DisplayName: g.DisplayName, MemberGroupIDs: g.MemberGroupIDs}
	}
	want := inventory.PlanSplit(cands, groups, mixed.Policies, nil)
	if plan.Total != len(cands) || plan.InProduction != 0 {
		t.Fatalf("plan: %d moves, %d in production; want %d and 0", plan.Total, plan.InProduction, len(cands))
	}
	if !reflect.DeepEqual(movesByID(plan), movesByID(want)) {
		t.Errorf("the store's plan differs from the plan of the snapshot in memory:\n got %+v\nwant %+v", plan, want)
	}
	mentioned := 0
	for _, c := range plan.Categories {
		for _, m := range c.Moves {
			mentioned += len(m.Policies)
		}
	}
	if mentioned == 0 {
		t.Error("no policy names a room device; the demo's policies exclude its rooms group")
	}

	// A production tenant: one room by UPN (another case), one by mail, one
	// removed since; and a CSP tenant holding the same names, which is no
	// production tenant and must not match.
	byUPN, byMail, gone := cands[0], cands[1], cands[2]
	prod := tinyTenant("prod-tenant", "Contoso Production",
		inventory.User{ID: "p1", UserPrincipalName: strings.ToUpper(byUPN.UserPrincipalName), AccountEnabled: true},
		inventory.User{ID: "p2", UserPrincipalName: "room2@contosoprod.onmicrosoft.com", Mail: strings.ToUpper(byMail.Mail), AccountEnabled: true},
		inventory.User{ID: "p3", UserPrincipalName: gone.UserPrincipalName, AccountEnabled: true},
	)
	pgtest.Sync(t, store, prod, inventory.SyncOptions{Kind: inventory.KindProduction, Now: now})
	prod.Users = prod.Users[:2] // p3 leaves the production tenant
	pgtest.Sync(t, store, prod, inventory.SyncOptions{Now: now})
	other := tinyTenant("csp-tenant", "Contoso CSP", inventory.User{ID: "c1", UserPrincipalName: gone.UserPrincipalName, AccountEnabled: true})
	pgtest.Sync(t, store, other, inventory.SyncOptions{Kind: inventory.KindCSP, Now: now})

	plan, err = store.SplitPlan(ctx, mixed.Tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := movesByID(plan)
	wantMatch := map[string]inventory.ProductionMatch{
		byUPN.ID:  {TenantID: "prod-tenant", TenantName: "Contoso Production", AccountID: "p1", UserPrincipalName: strings.ToUpper(byUPN.UserPrincipalName), By: "UPN"},
		byMail.ID: {TenantID: "prod-tenant", TenantName: "Contoso Production", AccountID: "p2", UserPrincipalName: "room2@contosoprod.onmicrosoft.com", By: "mail"},
	}
	for id, m := range got {
		w, ok := wantMatch[id]
		switch {
		case ok && (len(m.InProduction) != 1 || m.InProduction[0] != w):
			t.Errorf("%s in production: %+v, want %+v", m.UserPrincipalName, m.InProduction, w)
		case !ok && m.Exists():
			t.Errorf("%s matched %+v, want none (removed, or only in a CSP tenant)", m.UserPrincipalName, m.InProduction)
		}
	}
	if plan.InProduction != 2 {
		t.Errorf("InProduction = %d, want 2", plan.InProduction)
	}

	// The production tenant's own plan is empty: its rooms go to an exception.
	prodPlan, err := store.SplitPlan(ctx, "prod-tenant")
	if err != nil || prodPlan.Total != 0 {
		t.Errorf("production tenant plan: %+v, %v; want no moves", prodPlan, err)
	}
}

func movesByID(p inventory.SplitPlan) map[string]inventory.SplitMove {
	out := map[string]inventory.SplitMove{}
	for _, c := range p.Categories {
		for _, m := range c.Moves {
			out[m.ID] = m
		}
	}
	return out
}

func tinyTenant(id, name string, users ...inventory.User) *inventory.Snapshot {
	off := false
	present := map[string]bool{}
	for _, c := range inventory.Collections {
		present[c] = true
	}
	return &inventory.Snapshot{Tenant: inventory.Tenant{ID: id, DisplayName: name}, Users: users,
		Registrations: map[string]inventory.Registration{}, SecurityDefaults: &off, Present: present}
}

// BenchmarkSplitPlan reads the split plan of a 100,000-account mixed
// tenant, with a production tenant of 20,000 to match against.
func BenchmarkSplitPlan(b *testing.B) {
	store, _ := pgtest.NewStore(b)
	ctx := b.Context()
	now := time.Now().UTC().Truncate(time.Hour)
	for _, opts := range []demo.Options{
		{Users: 100_000, Seed: 1, AsOf: now},
		{Users: 20_000, Seed: 2, AsOf: now, TenantName: "Contoso Production"},
	} {
		snap := demo.Generate(opts)
		kind := inventory.KindMixed
		if opts.TenantName != "" {
			kind = inventory.KindProduction
		}
		pgtest.Sync(b, store, snap, inventory.SyncOptions{Kind: kind, Now: now})
	}
	tenants, err := store.Tenants(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var mixedID string
	for _, t := range tenants {
		if t.Kind == inventory.KindMixed {
			mixedID = t.ID
		}
	}
	b.ResetTimer()
	var plan inventory.SplitPlan
	for b.Loop() {
		if plan, err = store.SplitPlan(ctx, mixedID); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(plan.Total), "moves")
}
