package pg_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/migrations"
)

// syncVerdicts runs a sync of snap in which the named accounts get another
// verdict than the fixture's.
func syncVerdicts(t *testing.T, store *pg.Store, snap *inventory.Snapshot, compliance map[string]inventory.Compliance) pg.Run {
	t.Helper()
	ctx := context.Background()
	runID, err := store.StartRun(ctx, pg.SourceFolder)
	if err != nil {
		t.Fatal(err)
	}
	res := fixtureResult(snap)
	for i, a := range res.Accounts {
		if c, ok := compliance[a.UserID]; ok {
			res.Accounts[i].Compliance = c
		}
	}
	if err := store.ApplySync(ctx, runID, snap, "", res); err != nil {
		t.Fatalf("ApplySync: %v", err)
	}
	runs, err := store.Runs(ctx, tenantID, 1)
	if err != nil {
		t.Fatal(err)
	}
	return runs[0]
}

func TestSyncKeepsTheBoardHonest(t *testing.T) {
	store, _ := pgtest.NewStore(t)
	tm := newTeam(t, store)
	snap := fixtureSnapshot()
	first := syncVerdicts(t, store, without(snap, "u-scanner"), nil)
	if first.Counts["cards_created"] != 5 || first.Counts["cards_moved"] != 0 {
		t.Fatalf("first sync counts %v", first.Counts)
	}
	for _, u := range without(snap, "u-scanner").Users {
		c := card(t, store, u.ID)
		if c.Status != inventory.Triage || c.Version != 1 {
			t.Fatalf("%s after its first sync: %+v", u.ID, c)
		}
		evs := events(t, store, u.ID)
		if len(evs) != 1 {
			t.Fatalf("%s has %d events, want the card's creation", u.ID, len(evs))
		}
		wantEvent(t, evs[0], inventory.SyncActor, inventory.ActionCardCreated, "", "triage")
	}

	// Bob is remediated and Alice verified, then the next sync judges them.
	walk(t, store, tm.lead, "u-bob", inventory.Planned, inventory.InProgress, inventory.Remediated)
	walk(t, store, tm.lead, "u-alice", inventory.Planned, inventory.InProgress, inventory.Remediated, inventory.Verified)
	walk(t, store, tm.lead, "u-boardroom", inventory.Planned, inventory.InProgress, inventory.Remediated)
	second := syncVerdicts(t, store, snap, map[string]inventory.Compliance{
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
	third := syncVerdicts(t, store, snap, map[string]inventory.Compliance{
		"u-bob": inventory.Compliant, "u-alice": inventory.NonCompliant, "u-boardroom": inventory.NotApplicable})
	if third.Counts["cards_created"] != 0 || third.Counts["cards_moved"] != 0 {
		t.Fatalf("third sync counts %v", third.Counts)
	}
}

func TestBoardLeavesOutAccountsGoneFromTheTenant(t *testing.T) {
	store, _ := newBoard(t)
	ctx := context.Background()
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
	if c := card(t, store, "u-carol"); c.Status != inventory.Triage {
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
	ctx := context.Background()
	url := pgtest.NewEmptyURL(t)
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provider.UpTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
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
	if err := pg.Migrate(ctx, url); err != nil {
		t.Fatal(err)
	}
	store, err := pg.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
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
	store, tm := newBoard(t)
	ctx := context.Background()
	o := inventory.Override{Path: inventory.TechnicalException, Reason: "the room console cannot do MFA"}
	if err := store.SetOverrideAs(ctx, tm.lead, tenantID, "u-boardroom", o); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Reassess(ctx, tenantID, asOf); err != nil {
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
