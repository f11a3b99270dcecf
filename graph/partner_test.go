package graph_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mfaboard/mfaboard/graph"
	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
)

// The real SDK client reads the Partner Center collections from the
// emulator, and they decode to the demo tenant's integrations.
func TestFetchReadsPartnerCenterIntegrations(t *testing.T) {
	t.Parallel()
	want := demo.Generate(demo.Options{Users: 80, Seed: 13, AsOf: assessedAt})
	srv := startEmulator(t, export.EncodeSnapshot(want), emulator.Options{PageSize: 3})
	d := export.NewDecoder()
	warnings, err := newClient(t, srv, testToken).Fetch(context.Background(), d, graph.FetchOptions{Now: assessedAt})
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings: %v", warnings)
	}
	got := d.Snapshot()
	if len(want.PermissionGrants) < 3 || len(want.PartnerSignIns) == 0 {
		t.Fatalf("the demo tenant has %d grants and %d accounts with Partner Center sign-ins", len(want.PermissionGrants), len(want.PartnerSignIns))
	}
	if !reflect.DeepEqual(got.ServicePrincipals, want.ServicePrincipals) {
		t.Errorf("service principals\n got %+v\nwant %+v", got.ServicePrincipals, want.ServicePrincipals)
	}
	if !reflect.DeepEqual(got.PermissionGrants, want.PermissionGrants) {
		t.Errorf("grants\n got %+v\nwant %+v", got.PermissionGrants, want.PermissionGrants)
	}
	// Sign-ins arrive newest first, in windows read side by side: the
	// folds of an account come in another order; the sync reads the
	// window only.
	since := assessedAt.Add(-graph.DefaultSignInWindow)
	for _, m := range []map[string][]inventory.PartnerSignIn{got.PartnerSignIns, want.PartnerSignIns} {
		for id, folds := range m {
			folds = slices.DeleteFunc(folds, func(p inventory.PartnerSignIn) bool { return p.First.Before(since) })
			slices.SortFunc(folds, func(a, b inventory.PartnerSignIn) int { return a.First.Compare(b.First) })
			m[id] = folds
		}
	}
	if !reflect.DeepEqual(got.PartnerSignIns, want.PartnerSignIns) {
		t.Errorf("Partner Center sign-ins\n got %+v\nwant %+v", got.PartnerSignIns, want.PartnerSignIns)
	}
	v := inventory.PartnerIntegrations(got, assessedAt.Add(-demo.Window), assessedAt)
	states := map[inventory.SAMState]int{}
	for _, in := range v.Integrations {
		states[in.State]++
	}
	if states[inventory.SAMYes] != 2 || states[inventory.SAMNo] != 1 {
		t.Errorf("integrations by state %v, want 2 SAM and 1 not", states)
	}
}

// A tenant whose app may not read permission grants still syncs: one
// warning names the permission, the rest is read.
func TestFetchWarnsWhenPermissionGrantsAreRefused(t *testing.T) {
	t.Parallel()
	want := demo.Generate(demo.Options{Users: 60, Seed: 13, AsOf: assessedAt})
	srv := startEmulator(t, export.EncodeSnapshot(want), emulator.Options{Forbidden: []string{inventory.CollPermissionGrants}})
	d := export.NewDecoder()
	warnings, err := newClient(t, srv, testToken).Fetch(context.Background(), d, graph.FetchOptions{Now: assessedAt})
	if err != nil {
		t.Fatalf("Fetch: %v (a refused collection must not stop the sync)", err)
	}
	if len(warnings) != 1 || warnings[0].Source != inventory.CollPermissionGrants ||
		!strings.Contains(warnings[0].Message, "403 Forbidden") || !strings.Contains(warnings[0].Message, "DelegatedPermissionGrant.Read.All") {
		t.Fatalf("warnings %v, want one naming DelegatedPermissionGrant.Read.All", warnings)
	}
	got := d.Snapshot()
	if got.Present[inventory.CollPermissionGrants] || len(got.ServicePrincipals) == 0 || len(got.PartnerSignIns) == 0 {
		t.Errorf("grants present %v, %d service principals, %d Partner Center accounts", got.Present[inventory.CollPermissionGrants], len(got.ServicePrincipals), len(got.PartnerSignIns))
	}
	v := inventory.PartnerIntegrations(got, assessedAt.Add(-demo.Window), assessedAt)
	if len(v.Unread) != 1 || len(v.Integrations) == 0 {
		t.Errorf("without grants the page still lists the integrations seen in sign-ins: %+v", v)
	}
}
