package pg_test

import (
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// syncVerdicts syncs snap through the real rules, checks they give the
// named accounts the verdicts the test expects of them, and returns the run.
func syncVerdicts(t *testing.T, store *pg.Store, snap *inventory.Snapshot, want map[string]inventory.Compliance) pg.Run {
	t.Helper()
	out := pgtest.Sync(t, store, snap, inventory.SyncOptions{Now: asOf})
	for _, a := range out.Result.Accounts {
		if c, ok := want[a.UserID]; ok && a.Compliance != c {
			t.Fatalf("the rules found %s %s, the test wants %s: %q", a.UserID, a.Compliance, c, a.Reasons)
		}
	}
	runs, err := store.Runs(t.Context(), tenantID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if runs[0].ID != out.RunID {
		t.Fatalf("newest run %d, want the sync's %d", runs[0].ID, out.RunID)
	}
	return runs[0]
}

// judged is the fixture tenant as a later sync finds it: Bob registered
// for MFA, which the policy enforces on him (compliant); Alice excluded by
// name from that policy (non-compliant); the boardroom console disabled
// (not applicable).
func judged() *inventory.Snapshot {
	snap := fixtureSnapshot()
	snap.Registrations["u-bob"] = inventory.Registration{IsMfaRegistered: true, IsMfaCapable: true,
		MethodsRegistered: []string{"microsoftAuthenticatorPush"}, DefaultMethod: "microsoftAuthenticatorPush"}
	snap.Policies[0].ExcludeUsers = append(snap.Policies[0].ExcludeUsers, "u-alice")
	for i := range snap.Users {
		if snap.Users[i].ID == "u-boardroom" {
			snap.Users[i].AccountEnabled = false
		}
	}
	return snap
}

func TestSyncKeepsTheBoardHonest(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	tm := newTeam(t, store)
	snap := fixtureSnapshot()
	first := syncVerdicts(t, store, without(snap, "u-scanner"), nil)
	if first.Counts["cards_created"] != 5 || first.Counts["cards_moved"] != 0 {
		t.Fatalf("first sync counts %v", first.Counts)
	}
	// The open accounts enter triage; Alice (compliant) and Carol
	// (disabled) enter verified, each by an event of the sync.
	entered := map[string]inventory.Status{"u-alice": inventory.Verified, "u-carol": inventory.Verified,
		"u-bob": inventory.Triage, "u-boardroom": inventory.Triage, "u-sync": inventory.Triage}
	for _, u := range without(snap, "u-scanner").Users {
		c := card(t, store, u.ID)
		if c.Status != entered[u.ID] || c.Version != 1 {
			t.Fatalf("%s after its first sync: %+v, want %s", u.ID, c, entered[u.ID])
		}
		evs := events(t, store, u.ID)
		if len(evs) != 1 {
			t.Fatalf("%s has %d events, want the card's creation", u.ID, len(evs))
		}
		wantEvent(t, evs[0], inventory.SyncActor, inventory.ActionCardCreated, "", string(entered[u.ID]))
		if c.Status == inventory.Verified && evs[0].Reason != "new account found by the sync, compliant" &&
			evs[0].Reason != "new account found by the sync, disabled (not applicable)" {
			t.Errorf("%s entered verified with the reason %q", u.ID, evs[0].Reason)
		}
	}

	// Bob is remediated and Alice verified, then the next sync judges them.
	walk(t, store, tm.lead, "u-bob", inventory.Planned, inventory.InProgress, inventory.Remediated)
	walk(t, store, tm.lead, "u-alice", inventory.Planned, inventory.InProgress, inventory.Remediated, inventory.Verified)
	walk(t, store, tm.lead, "u-boardroom", inventory.Planned, inventory.InProgress, inventory.Remediated)
	second := syncVerdicts(t, store, judged(), map[string]inventory.Compliance{
		"u-bob":       inventory.Compliant,
		"u-alice":     inventory.NonCompliant,
		"u-boardroom": inventory.NotApplicable, // neither: stays remediated
	})
	if second.Counts["cards_created"] != 1 || second.Counts["cards_moved"] != 2 {
		t.Fatalf("second sync counts %v", second.Counts)
	}
	if c := card(t, store, "u-bob"); c.Status != inventory.Verified {
		t.Fatalf("a remediated account found compliant: %s, want verified", c.Status)
	}
	e := lastEvent(t, store, "u-bob")
	wantEvent(t, e, inventory.SyncActor, inventory.ActionMove, "remediated", "verified")
	if e.Reason != "the sync found the account compliant" {
		t.Fatalf("sync event reason %q", e.Reason)
	}
	if c := card(t, store, "u-alice"); c.Status != inventory.Planned {
		t.Fatalf("a verified account found non-compliant: %s, want planned", c.Status)
	}
	wantEvent(t, lastEvent(t, store, "u-alice"), inventory.SyncActor, inventory.ActionMove, "verified", "planned")
	if c := card(t, store, "u-boardroom"); c.Status != inventory.Remediated {
		t.Fatalf("a remediated account found not applicable: %s, want it left remediated", c.Status)
	}
	if c := card(t, store, "u-scanner"); c.Status != inventory.Triage {
		t.Fatalf("an account the second sync found: %+v", c)
	}
	wantEvent(t, lastEvent(t, store, "u-scanner"), inventory.SyncActor, inventory.ActionCardCreated, "", "triage")

	// A third sync with the same verdicts moves nothing.
	third := syncVerdicts(t, store, judged(), map[string]inventory.Compliance{
		"u-bob": inventory.Compliant, "u-alice": inventory.NonCompliant, "u-boardroom": inventory.NotApplicable})
	if third.Counts["cards_created"] != 0 || third.Counts["cards_moved"] != 0 {
		t.Fatalf("third sync counts %v", third.Counts)
	}
}

func TestBoardLeavesOutAccountsGoneFromTheTenant(t *testing.T) {
	store, _, ctx := newBoard(t)
	syncVerdicts(t, store, without(fixtureSnapshot(), "u-carol"), nil)
	b, err := store.Board(ctx, pg.BoardFilter{TenantID: tenantID}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b.Total != 5 {
		t.Fatalf("board total %d, want the 5 accounts still in the tenant", b.Total)
	}
	for _, c := range b.Columns[0].Cards {
		if c.AccountID == "u-carol" {
			t.Fatal("a removed account is on the board")
		}
	}
	// Its card and history are kept, and it comes back with the account.
	if c := card(t, store, "u-carol"); c.Status != inventory.Verified {
		t.Fatalf("removed account's card %+v", c)
	}
	syncVerdicts(t, store, fixtureSnapshot(), nil)
	b, err = store.Board(ctx, pg.BoardFilter{TenantID: tenantID}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b.Total != 6 {
		t.Fatalf("board total %d after the account came back, want 6", b.Total)
	}
}

func TestMigrationPutsExistingAccountsOnTheBoard(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, url := migratedTo(t, 1)
	// A tenant stored before the board existed: one account assessed, one
	// gone from the tenant.
	if _, err := db.ExecContext(ctx, `
		INSERT INTO tenants (id) VALUES ('t1');
		INSERT INTO accounts (tenant_id, id, upn, account_enabled, first_seen_run, last_seen_run, removed_at) VALUES
			('t1', 'a1', 'Admin@T1.example', true, 1, 1, NULL),
			('t1', 'a2', 'gone@t1.example', true, 1, 1, now());
		INSERT INTO assessments (tenant_id, account_id, run_id, category, auto_category, markers, path, auto_path,
		                         compliance, assessed_at)
		VALUES ('t1', 'a1', 1, 'office_worker', 'office_worker', '{privileged}', 'mfa_enrolment', 'mfa_enrolment',
		        'at_risk', now())`); err != nil {
		t.Fatal(err)
	}
	store := migrated(t, url)
	b, err := store.Board(ctx, pg.BoardFilter{TenantID: "t1"}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	triage := column(t, b.Columns, inventory.Triage)
	if b.Total != 1 || len(triage.Cards) != 1 || triage.Cards[0].AccountID != "a1" ||
		triage.Cards[0].Compliance != inventory.AtRisk || triage.Cards[0].Markers[0] != inventory.Privileged {
		t.Fatalf("board after the migration: %+v", b)
	}
	for _, id := range []string{"a1", "a2"} {
		evs, _, err := store.Audit(ctx, pg.AuditFilter{TenantID: "t1", AccountID: id})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 1 || evs[0].Action != inventory.ActionCardCreated || evs[0].To != "triage" || evs[0].ActorID != "sync" {
			t.Fatalf("%s's record after the migration: %+v", id, evs)
		}
	}
}

func TestReassessRefreshesTheBoard(t *testing.T) {
	store, tm, ctx := newBoard(t)
	o := inventory.Override{Path: inventory.TechnicalException, Reason: "the room console cannot do MFA"}
	if err := store.SetOverrideAs(ctx, tm.lead, tenantID, "u-boardroom", o); err != nil {
		t.Fatal(err)
	}
	if _, err := inventory.Reassess(ctx, store, tenantID, inventory.ReassessOptions{Now: asOf}); err != nil {
		t.Fatal(err)
	}
	b, err := store.Board(ctx, pg.BoardFilter{TenantID: tenantID, Path: string(inventory.TechnicalException)}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	triage := column(t, b.Columns, inventory.Triage)
	if b.Total != 1 || len(triage.Cards) != 1 || triage.Cards[0].AccountID != "u-boardroom" ||
		triage.Cards[0].Path != inventory.TechnicalException {
		t.Fatalf("board of technical exceptions after the reassessment: %+v", b)
	}
	if c := card(t, store, "u-boardroom"); c.Version != 1 {
		t.Fatalf("a reassessment is not a change to the card, yet its version is %d", c.Version)
	}
}

// A reassessment follows the verdicts on the board as a sync does, and
// records the day's counts.
func TestReassessMovesTheBoardAndRecordsTheTrend(t *testing.T) {
	store, tm, ctx := newBoard(t)
	walk(t, store, tm.lead, "u-scanner", inventory.Planned, inventory.InProgress, inventory.Remediated)
	reassess := func(window time.Duration, now time.Time) inventory.Result {
		t.Helper()
		changeSettings(t, store, tenantID, func(st *inventory.Settings) { st.Window = window })
		res, err := inventory.Reassess(ctx, store, tenantID, inventory.ReassessOptions{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	// Ten days on, with a one-day window, the scanner's SMTP sign-ins
	// without MFA are out of sight: it is compliant, and its card verified.
	later := asOf.AddDate(0, 0, 10)
	res := reassess(24*time.Hour, later)
	if c := card(t, store, "u-scanner"); c.Status != inventory.Verified {
		t.Fatalf("a remediated account the reassessment found compliant: %s, want verified", c.Status)
	}
	wantEvent(t, lastEvent(t, store, "u-scanner"), inventory.SyncActor, inventory.ActionMove, "remediated", "verified")
	points, err := store.Trend(ctx, tenantID, later)
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 1 || !points[0].Day.Equal(day(later)) || points[0].Counts[inventory.Compliant] != res.Tenant.Counts[inventory.Compliant] ||
		res.Tenant.Counts[inventory.Compliant] != 2 {
		t.Fatalf("trend after the reassessment = %+v, want the day's point with its 2 compliant accounts", points)
	}

	// With the window back, it is at risk again: the card reopens.
	reassess(inventory.DefaultSettings(inventory.KindMixed).Window, later)
	if c := card(t, store, "u-scanner"); c.Status != inventory.Planned {
		t.Fatalf("a verified account the reassessment found at risk: %s, want planned", c.Status)
	}
	wantEvent(t, lastEvent(t, store, "u-scanner"), inventory.SyncActor, inventory.ActionMove, "verified", "planned")
	if c := card(t, store, "u-bob"); c.Status != inventory.Triage || c.Version != 1 {
		t.Fatalf("a card in triage after the reassessments: %+v, want left alone", c)
	}
}
