package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/peterldowns/pgtestdb"
)

// The database pool: a test binary started by Run or Pool still hands
// each test a database of its own for as long as the test runs, but the
// databases outlive the tests. The database of a test that passed is
// emptied and handed to the next test, and at the end of the run the pool's
// databases stay on the server for the next run (named
// mfaboard_test_<migrations>_<n>, 17 of them and 207 MB here), as pgtestdb keeps its
// templates. A clone of the template and its drop cost the server about 0.3
// CPU seconds on an idle server and far more on a busy one: each drop forces
// a checkpoint, after which every page a test writes is logged whole again.
// Emptying what a test wrote costs about 0.04, and the suite opens some 250
// databases on a machine of two cores.
//
// A process claims a database with a session-level advisory lock held on a
// connection of its own, so test binaries running at once never share one,
// and a killed process's claims go with its connection.
//
// A database goes back to the pool only as its template made it: every
// session on it ended, every table the test wrote emptied, every sequence
// restarted, the planner's statistics and sizes the template's, and its
// schema (relations, columns, indexes, constraints, functions, triggers,
// policies, grants, settings) the one it was cloned with. A test that
// changed the schema (a trigger that refuses audit events, a migration run
// on an empty database) leaves a database that is dropped and cloned again;
// a test that failed leaves its database renamed ..._failed_<random> and
// kept for a look, as pgtestdb keeps it. A database a killed run left
// behind is emptied the same way before a test gets it.
type dbPool struct {
	mu      sync.Mutex
	enabled bool
	free    map[string][]*pooledDB // by template hash
	next    map[string]int         // the next slot number to claim, by template hash
	claims  *pgx.Conn              // the session holding this process's claims
}

var pool = &dbPool{free: map[string][]*pooledDB{}, next: map[string]int{}}

// poolLockSpace is the first key of the advisory locks that claim a pooled
// database (the second is hashtext of its name).
const poolLockSpace = 0x6d666274 // "mfbt"

// slot states
const (
	slotUnknown = iota // claimed from an earlier run: to be checked and emptied
	slotReady          // emptied by this process
	slotMissing        // dropped or renamed: to be cloned again
)

// pooledDB is one database of the pool.
type pooledDB struct {
	name  string
	hash  string // its template's
	state int
	meta  poolMeta // what its template made it, kept as the database's comment
}

// poolMeta is what a reset restores a database to: its schema's fingerprint,
// its tables and the planner's sizes of its relations when it was cloned.
type poolMeta struct {
	Version int      `json:"version"` // poolMetaVersion; a database of another is cloned again
	Schema  string   `json:"schema"`
	Tables  []string `json:"tables"` // every table but goose's, all empty
	Sizes   relSizes `json:"sizes"`
}

// poolMetaVersion is the version of poolMeta that comments written now have.
const poolMetaVersion = 2

// Pool runs m's tests with the database pool on, at go test's own
// parallelism (Run raises it): for a package whose tests wait on something
// else (a browser) more than on their databases. The claims end with the
// run; the databases stay.
func Pool(m *testing.M) int {
	pool.mu.Lock()
	pool.enabled = true
	pool.mu.Unlock()
	code := m.Run()
	pool.mu.Lock()
	if pool.claims != nil {
		_ = pool.claims.Close(context.Background())
		pool.claims = nil
	}
	pool.enabled = false
	pool.mu.Unlock()
	return code
}

// newPooledURL returns a database made by migrator for tb, from the pool
// when tb runs under Run or Pool.
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
	db, err := pool.take(tb.Context(), hash)
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.prepare(tb.Context(), migrator); err != nil {
		pool.release(db)
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(func() { pool.giveBack(tb, db) })
	return db.conf().URL()
}

