package pg_test

import (
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
		page, err := store.ListAccounts(t.Context(), pg.AccountFilter{TenantID: tenantID, Compliance: string(c), Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		out[c] = page.Total
	}
	return out
}

func TestSummaryCountsFollowEveryWrite(t *testing.T) {
	store, ctx := newStore(t)
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
	store, ctx := newStore(t)
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
		inventory.LegacyAuth: 1, inventory.SMSVoiceOnly: 1, inventory.Disabled: 1, inventory.BreakGlass: 0, inventory.PartnerCenterNoMFA: 0})
	if v.Ready || v.DisplayName != "Contoso Partner" || v.Kind != inventory.KindMixed || len(v.Gaps) != 1 || !v.AsOf.Equal(asOf) {
		t.Fatalf("summary = %+v", v)
	}
}

// day is midnight UTC of t's day, as the trend stores days.
func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func TestEverySyncStoresTheDaysCounts(t *testing.T) {
	store, ctx := newStore(t)
	snap := fixtureSnapshot()
	synced := pgtest.Sync(t, store, snap, inventory.SyncOptions{Now: asOf})
	applySync(t, store, snap, "") // the same day again: still one row

	points, err := store.Trend(ctx, tenantID, asOf.AddDate(0, 0, -7))
	if err != nil {
		t.Fatal(err)
	}
	want := synced.Result.Tenant.Counts
	if len(points) != 1 {
		t.Fatalf("trend = %+v, want one point for the day of the syncs", points)
	}
	p := points[0]
	wantEqual(t, "day", p.Day, day(asOf))
	for _, c := range inventory.Compliances {
		if p.Counts[c] != want[c] {
			t.Errorf("%s: trend %d, sync %d", c, p.Counts[c], want[c])
		}
	}
	if p.Applicable != 5 || p.Open() != 4 {
		t.Errorf("applicable %d, open %d; want 5 and 4 (carol is disabled)", p.Applicable, p.Open())
	}

	// Another day, recorded apart, comes back in order; since cuts the
	// older days off.
	later := inventory.TenantVerdict{Counts: map[inventory.Compliance]int{inventory.Compliant: 4, inventory.AtRisk: 1}}
	if err := store.RecordTrend(ctx, tenantID, asOf.AddDate(0, 0, 3).Add(20*time.Hour), later); err != nil {
		t.Fatal(err)
	}
	points, err = store.Trend(ctx, tenantID, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 2 || !points[1].Day.Equal(day(asOf).AddDate(0, 0, 4)) || points[1].Open() != 1 || points[1].Applicable != 5 {
		t.Fatalf("trend = %+v, want the sync's day then 4 days later (the moment's UTC day) with 1 open", points)
	}
	points, err = store.Trend(ctx, tenantID, asOf.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 1 || points[0].Open() != 1 {
		t.Fatalf("trend since the next day = %+v, want only the later point", points)
	}
}

func TestSnapshotTrendsRecordsEveryTenantFromTheStoredVerdicts(t *testing.T) {
	store, ctx := newStore(t)
	applySync(t, store, fixtureSnapshot(), "")
	demo := pgtest.SeedDemo(t, store, 200)
	next := asOf.AddDate(0, 0, 1)

	n, err := store.SnapshotTrends(ctx, next)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("SnapshotTrends recorded %d tenants, want 2", n)
	}
	for _, id := range []string{tenantID, demo.Tenant.ID} {
		sum, err := store.Summary(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		points, err := store.Trend(ctx, id, next)
		if err != nil {
			t.Fatal(err)
		}
		// (The demo tenant was synced today, a later day: its point follows.)
		if len(points) == 0 || !points[0].Day.Equal(day(next)) {
			t.Fatalf("%s: trend from %s = %+v, want a point that day first", id, next, points)
		}
		wantEqual(t, id+" counts", points[0].Counts, sum.Counts)
	}
	// The privileged counts are kept too (the fixture: alice compliant,
	// the sync account non-compliant).
	var privNC, privAR, privApplicable int
	err = store.Pool().QueryRow(ctx, `
		SELECT privileged_non_compliant, privileged_at_risk, privileged_applicable
		FROM tenant_counts_daily WHERE tenant_id = $1 AND day = $2::date`, tenantID, next.Format(time.DateOnly)).
		Scan(&privNC, &privAR, &privApplicable)
	if err != nil {
		t.Fatal(err)
	}
	if privNC != 1 || privAR != 0 || privApplicable != 2 {
		t.Errorf("privileged counts %d non-compliant, %d at risk, %d applicable; want 1, 0, 2", privNC, privAR, privApplicable)
	}
	// Run again the same day: the day's rows are replaced, not doubled.
	if _, err := store.SnapshotTrends(ctx, next.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	var rows int
	err = store.Pool().QueryRow(ctx, `SELECT count(*) FROM tenant_counts_daily WHERE day = $1::date`,
		next.Format(time.DateOnly)).Scan(&rows)
	if err != nil {
		t.Fatal(err)
	}
	if rows != 2 {
		t.Errorf("tenant_counts_daily has %d rows for %s, want 2 (one per tenant)", rows, next.Format(time.DateOnly))
	}
}

func TestDeadlineIsALeadsSettingOnTheRecord(t *testing.T) {
	store, tm, ctx := newBoard(t)

	got, err := store.Deadline(ctx, tenantID)
	if err != nil || !got.IsZero() {
		t.Fatalf("Deadline of a new tenant = %v, %v; want none", got, err)
	}
	march := time.Date(2027, time.March, 1, 0, 0, 0, 0, time.UTC)
	wantCode(t, store.SetDeadline(ctx, tm.manager, tenantID, march), inventory.EFORBIDDEN)
	wantCode(t, store.SetDeadline(ctx, tm.engineer, tenantID, march), inventory.EFORBIDDEN)
	wantCode(t, store.SetDeadline(ctx, tm.lead, "no-such-tenant", march), inventory.ENOTFOUND)
	wantCode(t, store.SetDeadline(ctx, tm.lead, tenantID, time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)), inventory.EINVALID)

	if err := store.SetDeadline(ctx, tm.lead, tenantID, march); err != nil {
		t.Fatal(err)
	}
	if err := store.SetDeadline(ctx, tm.lead2, tenantID, march); err != nil { // unchanged: no event
		t.Fatal(err)
	}
	if got, err = store.Deadline(ctx, tenantID); err != nil || !got.Equal(march) {
		t.Fatalf("Deadline = %v, %v; want %v", got, err, march)
	}
	if err := store.SetDeadline(ctx, tm.lead2, tenantID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got, err = store.Deadline(ctx, tenantID); err != nil || !got.IsZero() {
		t.Fatalf("Deadline after clearing = %v, %v; want none", got, err)
	}
	evs, _, err := store.Audit(ctx, pg.AuditFilter{TenantID: tenantID, Action: inventory.ActionDeadline})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 {
		t.Fatalf("deadline events = %+v, want 2 (set, cleared)", evs)
	}
	wantEvent(t, evs[1], tm.lead, inventory.ActionDeadline, "", "2027-03-01")
	wantEvent(t, evs[0], tm.lead2, inventory.ActionDeadline, "2027-03-01", "")
}
