package pg_test

import (
	"database/sql"
	"testing"

	"github.com/pressly/goose/v3"

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
