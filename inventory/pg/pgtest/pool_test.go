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
	t.Run("adds a trigger", func(t *testing.T) {
		_, url := NewStore(t)
		if _, err := Conn(t, url).Exec(t.Context(), `
			CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no'; END $$;
			CREATE TRIGGER refuse BEFORE INSERT ON tenants FOR EACH ROW EXECUTE FUNCTION refuse();`); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("after it", func(t *testing.T) {
		store, url := NewStore(t)
		var triggers int
		if err := Conn(t, url).QueryRow(t.Context(), `SELECT count(*) FROM pg_trigger WHERE tgname = 'refuse'`).Scan(&triggers); err != nil {
			t.Fatal(err)
		}
		if triggers != 0 {
			t.Fatalf("the next test got the last test's trigger: its database was reused with the schema it changed")
		}
		Sync(t, store, ExcludedGroupTenant(), inventory.SyncOptions{Now: time.Now().UTC()})
	})
}

// A database an earlier run left (a killed run's, with its rows) is
// emptied before a test gets it, from what its comment says the template
// made it.
func TestAnEarlierRunsDatabaseIsEmptiedBeforeUse(t *testing.T) {
	var left string
	t.Run("killed mid-test", func(t *testing.T) {
		db := claimReady(t)
		store, err := pg.Open(t.Context(), db.conf().URL())
		if err != nil {
			t.Fatal(err)
		}
		Sync(t, store, ExcludedGroupTenant(), inventory.SyncOptions{Now: time.Now().UTC()})
		store.Close()
		// As a later run finds it: claimed, state and template unknown.
		left = db.name
		db.state, db.meta = slotUnknown, poolMeta{}
		pool.release(db)
	})
	t.Run("next run", func(t *testing.T) {
		_, url := NewStore(t)
		if got := databaseOf(t, url); got != left {
			t.Fatalf("got database %s, want the one the killed test left (%s)", got, left)
		}
		var tenants int
		if err := Conn(t, url).QueryRow(t.Context(), `SELECT count(*) FROM tenants`).Scan(&tenants); err != nil {
			t.Fatal(err)
		}
		if tenants != 0 {
			t.Errorf("the database the killed test left still has %d tenants", tenants)
		}
	})
}

// A failed test's database stays for a look, renamed, out of the pool.
func TestFailedTestKeepsItsDatabase(t *testing.T) {
	db := claimReady(t)
	name := db.name
	pool.giveBack(failedTB{t}, db)
	var kept []string
	err := withServer(t.Context(), func(conn *pgx.Conn) error {
		rows, err := conn.Query(t.Context(), `SELECT datname FROM pg_database WHERE datname LIKE $1 || '\_failed\_%'`, name)
		if err != nil {
			return err
		}
		kept, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, k := range kept {
			if err := dropDatabase(context.Background(), k); err != nil {
				t.Error(err)
			}
		}
	})
	if len(kept) != 1 {
		t.Fatalf("the failed test's database %s was kept as %v, want one %s_failed_…", name, kept, name)
	}
	store, err := pg.Open(t.Context(), keptURL(kept[0]))
	if err != nil {
		t.Fatalf("the failed test's database %s cannot be opened: %v", kept[0], err)
	}
	store.Close()
}

func keptURL(name string) string {
	cfg := Config()
	cfg.Database = name
	return cfg.URL()
}

// claimReady is a database of the pool, claimed and ready, outside
// NewURL: the test hands it back itself.
func claimReady(t *testing.T) *pooledDB {
	t.Helper()
	hash, err := Migrator().Hash()
	if err != nil {
		t.Fatal(err)
	}
	db, err := pool.take(t.Context(), hash)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.prepare(t.Context(), Migrator()); err != nil {
		t.Fatal(err)
	}
	return db
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