// take hands out a free database of this process, or claims the next slot
// no other process holds.
func (p *dbPool) take(ctx context.Context, hash string) (*pooledDB, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if free := p.free[hash]; len(free) > 0 {
		db := free[len(free)-1]
		p.free[hash] = free[:len(free)-1]
		return db, nil
	}
	if p.claims == nil {
		conn, err := pgx.Connect(ctx, Config().URL())
		if err != nil {
			return nil, fmt.Errorf("pgtest: connect to claim a test database: %w", err)
		}
		p.claims = conn
	}
	for n := p.next[hash]; ; n++ {
		name := poolName(hash, n)
		var got bool
		if err := p.claims.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, hashtext($2))`, poolLockSpace, name).Scan(&got); err != nil {
			return nil, fmt.Errorf("pgtest: claim the test database %s: %w", name, err)
		}
		if got {
			p.next[hash] = n + 1
			return &pooledDB{name: name, hash: hash, state: slotUnknown}, nil
		}
	}
}

func (p *dbPool) release(db *pooledDB) {
	p.mu.Lock()
	p.free[db.hash] = append(p.free[db.hash], db)
	p.mu.Unlock()
}

// poolName is the name of slot n of the pool of a template: short enough
// for PostgreSQL's 63 bytes with a _failed_ suffix.
func poolName(hash string, n int) string {
	sum := sha256.Sum256([]byte(hash))
	return fmt.Sprintf("mfaboard_test_%x_%d", sum[:8], n)
}

// conf is how a test connects: as pgtestdb's test role, which owns the
// database.
func (db *pooledDB) conf() pgtestdb.Config {
	cfg, role := Config(), pgtestdb.DefaultRole()
	cfg.User, cfg.Password, cfg.Database = role.Username, role.Password, db.name
	return cfg
}

// prepare makes a claimed database ready for a test: cloned when it is
// missing, checked and emptied when an earlier run left it.
func (db *pooledDB) prepare(ctx context.Context, migrator pgtestdb.Migrator) error {
	if db.state == slotReady {
		return nil
	}
	if db.state == slotUnknown {
		var comment *string
		err := withServer(ctx, func(conn *pgx.Conn) error {
			return conn.QueryRow(ctx, `SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1`, db.name).Scan(&comment)
		})
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			db.state = slotMissing
		case err != nil:
			return fmt.Errorf("look up the test database %s: %w", db.name, err)
		case comment == nil || json.Unmarshal([]byte(*comment), &db.meta) != nil || db.meta.Version != poolMetaVersion:
			if err := dropDatabase(ctx, db.name); err != nil {
				return err
			}
			db.state = slotMissing
		default:
			if err := db.recycle(ctx); err != nil {
				return err
			}
		}
	}
	if db.state == slotReady {
		return nil
	}
	return db.clone(ctx, migrator)
}

// clone makes the slot's database from the template (pgtestdb makes the
// template once per version of the migrations, and a clone, which is
// renamed to the slot's name), and keeps what a reset must restore as the
// database's comment.
func (db *pooledDB) clone(ctx context.Context, migrator pgtestdb.Migrator) error {
	owner := &poolOwner{}
	inst := owner.custom(migrator)
	if owner.err != "" || inst == nil {
		return fmt.Errorf("clone a test database: %s", owner.err)
	}
	err := withServer(ctx, func(conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, `ALTER DATABASE `+pgx.Identifier{inst.Database}.Sanitize()+` RENAME TO `+pgx.Identifier{db.name}.Sanitize())
		return err
	})
	if err != nil {
		_ = dropDatabase(context.Background(), inst.Database)
		return fmt.Errorf("name the test database %s: %w", db.name, err)
	}
	err = db.admin(ctx, func(ctx context.Context, conn *pgx.Conn) error {
		db.meta = poolMeta{Version: poolMetaVersion}
		var err error
		if db.meta.Schema, err = fingerprint(ctx, conn); err != nil {
			return err
		}
		rows, err := conn.Query(ctx, `SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
			WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND tablename <> 'goose_db_version'`)
		if err != nil {
			return err
		}
		if db.meta.Tables, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return err
		}
		err = conn.QueryRow(ctx, `SELECT array_agg(c.oid), array_agg(c.reltuples), array_agg(c.relpages), array_agg(c.relallvisible)
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'`).
			Scan(&db.meta.Sizes.Oids, &db.meta.Sizes.Tuples, &db.meta.Sizes.Pages, &db.meta.Sizes.AllVisible)
		if err != nil {
			return err
		}
		meta, err := json.Marshal(db.meta)
		if err != nil {
			return err
		}
		_, err = conn.Exec(ctx, `COMMENT ON DATABASE `+pgx.Identifier{db.name}.Sanitize()+` IS `+quoteLiteral(string(meta)))
		return err
	})
	if err != nil {
		_ = dropDatabase(context.Background(), db.name)
		return fmt.Errorf("read the new test database %s: %w", db.name, err)
	}
	db.state = slotReady
	return nil
}

