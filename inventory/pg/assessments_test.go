package pg_test

import (
	"context"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// liveCounts counts the current verdicts the slow way, as a reference.
func liveCounts(t *testing.T, store *pg.Store, tenantID string) map[inventory.Compliance]int {
	t.Helper()
	out := map[inventory.Compliance]int{}
	for _, c := range inventory.Compliances {
		page, err := store.ListAccounts(context.Background(), pg.AccountFilter{TenantID: tenantID, Compliance: string(c), Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		out[c] = page.Total
	}
	return out
}

func TestSummaryCountsFollowEveryWrite(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	ctx := context.Background()
	snap := pgtest.SeedDemo(t, store, 150)
	tenant := snap.Tenant.ID
	check := func(when string) map[inventory.Compliance]int {
		t.Helper()
		sum, err := store.Summary(ctx, tenant)
		if err != nil {
			t.Fatal(err)
		}
		live := liveCounts(t, store, tenant)
		for _, c := range inventory.Compliances {
			if sum.Counts[c] != live[c] {
				t.Fatalf("%s: Summary says %d %s, the assessments say %d", when, sum.Counts[c], c, live[c])
			}
		}
		return live
	}
	first := check("after the first sync")

	// A re-sync without a third of the accounts marks them removed.
	now := time.Now().UTC()
	smaller := *snap
	smaller.Users = snap.Users[:100]
	pgtest.Sync(t, store, &smaller, inventory.SyncOptions{Now: now})
	second := check("after a sync that removed accounts")
	total := func(m map[inventory.Compliance]int) (n int) {
		for _, v := range m {
			n += v
		}
		return n
	}
	if total(second) != 100 || total(first) != 150 {
		t.Fatalf("totals %d then %d, want 150 then 100", total(first), total(second))
	}

	// Security defaults on: re-assessment changes verdicts, and the counts follow.
	on := true
	smaller.SecurityDefaults = &on
	pgtest.Sync(t, store, &smaller, inventory.SyncOptions{Now: now})
	third := check("after security defaults were turned on")
	if third[inventory.NonCompliant] >= second[inventory.NonCompliant] && second[inventory.NonCompliant] > 0 {
		t.Fatalf("security defaults should enforce MFA for the excluded accounts: %d non-compliant before, %d after",
			second[inventory.NonCompliant], third[inventory.NonCompliant])
	}
	if _, err := inventory.Reassess(ctx, store, tenant, inventory.ReassessOptions{Now: now}); err != nil {
		t.Fatal(err)
	}
	check("after a re-assessment")
}

func TestSummary(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	ctx := context.Background()
	_, err := store.Summary(ctx, tenantID)
	wantCode(t, err, inventory.ENOTFOUND)
	full := fixtureSnapshot()
	applySync(t, store, full, "")
	applySync(t, store, without(full, "u-alice"), "")

	v, err := store.Summary(ctx, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "compliance", v.Counts, map[inventory.Compliance]int{
		inventory.NonCompliant: 2, inventory.AtRisk: 2, inventory.NotApplicable: 1, inventory.Compliant: 0, inventory.Excepted: 0})
	wantEqual(t, "categories", v.ByCategory, map[inventory.Category]int{
		inventory.OfficeWorker: 1, inventory.ServiceAccount: 2, inventory.RoomDevice: 1, inventory.GuestAccount: 1})
	wantEqual(t, "paths", v.ByPath, map[inventory.Path]int{inventory.MFAEnrolment: 2, inventory.AppPassword: 1,
		inventory.SecureAppModel: 1, inventory.TenantSplit: 1, inventory.TechnicalException: 0})
	wantEqual(t, "markers", v.ByMarker, map[inventory.Marker]int{inventory.Privileged: 1, inventory.DirectorySync: 1,
		inventory.LegacyAuth: 1, inventory.SMSVoiceOnly: 1, inventory.Disabled: 1, inventory.BreakGlass: 0})
	if v.Ready || v.DisplayName != "Contoso Partner" || v.Kind != inventory.KindMixed || len(v.Gaps) != 1 || !v.AsOf.Equal(asOf) {
		t.Fatalf("summary = %+v", v)
	}
}
