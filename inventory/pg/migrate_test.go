package pg_test

import (
	"database/sql"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/migrations"
)

// migratedTo returns a fresh database migrated up to version, as a
// database migrated by an older binary would be.
func migratedTo(t *testing.T, version int64) (*sql.DB, string) {
	t.Helper()
	url := pgtest.NewEmptyURL(t)
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provider.UpTo(t.Context(), version); err != nil {
		t.Fatal(err)
	}
	return db, url
}

func readinessIndexes(t *testing.T, db *sql.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM pg_indexes WHERE tablename = 'cards' AND indexname = 'cards_readiness'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The readiness index was once added by editing 00004 after it landed; a
// database migrated before the edit must get it from a later migration,
// and one migrated after the edit must migrate cleanly.
func TestMigrateGivesTheReadinessIndexToEveryDatabase(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	t.Run("migrated with 00004 as it landed", func(t *testing.T) {
		db, url := migratedTo(t, 6)
		if n := readinessIndexes(t, db); n != 0 {
			t.Fatalf("00004 to 00006 create the readiness index (%d): 00004 is not as it landed", n)
		}
		if err := pg.Migrate(ctx, url); err != nil {
			t.Fatal(err)
		}
		if n := readinessIndexes(t, db); n != 1 {
			t.Fatalf("%d readiness indexes after Migrate, want 1", n)
		}
	})
	t.Run("migrated with the edited 00004", func(t *testing.T) {
		db, url := migratedTo(t, 6)
		if _, err := db.ExecContext(ctx, `
			CREATE INDEX cards_readiness ON cards (tenant_id, status, category, path, compliance, markers, assignee_id, due_date)
			WHERE active AND (markers <> '{}' OR assignee_id IS NOT NULL OR due_date IS NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		if err := pg.Migrate(ctx, url); err != nil {
			t.Fatalf("Migrate on a database that has the index: %v", err)
		}
		if n := readinessIndexes(t, db); n != 1 {
			t.Fatalf("%d readiness indexes after Migrate, want 1", n)
		}
	})
}

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := pgtest.NewEmptyURL(t)
	for i := range 2 {
		if err := pg.Migrate(ctx, url); err != nil {
			t.Fatalf("Migrate #%d: %v", i+1, err)
		}
	}
	store, err := pg.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var applied int
	if err := store.Pool().QueryRow(ctx, `SELECT count(*) FROM goose_db_version WHERE version_id > 0`).Scan(&applied); err != nil {
		t.Fatal(err)
	}
	entries, err := migrationFiles()
	if err != nil {
		t.Fatal(err)
	}
	if applied != len(entries) {
		t.Fatalf("goose recorded %d migrations, the folder has %d", applied, len(entries))
	}
	// The search indexes exist where pg_trgm does (it does on the test server).
	var trigram int
	if err := store.Pool().QueryRow(ctx,
		`SELECT count(*) FROM pg_indexes WHERE tablename = 'account_search' AND indexname LIKE '%trgm'`).Scan(&trigram); err != nil {
		t.Fatal(err)
	}
	if trigram != 1 {
		t.Fatalf("found %d trigram indexes on account_search, want 1", trigram)
	}
	// And the store works on the database Migrate made.
	applySync(t, store, fixtureSnapshot(), "")
}

// migrated applies every migration to a database migratedTo left behind,
// and opens the store on it.
func migrated(t *testing.T, url string) *pg.Store {
	t.Helper()
	if err := pg.Migrate(t.Context(), url); err != nil {
		t.Fatal(err)
	}
	store, err := pg.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	return store
}

// TestMigrationBoardSeverity: a board stored before 00010 has its
// compliant and disabled triage cards moved to verified (each with its
// event by the sync), its blocked card given the reason it was blocked
// with, and its ranks made inventory.BoardRank.
func TestMigrationBoardSeverity(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, url := migratedTo(t, 7)
	// As the store wrote them before: every card in triage but one blocked,
	// ranked the old way (privileged first whatever the verdict).
	if _, err := db.ExecContext(ctx, `
		INSERT INTO cards (tenant_id, account_id, status, updated_by, upn, upn_key, compliance, markers, rank) VALUES
			('t1', 'ok', 'triage', 'sync', 'ok@t1', 'ok@t1', 'compliant', '{privileged}', 2),
			('t1', 'off', 'triage', 'sync', 'off@t1', 'off@t1', 'not_applicable', '{disabled}', 5),
			('t1', 'nc', 'triage', 'sync', 'nc@t1', 'nc@t1', 'non_compliant', '{}', 3),
			('t1', 'bl', 'blocked', 'lead', 'bl@t1', 'bl@t1', 'at_risk', '{break_glass}', 1);
		INSERT INTO audit_events (actor_id, tenant_id, account_id, action, from_value, to_value, reason) VALUES
			('lead', 't1', 'bl', 'move', 'in_progress', 'blocked', 'the first reason'),
			('lead', 't1', 'bl', 'move', 'blocked', 'in_progress', ''),
			('lead', 't1', 'bl', 'move', 'in_progress', 'blocked', 'waiting for the FIDO2 keys')`); err != nil {
		t.Fatal(err)
	}
	store := migrated(t, url)
	want := map[string]struct {
		status inventory.Status
		reason string
		rank   int
	}{
		"ok":  {inventory.Verified, "the sync found the account compliant", 4},
		"off": {inventory.Verified, "the sync found the account disabled (not applicable)", 5},
		"nc":  {inventory.Triage, "", 2},
		"bl":  {inventory.Blocked, "waiting for the FIDO2 keys", 1},
	}
	for id, w := range want {
		c, err := store.Card(ctx, "t1", id)
		if err != nil {
			t.Fatal(err)
		}
		var rank int
		if err := db.QueryRowContext(ctx, `SELECT rank FROM cards WHERE account_id = $1`, id).Scan(&rank); err != nil {
			t.Fatal(err)
		}
		if c.Status != w.status || c.StatusReason != w.reason || rank != w.rank {
			t.Errorf("%s after the migration: %s %q rank %d, want %s %q rank %d", id, c.Status, c.StatusReason, rank, w.status, w.reason, w.rank)
		}
		if rank != inventory.BoardRank(c.Markers, c.Compliance) {
			t.Errorf("%s: the migration ranks it %d, inventory.BoardRank %d", id, rank, inventory.BoardRank(c.Markers, c.Compliance))
		}
		if w.status != inventory.Verified {
			continue
		}
		evs, _, err := store.Audit(ctx, pg.AuditFilter{TenantID: "t1", AccountID: id})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 1 || evs[0].Action != inventory.ActionMove || evs[0].From != "triage" || evs[0].To != "verified" ||
			evs[0].ActorID != inventory.SyncActor.ID || evs[0].Reason != w.reason {
			t.Errorf("%s's record after the migration: %+v", id, evs)
		}
	}
}