// giveBack empties the database of a test that passed for the next test;
// it keeps the database of a test that failed, renamed, and drops one whose
// schema the test changed.
func (p *dbPool) giveBack(tb testing.TB, db *pooledDB) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	defer p.release(db)
	if tb.Failed() {
		kept := db.name + "_failed_" + strings.ToLower(rand.Text()[:8])
		err := withServer(ctx, func(conn *pgx.Conn) error {
			if _, err := conn.Exec(ctx, `SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = $1`, db.name); err != nil {
				return err
			}
			_, err := conn.Exec(ctx, `ALTER DATABASE `+pgx.Identifier{db.name}.Sanitize()+` RENAME TO `+pgx.Identifier{kept}.Sanitize())
			return err
		})
		if err != nil {
			tb.Logf("pgtest: keep the failed test's database %s: %v", db.name, err)
			_ = dropDatabase(ctx, db.name)
		} else {
			tb.Logf("pgtest: kept the failed test's database as %s for a look", kept)
		}
		db.state = slotMissing
		return
	}
	if err := db.recycle(ctx); err != nil {
		tb.Errorf("pgtest: %v", err)
	}
}

// recycle empties the database for the next test (ready), or drops it when
// it cannot be brought back to its template's state (missing: cloned again
// when a test next needs the slot).
func (db *pooledDB) recycle(ctx context.Context) error {
	reusable, err := db.reset(ctx)
	if err == nil && reusable {
		db.state = slotReady
		return nil
	}
	db.state = slotMissing
	if dropErr := dropDatabase(ctx, db.name); dropErr != nil {
		return fmt.Errorf("drop the test database %s: %w", db.name, dropErr)
	}
	if err != nil {
		return fmt.Errorf("empty the test database %s (dropped): %w", db.name, err)
	}
	return nil
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
		if schema != db.meta.Schema {
			return nil
		}
		// The tables the test wrote (the schema is the template's, so its
		// tables are those the clone had), and which of them grew past a
		// few pages: those are truncated, the others emptied with a
		// DELETE, which costs the server no new files.
		tables := db.meta.Tables
		if len(tables) == 0 {
			reusable = true // an empty database (NewEmptyURL): nothing to empty
			return nil
		}
		probes := make([]string, len(tables))
		for i, t := range tables {
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
				db.meta.Sizes.Oids, db.meta.Sizes.Tuples, db.meta.Sizes.Pages, db.meta.Sizes.AllVisible); err != nil {
				return fmt.Errorf("reset the planner's sizes: %w", err)
			}
			if _, err := tx.Exec(ctx, `DELETE FROM pg_statistic WHERE starelid = ANY($1::oid[])`, db.meta.Sizes.Oids); err != nil {
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
	cfg.Database = db.name
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
	Oids       []uint32  `json:"oids"`
	Tuples     []float32 `json:"tuples"`
	Pages      []int32   `json:"pages"`
	AllVisible []int32   `json:"all_visible"`
}

// withServer runs fn on a superuser connection to the server's maintenance
// database.
func withServer(ctx context.Context, fn func(*pgx.Conn) error) error {
	conn, err := pgx.Connect(ctx, Config().URL())
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	return fn(conn)
}

// dropDatabase drops a test database, ending the sessions still on it.
func dropDatabase(ctx context.Context, name string) error {
	return withServer(ctx, func(conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`)
		return err
	})
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
