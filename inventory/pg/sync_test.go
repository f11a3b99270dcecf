package pg_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// What a sync stores (the snapshot, its verdicts, the accounts gone and
// back, what moved since the last sync) and what it refuses, or leaves as
// it was when it fails.

func TestApplySyncThenLoadSnapshotRoundTrips(t *testing.T) {
	store, ctx := newStore(t)
	snap := fixtureSnapshot()
	runID := applySync(t, store, snap, inventory.KindCSP)

	got, err := store.LoadSnapshot(ctx, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	sortUsers(got)
	sortUsers(snap)
	wantEqual(t, "snapshot", *got, *snap)

	runs, err := store.Runs(ctx, tenantID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].ID != runID || runs[0].Status != pg.RunSucceeded || runs[0].TenantID != tenantID {
		t.Fatalf("runs = %+v, want run %d succeeded for the tenant", runs, runID)
	}
	r := runs[0]
	for key, want := range map[string]int{"users": 6, "policies": 2, "groups": 3, "directory_roles": 2, "rooms": 1,
		"registrations": 2, "sign_in_folds": 2, "assessments": 6, "accounts_new": 6, "accounts_removed": 0} {
		if r.Counts[key] != want {
			t.Errorf("run counts[%s] = %d, want %d (all: %v)", key, r.Counts[key], want, r.Counts)
		}
	}
	wantEqual(t, "run warnings", r.Warnings, []string{"signIns.json value[7].status: errorCode is not a number"})
	if r.Verdict == nil || len(r.Verdict.Gaps) != 1 || !r.Verdict.AsOf.Equal(asOf) {
		t.Fatalf("run verdict = %+v, want the result's verdict", r.Verdict)
	}
	if r.FinishedAt.Before(r.StartedAt) {
		t.Fatalf("run finished %v before it started %v", r.FinishedAt, r.StartedAt)
	}

	tenants, err := store.Tenants(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(tenants) != 1 || tenants[0].Kind != inventory.KindCSP || tenants[0].Accounts != 6 ||
		tenants[0].DisplayName != "Contoso Partner" || tenants[0].LastRunID != runID || tenants[0].LastSyncedAt.IsZero() {
		t.Fatalf("tenants = %+v", tenants)
	}
}

func TestApplySyncKeepsKindUnlessGiven(t *testing.T) {
	store, ctx := newStore(t)
	kinds := []struct {
		given, want inventory.TenantKind
	}{
		{"", inventory.KindMixed}, // a new tenant is mixed
		{inventory.KindProduction, inventory.KindProduction},
		{"", inventory.KindProduction}, // kept
		{inventory.KindCSP, inventory.KindCSP},
	}
	for i, k := range kinds {
		applySync(t, store, fixtureSnapshot(), k.given)
		st, err := store.TenantSettings(ctx, tenantID)
		if err != nil {
			t.Fatal(err)
		}
		if st.Kind != k.want {
			t.Fatalf("sync %d with kind %q: tenant kind %q, want %q", i+1, k.given, st.Kind, k.want)
		}
	}
}

func TestApplySyncMarksGoneAccountsRemovedAndBack(t *testing.T) {
	store, ctx := newStore(t)
	full := fixtureSnapshot()
	first := applySync(t, store, full, "")
	second := applySync(t, store, without(full, "u-bob"), "")

	bob, err := store.Account(ctx, tenantID, "u-bob")
	if err != nil {
		t.Fatalf("a removed account must stay readable: %v", err)
	}
	if bob.RemovedAt.IsZero() || bob.FirstSeenRun != first || bob.LastSeenRun != first {
		t.Fatalf("bob after the sync without him: removed %v, seen %d..%d, want removed, seen %d..%d",
			bob.RemovedAt, bob.FirstSeenRun, bob.LastSeenRun, first, first)
	}
	if bob.Assessment == nil || bob.Assessment.Compliance != inventory.AtRisk {
		t.Fatalf("bob keeps his last verdict, got %+v", bob.Assessment)
	}
	snap, err := store.LoadSnapshot(ctx, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(snap.Users, func(u inventory.User) bool { return u.ID == "u-bob" }) || len(snap.Users) != 5 {
		t.Fatalf("the loaded snapshot has %d users (bob among them?), want the 5 others", len(snap.Users))
	}
	page, err := store.ListAccounts(ctx, pg.AccountFilter{TenantID: tenantID})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 5 {
		t.Fatalf("list without removed: total %d, want 5", page.Total)
	}
	page, err = store.ListAccounts(ctx, pg.AccountFilter{TenantID: tenantID, IncludeRemoved: true, Query: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 1 || !page.Rows[0].Removed() {
		t.Fatalf("list with removed: %+v, want bob, removed", page)
	}
	sum, err := store.Summary(ctx, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	if sum.ByCategory[inventory.GuestAccount] != 0 {
		t.Fatalf("summary counts the removed guest: %v", sum.ByCategory)
	}
	runs, _ := store.Runs(ctx, tenantID, 1)
	if runs[0].ID != second || runs[0].Counts["accounts_removed"] != 1 || runs[0].Counts["accounts_new"] != 0 {
		t.Fatalf("second run counts %v, want 1 removed, 0 new", runs[0].Counts)
	}

	third := applySync(t, store, full, "")
	bob, err = store.Account(ctx, tenantID, "u-bob")
	if err != nil {
		t.Fatal(err)
	}
	if !bob.RemovedAt.IsZero() || bob.FirstSeenRun != first || bob.LastSeenRun != third {
		t.Fatalf("bob back: removed %v, seen %d..%d, want not removed, seen %d..%d",
			bob.RemovedAt, bob.FirstSeenRun, bob.LastSeenRun, first, third)
	}
	runs, _ = store.Runs(ctx, tenantID, 1)
	if runs[0].Counts["accounts_returned"] != 1 || runs[0].Counts["accounts_removed"] != 0 {
		t.Fatalf("third run counts %v, want 1 returned", runs[0].Counts)
	}
}

func TestFailedApplySyncLeavesPreviousStateIntact(t *testing.T) {
	store, ctx := newStore(t)
	snap := fixtureSnapshot()
	applySync(t, store, snap, inventory.KindMixed)
	before := dumpTenant(t, store)

	// A changed tenant whose scanner's new verdict the database refuses:
	// the accounts and directory objects are written before the
	// assessments fail, so the rollback must undo them.
	if _, err := store.Pool().Exec(ctx, `ALTER TABLE assessments
		ADD CONSTRAINT test_refuses_the_scanner CHECK (account_id <> 'u-scanner') NOT VALID`); err != nil {
		t.Fatal(err)
	}
	changed := without(snap, "u-carol")
	changed.Users[0].DisplayName = "Alice Renamed"
	changed.Policies = changed.Policies[:1]
	changed.Tenant.DisplayName = "Renamed tenant"
	out, err := inventory.Sync(ctx, store, inventory.StaticSource{SourceName: pg.SourceGraph, Snapshot: changed},
		inventory.SyncOptions{Kind: inventory.KindCSP, Now: asOf})
	if err == nil {
		t.Fatal("the sync stored a verdict the database refuses")
	}
	if !strings.Contains(err.Error(), "store: apply sync: assessments") {
		t.Fatalf("error %q does not say where it failed", err)
	}
	wantEqual(t, "tenant after a failed sync", dumpTenant(t, store), before)

	runs, err := store.Runs(ctx, tenantID, 10)
	if err != nil {
		t.Fatal(err)
	}
	// The failed run never learned its tenant, so it is listed with it.
	if runs[0].ID != out.RunID || runs[0].Status != pg.RunFailed || !strings.Contains(runs[0].Error, "check constraint") ||
		runs[0].FinishedAt.IsZero() || runs[0].TenantID != "" {
		t.Fatalf("newest run = %+v, want run %d failed with the cause", runs[0], out.RunID)
	}
	// A finished run cannot be applied or failed again.
	_, err = inventory.Sync(ctx, startedRun{store, out.RunID}, inventory.StaticSource{SourceName: pg.SourceGraph, Snapshot: snap}, inventory.SyncOptions{})
	wantCode(t, err, inventory.ECONFLICT)
	wantCode(t, store.FailRun(ctx, out.RunID, errors.New("again")), inventory.ECONFLICT)
	wantCode(t, store.FailRun(ctx, 99999, errors.New("nobody")), inventory.ENOTFOUND)
}

// startedRun is the store of a sync that is handed run id rather than
// starting a run of its own.
type startedRun struct {
	*pg.Store
	id int64
}

func (s startedRun) StartRun(context.Context, string) (int64, error) { return s.id, nil }

// cancelledBeforeApply is the store of a sync whose context is cancelled
// once it has assessed the tenant, right before it writes.
type cancelledBeforeApply struct {
	*pg.Store
	cancel context.CancelFunc
}

func (s cancelledBeforeApply) AssessInputs(ctx context.Context, tenantID string, kind inventory.TenantKind, now time.Time) (inventory.Inputs, inventory.TenantKind, error) {
	defer s.cancel()
	return s.Store.AssessInputs(ctx, tenantID, kind, now)
}

func TestApplySyncWithCancelledContextWritesNothing(t *testing.T) {
	store, ctx := newStore(t)
	applySync(t, store, fixtureSnapshot(), "")
	before := dumpTenant(t, store)
	cancelled, cancel := context.WithCancel(ctx)
	defer cancel()
	out, err := inventory.Sync(cancelled, cancelledBeforeApply{store, cancel},
		inventory.StaticSource{SourceName: pg.SourceDemo, Snapshot: without(fixtureSnapshot(), "u-alice")}, inventory.SyncOptions{Now: asOf})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a sync whose context is cancelled before it writes: %v, want context.Canceled", err)
	}
	wantEqual(t, "tenant after a cancelled sync", dumpTenant(t, store), before)
	// The caller's context is what failed the sync: the failure is still recorded.
	if r := runByID(t, store, out.RunID); r.Status != pg.RunFailed || !strings.Contains(r.Error, "context canceled") {
		t.Fatalf("the cancelled sync's run = %+v, want failed with its cause", r)
	}
}

func TestSyncRefusesBadInput(t *testing.T) {
	store, ctx := newStore(t)
	twice := fixtureSnapshot()
	twice.Users = append(twice.Users, twice.Users[0])
	nobody := fixtureSnapshot()
	nobody.Tenant.ID, nobody.Users = "", nil
	dupGroup := fixtureSnapshot()
	dupGroup.Groups = append(dupGroup.Groups, dupGroup.Groups[0])
	good := fixtureSnapshot()
	unknownRun := startedRun{store, 99999}

	cases := []struct {
		name  string
		store inventory.SyncStore
		snap  *inventory.Snapshot
		kind  inventory.TenantKind
		code  string
		says  string
	}{
		{"no snapshot", store, nil, "", inventory.EINVALID, "yielded no snapshot"},
		{"no tenant, no account to tell it by", store, nobody, "", inventory.EINVALID, "the tenant is unknown"},
		{"user twice", store, twice, "", inventory.EINVALID, "lists user u-alice twice"},
		{"group twice", store, dupGroup, "", inventory.EINVALID, "lists group g-service twice"},
		{"bad kind", store, good, "hybrid", inventory.EINVALID, "unknown tenant kind"},
		{"unknown run", unknownRun, good, "", inventory.ENOTFOUND, "does not exist"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := inventory.Sync(ctx, c.store, inventory.StaticSource{SourceName: pg.SourceFolder, Snapshot: c.snap},
				inventory.SyncOptions{Kind: c.kind, Now: asOf})
			wantCode(t, err, c.code)
			if !strings.Contains(err.Error(), c.says) {
				t.Fatalf("error %q does not say %q", err, c.says)
			}
			if c.store == unknownRun {
				return
			}
			if r := runByID(t, store, out.RunID); r.Status != pg.RunFailed || !strings.Contains(r.Error, c.says) {
				t.Fatalf("the refused sync's run = %+v, want failed saying %q", r, c.says)
			}
		})
	}
	if _, err := store.StartRun(ctx, "ftp"); inventory.ErrorCode(err) != inventory.EINVALID {
		t.Fatalf("StartRun with an unknown source: %v, want EINVALID", err)
	}
	// Nothing of the refused tenants was stored, and a good sync still is.
	if tenants, err := store.Tenants(ctx); err != nil || len(tenants) != 0 {
		t.Fatalf("tenants after the refusals: %+v, %v", tenants, err)
	}
	applySync(t, store, good, "")
}

// The store refuses a result that does not judge exactly the snapshot's
// users, whoever calls it: the sync use case never makes one.
func TestApplySyncRefusesAResultOfAnotherSnapshot(t *testing.T) {
	t.Parallel()
	good := fixtureSnapshot()
	judge := func() inventory.Result {
		return inventory.Assess(good, inventory.Inputs{Settings: inventory.DefaultSettings(inventory.KindMixed), AsOf: asOf})
	}
	short := judge()
	short.Accounts = short.Accounts[1:]
	stranger := judge()
	stranger.Accounts[0].UserID = "u-nobody"
	twice := judge()
	twice.Accounts[1] = twice.Accounts[0]
	noTenant := fixtureSnapshot()
	noTenant.Tenant.ID = ""
	for _, c := range []struct {
		name string
		snap *inventory.Snapshot
		res  inventory.Result
		says string
	}{
		{"no snapshot", nil, inventory.Result{}, "no snapshot"},
		{"no tenant", noTenant, judge(), "does not name its tenant"},
		{"missing verdict", good, short, "no verdict on user u-alice"},
		{"verdict on a stranger", good, stranger, "u-nobody"},
		{"judged twice", good, twice, "judges user u-alice twice"},
		{"the result of the snapshot", good, judge(), ""},
	} {
		err := pg.ValidateSync(c.snap, "", c.res)
		if c.says == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		wantCode(t, err, inventory.EINVALID)
		if !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: error %q does not say %q", c.name, err, c.says)
		}
	}
}

// A sync records what moved since the last one, with its cause, in the
// sync's run; the first sync records nothing.
func TestSyncRecordsChanges(t *testing.T) {
	store, ctx := newStore(t)
	first := pgtest.Sync(t, store, pgtest.ExcludedGroupTenant(), inventory.SyncOptions{Now: time.Now().UTC()})
	if cs, err := store.Changes(ctx, pg.ChangeFilter{RunID: first.RunID}); err != nil || len(cs) != 0 {
		t.Fatalf("the first sync records %d changes (%v), want none", len(cs), err)
	}
	second := pgtest.SyncAnnJoinsContractors(t, store)
	cs, err := store.Changes(ctx, pg.ChangeFilter{TenantID: "changes-tenant"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 {
		t.Fatalf("got %d changes, want Ann's: %+v", len(cs), cs)
	}
	c := cs[0]
	if c.RunID != second.RunID || c.UPN != "ann@changes.example" || c.From != inventory.Compliant ||
		c.To != inventory.NonCompliant || !c.Regression || c.Direction != inventory.Worse ||
		!slices.Equal(c.Causes, []string{"joined group *Contractors*, which *CA001* excludes"}) {
		t.Errorf("change: %+v", c)
	}
	lost, gained, err := store.LastSyncChanges(ctx, "changes-tenant")
	if err != nil || lost != 1 || gained != 0 {
		t.Errorf("last sync: %d lost, %d gained (%v), want 1 and 0", lost, gained, err)
	}
	if cs, _ := store.Changes(ctx, pg.ChangeFilter{Since: time.Now().Add(time.Hour)}); len(cs) != 0 {
		t.Errorf("changes since an hour ahead: %d", len(cs))
	}
}

// A failed sync records no change: ApplySync writes them in its own
// transaction. The run's last write (its success) is made to fail, after
// the changes are written.
func TestFailedSyncRecordsNoChanges(t *testing.T) {
	store, ctx := newStore(t)
	pgtest.Sync(t, store, pgtest.ExcludedGroupTenant(), inventory.SyncOptions{})
	if _, err := store.Pool().Exec(ctx, `
		CREATE FUNCTION refuse_success() RETURNS trigger LANGUAGE plpgsql AS
		$$ BEGIN RAISE EXCEPTION 'the test refuses this run'; END $$;
		CREATE TRIGGER refuse_success BEFORE UPDATE ON sync_runs
		FOR EACH ROW WHEN (NEW.status = 'succeeded') EXECUTE FUNCTION refuse_success()`); err != nil {
		t.Fatal(err)
	}
	snap := pgtest.ExcludedGroupTenant()
	snap.Groups[0].MemberUserIDs = []string{"ann"}
	out, err := inventory.Sync(ctx, store, inventory.StaticSource{SourceName: pg.SourceFolder, Snapshot: snap}, inventory.SyncOptions{})
	if err == nil || !strings.Contains(err.Error(), "the test refuses this run") {
		t.Fatalf("the sync whose success was refused: %v", err)
	}
	if len(out.Result.Changes) != 0 {
		t.Errorf("a failed sync reports %d changes", len(out.Result.Changes))
	}
	if cs, err := store.Changes(ctx, pg.ChangeFilter{}); err != nil || len(cs) != 0 {
		t.Errorf("a failed sync recorded %d changes (%v)", len(cs), err)
	}
}

func TestLockTenantSync(t *testing.T) {
	store, url, ctx := newStoreAt(t)
	unlockA, err := store.LockTenantSync(ctx, "tenant-a")
	if err != nil {
		t.Fatal(err)
	}
	// Another replica: a second store on the same database.
	replica, err := pg.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer replica.Close()
	for _, s := range []*pg.Store{store, replica} {
		_, err := s.LockTenantSync(ctx, "tenant-a")
		wantCode(t, err, inventory.ECONFLICT)
		if !strings.Contains(err.Error(), "a sync of tenant tenant-a is already running") {
			t.Fatalf("conflict says %q", err)
		}
	}
	unlockB, err := replica.LockTenantSync(ctx, "tenant-b")
	if err != nil {
		t.Fatalf("another tenant must lock while tenant-a is locked: %v", err)
	}
	unlockA()
	unlockA() // a second call does nothing
	unlockA2, err := replica.LockTenantSync(ctx, "tenant-a")
	if err != nil {
		t.Fatalf("tenant-a after unlock: %v", err)
	}
	unlockA2()
	unlockB()
	// Every lock connection went back to the pool unlocked.
	var held int
	if err := store.Pool().QueryRow(ctx,
		`SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
		 WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()`).Scan(&held); err != nil {
		t.Fatal(err)
	}
	if held != 0 {
		t.Fatalf("%d advisory locks still held", held)
	}
}

func sortUsers(s *inventory.Snapshot) {
	slices.SortFunc(s.Users, func(a, b inventory.User) int { return strings.Compare(a.ID, b.ID) })
}
