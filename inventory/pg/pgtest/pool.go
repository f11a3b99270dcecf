package pgtest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/peterldowns/pgtestdb"
)

// The database pool: a test binary started by Run (or Pool) still hands
// each test a database of its own for as long as the test runs, but takes
// the database of a test that passed back, empties it and gives it to the
// next test, instead of dropping it and cloning the template again. A clone
// and its drop cost the server about 0.3 CPU seconds (9 MB of pages written
// through the WAL, a fresh catalog cache for the first connections);
// emptying what a test wrote costs about 0.04, and the suite opens some 250
// databases on a machine of two cores.
//
// A database goes back to the pool only as its template made it: every
// session on it ended, every table the test wrote emptied, every sequence
// restarted, the planner's statistics and sizes the template's, and its schema (relations, columns, indexes, constraints,
// functions, triggers, policies, grants, settings) the one it was cloned
// with. A test that changed the schema (a trigger that refuses audit events,
// a migration run on an empty database) leaves a database that is dropped
// instead; a test that failed leaves its database kept for a look, as
// pgtestdb does.
type dbPool struct {
	mu      sync.Mutex
	enabled bool
	free    map[string][]*pooledDB // by template hash
	open    map[*pooledDB]bool     // every database the pool will drop at the end
}

var pool = &dbPool{free: map[string][]*pooledDB{}, open: map[*pooledDB]bool{}}

// pooledDB is one database of the pool.
type pooledDB struct {
	conf   pgtestdb.Config
	hash   string   // its template's
	tables []string // the tables the template left empty (all but goose's)
	schema string   // its schema's fingerprint when it was cloned
	sizes  relSizes // the planner's sizes of its relations when it was cloned
}

// poolRun runs m with the pool on, and drops the pool's databases when the
// tests are done.
func poolRun(m *testing.M) int {
	pool.mu.Lock()
	pool.enabled = true
	pool.mu.Unlock()
	code := m.Run()
	pool.drain()
	return code
}

// newPooledURL returns a database made by migrator for tb, from the pool
// when one is free.
func newPooledURL(tb testing.TB, migrator pgtestdb.Migrator) string {
	tb.Helper()
	pool.mu.Lock()
	enabled := pool.enabled
	pool.mu.Unlock()
	if !enabled {
		return pgtestdb.Custom(tb, Config(), migrator).URL()
	}
	hash, err := migrator.Hash()
	if err != nil {
		tb.Fatalf("hash the migrations: %v", err)
	}
	db := pool.take(hash)
	if db == nil {
		if db, err = pool.clone(tb, migrator, hash); err != nil {
			tb.Fatal(err)
		}
	}
	tb.Cleanup(func() { pool.giveBack(tb, db) })
	return db.conf.URL()
}

func (p *dbPool) take(hash string) *pooledDB {
	p.mu.Lock()
	defer p.mu.Unlock()
	free := p.free[hash]
	if len(free) == 0 {
		return nil
	}
	db := free[len(free)-1]
	p.free[hash] = free[:len(free)-1]
	return db
}

// clone makes a new database of the template (pgtestdb makes the template
// once per version of the migrations, and the clone), and notes what a
// reset must restore.
func (p *dbPool) clone(tb testing.TB, migrator pgtestdb.Migrator, hash string) (*pooledDB, error) {
	owner := &poolOwner{}
	conf := owner.custom(migrator)
	if owner.err != "" || conf == nil {
		return nil, fmt.Errorf("clone a test database: %s", owner.err)
	}
	db := &pooledDB{conf: *conf, hash: hash}
	err := db.admin(tb.Context(), func(ctx context.Context, conn *pgx.Conn) error {
		rows, err := conn.Query(ctx, `SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
			WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND tablename <> 'goose_db_version'
			ORDER BY 1`)
		if err != nil {
			return err
		}
		if db.tables, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return err
		}
		if db.schema, err = fingerprint(ctx, conn); err != nil {
			return err
		}
		return conn.QueryRow(ctx, `SELECT array_agg(c.oid), array_agg(c.reltuples), array_agg(c.relpages), array_agg(c.relallvisible)
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'`).
			Scan(&db.sizes.oids, &db.sizes.tuples, &db.sizes.pages, &db.sizes.allVisible)
	})
	if err != nil {
		_ = dropDatabase(context.Background(), conf.Database)
		return nil, fmt.Errorf("read the new test database %s: %w", conf.Database, err)
	}
	p.mu.Lock()
	p.open[db] = true
	p.mu.Unlock()
	return db, nil
}

