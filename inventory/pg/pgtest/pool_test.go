package pgtest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

func TestMain(m *testing.M) { os.Exit(Run(m)) }

// databaseOf is the name of the database at url.
func databaseOf(t *testing.T, url string) string {
	t.Helper()
	var name string
	if err := Conn(t, url).QueryRow(t.Context(), `SELECT current_database()`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

// The next test gets the database a passing test used, with none of its
// rows, its sequences back at their start and its sessions ended.
func TestPooledDatabaseComesBackAsTheTemplateMadeIt(t *testing.T) {
	var first string
	t.Run("writes", func(t *testing.T) {
		store, url := NewStore(t)
		first = databaseOf(t, url)
		Sync(t, store, ExcludedGroupTenant(), inventory.SyncOptions{Now: time.Now().UTC()})
		// A session left open with a session-level advisory lock, as a
		// leaked connection or a killed subprocess would leave it.
		leak, err := pgx.Connect(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := leak.Exec(t.Context(), `SELECT pg_advisory_lock(42)`); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("reads", func(t *testing.T) {
		store, url := NewStore(t)
		if got := databaseOf(t, url); got != first {
			t.Fatalf("the second test got database %s, want the first test's %s back from the pool", got, first)
		}
		conn := Conn(t, url)
		for _, table := range pooledTables(t, conn) {
			var n int
			if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%s has %d rows the last test wrote", table, n)
			}
		}
		var locks int
		if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
			WHERE l.locktype = 'advisory' AND d.datname = current_database()`).Scan(&locks); err != nil {
			t.Fatal(err)
		}
		if locks != 0 {
			t.Errorf("%d advisory locks of the last test's sessions are still held", locks)
		}
		// The planner knows nothing of the last test's rows: a sync ANALYZEs
		// accounts, and a plan for its few rows must not outlive them.
		var stats int
		var tuples float32
		if err := conn.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM pg_stats WHERE schemaname = 'public'), (SELECT reltuples FROM pg_class WHERE oid = 'accounts'::regclass)`).Scan(&stats, &tuples); err != nil {
			t.Fatal(err)
		}
		if stats != 0 || tuples != -1 {
			t.Errorf("the planner has %d statistics rows and %v accounts from the last test, want none and -1 (never analysed)", stats, tuples)
		}
		// The sequences start again: the first run of this test is run 1.
		out := Sync(t, store, ExcludedGroupTenant(), inventory.SyncOptions{Now: time.Now().UTC()})
		if out.RunID != 1 {
			t.Errorf("the first sync of the reused database is run %d, want 1", out.RunID)
		}
	})
}

// A test that changed the schema leaves a database no later test gets.
func TestChangedSchemaIsNotReused(t *testing.T) {
	var changed string
	t.Run("adds a trigger", func(t *testing.T) {
		_, url := NewStore(t)
		changed = databaseOf(t, url)
		if _, err := Conn(t, url).Exec(t.Context(), `
			CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no'; END $$;
			CREATE TRIGGER refuse BEFORE INSERT ON tenants FOR EACH ROW EXECUTE FUNCTION refuse();`); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("after it", func(t *testing.T) {
		store, url := NewStore(t)
		if got := databaseOf(t, url); got == changed {
			t.Fatalf("the database whose schema the last test changed (%s) was handed out again", got)
		}
		var exists bool
		if err := Conn(t, url).QueryRow(t.Context(), `SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)`, changed).Scan(&exists); err != nil {
			t.Fatal(err)
		}
		if exists {
			t.Errorf("database %s, whose schema a test changed, was not dropped", changed)
		}
		Sync(t, store, ExcludedGroupTenant(), inventory.SyncOptions{Now: time.Now().UTC()})
	})
}

// A failed test's database stays for a look, out of the pool.
func TestFailedTestKeepsItsDatabase(t *testing.T) {
	hash, err := Migrator().Hash()
	if err != nil {
		t.Fatal(err)
	}
	db, err := pool.clone(t, Migrator(), hash)
	if err != nil {
		t.Fatal(err)
	}
	pool.giveBack(failedTB{t}, db)
	t.Cleanup(func() {
		if err := dropDatabase(context.Background(), db.conf.Database); err != nil {
			t.Error(err)
		}
	})
	if free := pool.take(hash); free == db {
		t.Fatalf("the failed test's database %s went back to the pool", db.conf.Database)
	} else if free != nil {
		pool.giveBack(t, free)
	}
	store, err := pg.Open(t.Context(), db.conf.URL())
	if err != nil {
		t.Fatalf("the failed test's database %s is gone: %v", db.conf.Database, err)
	}
	store.Close()
}

type failedTB struct{ *testing.T }

func (failedTB) Failed() bool        { return true }
func (failedTB) Logf(string, ...any) {}

func pooledTables(t *testing.T, conn *pgx.Conn) []string {
	t.Helper()
	rows, err := conn.Query(t.Context(), `SELECT format('%I', tablename) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version'`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(tables) < 10 {
		t.Fatalf("the migrated database has %d tables (%v)", len(tables), err)
	}
	return tables
}