// giveBack resets the database of a test that passed and frees it for the
// next; it keeps the database of a test that failed, and drops one it cannot
// reset to the template's state.
func (p *dbPool) giveBack(tb testing.TB, db *pooledDB) {
	if tb.Failed() {
		p.forget(db)
		tb.Logf("pgtest: kept the database %s for a look", db.conf.Database)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	reusable, err := db.reset(ctx)
	if err == nil && reusable {
		p.mu.Lock()
		p.free[db.hash] = append(p.free[db.hash], db)
		p.mu.Unlock()
		return
	}
	p.forget(db)
	if dropErr := dropDatabase(ctx, db.conf.Database); dropErr != nil {
		tb.Errorf("pgtest: drop the test database %s: %v", db.conf.Database, dropErr)
	}
	if err != nil {
		tb.Errorf("pgtest: empty the test database %s: %v", db.conf.Database, err)
	}
}

func (p *dbPool) forget(db *pooledDB) {
	p.mu.Lock()
	delete(p.open, db)
	p.mu.Unlock()
}

// drain drops every database of the pool (the kept ones aside).
func (p *dbPool) drain() {
	p.mu.Lock()
	dbs := make([]*pooledDB, 0, len(p.open))
	for db := range p.open {
		dbs = append(dbs, db)
	}
	p.open, p.free, p.enabled = map[*pooledDB]bool{}, map[string][]*pooledDB{}, false
	p.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, db := range dbs {
		if err := dropDatabase(ctx, db.conf.Database); err != nil {
			fmt.Printf("pgtest: drop the test database %s: %v\n", db.conf.Database, err)
		}
	}
}

// reset ends every other session on the database, checks its schema is the
// template's, and empties what the test wrote. It says false when the schema
// changed: such a database is dropped, not reused.
func (db *pooledDB) reset(ctx context.Context) (bool, error) {
	reusable := false
	err := db.admin(ctx, func(ctx context.Context, conn *pgx.Conn) error {
		// Sessions the test left (a subprocess's, a leaked connection) end
		// first, with their session-level advisory locks and temporary
		// tables; pg_terminate_backend waits up to 5 s for each to go.
		if _, err := conn.Exec(ctx, `SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
			return fmt.Errorf("end its sessions: %w", err)
		}
		schema, err := fingerprint(ctx, conn)
		if err != nil {
			return err
		}
		if schema != db.schema {
			return nil
		}
		// The tables the test wrote, and which of them grew past a few
		// pages: those are truncated, the others emptied with a DELETE,
		// which costs the server no new files.
		probes := make([]string, len(db.tables))
		for i, t := range db.tables {
			probes[i] = fmt.Sprintf(`SELECT %s, pg_relation_size(%[1]s) > 262144 WHERE EXISTS (SELECT FROM %s)`, quoteLiteral(t), t)
		}
		var small, large []string
		rows, err := conn.Query(ctx, strings.Join(probes, " UNION ALL "))
		if err != nil {
			return fmt.Errorf("find the tables written: %w", err)
		}
		var table string
		var big bool
		_, err = pgx.ForEachRow(rows, []any{&table, &big}, func() error {
			if big {
				large = append(large, table)
			} else {
				small = append(small, table)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("find the tables written: %w", err)
		}
		rows, err = conn.Query(ctx, `SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences
			WHERE last_value IS NOT NULL AND sequencename <> 'goose_db_version_id_seq'`)
		if err != nil {
			return fmt.Errorf("find the sequences used: %w", err)
		}
		used, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return fmt.Errorf("find the sequences used: %w", err)
		}
		// The product's append-only triggers (audit_events refuses
		// TRUNCATE) guard the product's data, not a test's leftovers: the
		// replica role lets the superuser's reset through, in its own
		// transaction only.
		return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
				return err
			}
			for _, t := range small {
				if _, err := tx.Exec(ctx, `DELETE FROM `+t); err != nil {
					return fmt.Errorf("empty %s: %w", t, err)
				}
			}
			if len(large) > 0 {
				if _, err := tx.Exec(ctx, `TRUNCATE `+strings.Join(large, ", ")+` CASCADE`); err != nil {
					return fmt.Errorf("truncate: %w", err)
				}
			}
			for _, s := range used {
				if _, err := tx.Exec(ctx, `ALTER SEQUENCE `+s+` RESTART`); err != nil {
					return fmt.Errorf("restart %s: %w", s, err)
				}
			}
			// The planner's statistics go back to the template's too: a
			// plan made for the last test's 6 cards (a nested loop of
			// index scans) takes seconds over the next test's 2,500.
			if _, err := tx.Exec(ctx, `
				UPDATE pg_class c SET reltuples = t.tuples, relpages = t.pages, relallvisible = t.all_visible
				FROM unnest($1::oid[], $2::real[], $3::int[], $4::int[]) AS t(oid, tuples, pages, all_visible)
				WHERE c.oid = t.oid AND (c.reltuples, c.relpages, c.relallvisible) IS DISTINCT FROM (t.tuples, t.pages, t.all_visible)`,
				db.sizes.oids, db.sizes.tuples, db.sizes.pages, db.sizes.allVisible); err != nil {
				return fmt.Errorf("reset the planner's sizes: %w", err)
			}
			if _, err := tx.Exec(ctx, `DELETE FROM pg_statistic WHERE starelid = ANY($1::oid[])`, db.sizes.oids); err != nil {
				return fmt.Errorf("reset the planner's statistics: %w", err)
			}
			reusable = true
			return nil
		})
	})
	return reusable, err
}

// admin runs fn on a superuser connection to the database (the server's
// user of Config, not the test role the database belongs to).
func (db *pooledDB) admin(ctx context.Context, fn func(context.Context, *pgx.Conn) error) error {
	cfg := Config()
	cfg.Database = db.conf.Database
	conn, err := pgx.Connect(ctx, cfg.URL())
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	return fn(ctx, conn)
}

// relSizes are what the planner reads of a database's relations' sizes
// (pg_class), by oid.
type relSizes struct {
	oids       []uint32
	tuples     []float32
	pages      []int32
	allVisible []int32
}

// dropDatabase drops a test database, ending the sessions still on it.
func dropDatabase(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, Config().URL())
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`)
	return err
}

// fingerprint is an md5 of everything a test could change in a database's
// schema: relations and their columns and defaults, indexes, constraints,
// functions, triggers, policies, rules, grants, extensions and the
// database's own settings. It reads the catalogs' columns, never the
// deparsed definitions (pg_get_indexdef and the like cost ten times as
// much): a changed definition is a new object, with an oid of its own.
func fingerprint(ctx context.Context, conn *pgx.Conn) (string, error) {
	var sum string
	err := conn.QueryRow(ctx, `
		WITH ns AS (
			SELECT oid FROM pg_namespace
			WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND nspname NOT LIKE 'pg_temp%' AND nspname NOT LIKE 'pg_toast_temp%'
		), rels AS (SELECT oid FROM pg_class WHERE relnamespace IN (SELECT oid FROM ns))
		SELECT md5(string_agg(p, ',' ORDER BY p)) FROM (
			SELECT format('n%s %s %s', oid, nspname, nspacl) AS p FROM pg_namespace WHERE oid IN (SELECT oid FROM ns)
			UNION ALL SELECT format('r%s %s %s %s %s', oid, relname, relkind, relrowsecurity, relacl) FROM pg_class WHERE oid IN (SELECT oid FROM rels)
			UNION ALL SELECT format('a%s %s %s %s %s %s %s', attrelid, attname, atttypid, atttypmod, attnotnull, attidentity, attgenerated) FROM pg_attribute WHERE attrelid IN (SELECT oid FROM rels) AND attnum > 0 AND NOT attisdropped
			UNION ALL SELECT format('d%s %s %s', adrelid, adnum, md5(adbin::text)) FROM pg_attrdef WHERE adrelid IN (SELECT oid FROM rels)
			UNION ALL SELECT format('i%s %s %s %s', indexrelid, indrelid, indkey, indisunique) FROM pg_index WHERE indrelid IN (SELECT oid FROM rels)
			UNION ALL SELECT format('c%s %s %s %s %s', oid, conname, contype, conrelid, conkey) FROM pg_constraint WHERE connamespace IN (SELECT oid FROM ns)
			UNION ALL SELECT format('f%s %s %s %s', oid, proname, md5(prosrc), proacl) FROM pg_proc WHERE pronamespace IN (SELECT oid FROM ns)
			UNION ALL SELECT format('t%s %s %s %s %s', oid, tgrelid, tgname, tgfoid, tgenabled) FROM pg_trigger WHERE NOT tgisinternal
			UNION ALL SELECT format('p%s %s', oid, polname) FROM pg_policy
			UNION ALL SELECT format('w%s %s', oid, rulename) FROM pg_rewrite WHERE ev_class IN (SELECT oid FROM rels)
			UNION ALL SELECT format('e%s %s', extname, extversion) FROM pg_extension
			UNION ALL SELECT format('s%s', setconfig) FROM pg_db_role_setting WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
		) parts`).Scan(&sum)
	if err != nil {
		return "", fmt.Errorf("fingerprint the schema: %w", err)
	}
	return sum, nil
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// poolOwner is the testing.TB pgtestdb sees while it clones a pool's
// database: the database outlives the test that asked for it, so its
// cleanups (pgtestdb's drop) are not run; the pool drops it.
type poolOwner struct{ err string }

// custom is pgtestdb.Custom with o as the test. pgtestdb goes on after a
// Fatalf that returns, as o's does, and dereferences what it did not get:
// that panic is the error o recorded.
func (o *poolOwner) custom(migrator pgtestdb.Migrator) (conf *pgtestdb.Config) {
	defer func() {
		if r := recover(); r != nil {
			conf = nil
			if o.err == "" {
				o.err = fmt.Sprint(r)
			}
		}
	}()
	return pgtestdb.Custom(o, Config(), migrator)
}

func (*poolOwner) Cleanup(func())      {}
func (*poolOwner) Failed() bool        { return false }
func (*poolOwner) Helper()             {}
func (*poolOwner) Logf(string, ...any) {}
func (o *poolOwner) Fatalf(format string, args ...any) {
	if o.err == "" {
		o.err = fmt.Sprintf(format, args...)
	}
}
