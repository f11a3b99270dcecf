// Package pgtest gives a test its own PostgreSQL database, migrated with the
// project's migrations. Each call clones a template database that pgtestdb
// migrates once per version of the migrations, so a fresh database costs a
// CREATE DATABASE, not a migration. In a test binary whose TestMain calls
// Run or Pool, a database a passing test used is emptied and handed to the
// next test instead of dropped (pool.go): no test sees another's rows.
//
// The server is the one of the environment: PGHOST (127.0.0.1), PGPORT
// (5432), PGUSER (postgres) and PGPASSWORD (none).
package pgtest

import (
	"context"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver pgtestdb connects with
	"github.com/peterldowns/pgtestdb"
	"github.com/peterldowns/pgtestdb/migrators/goosemigrator"

	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/migrations"
)

// Config is the server pgtestdb creates databases on.
func Config() pgtestdb.Config {
	return pgtestdb.Config{
		DriverName: "pgx",
		Host:       env("PGHOST", "127.0.0.1"),
		Port:       env("PGPORT", "5432"),
		User:       env("PGUSER", "postgres"),
		Password:   os.Getenv("PGPASSWORD"),
		Database:   "postgres",
		Options:    "sslmode=disable&synchronous_commit=off",
	}
}

// Migrator migrates template databases with the project's migrations.
func Migrator() pgtestdb.Migrator {
	return namedMigrator{goosemigrator.New(".", goosemigrator.WithFS(migrations.FS))}
}

// namedMigrator adds the migrations' file names to the template's hash.
// goosemigrator hashes the files' contents only, but goose's version is the
// number in the name: without the names, a migration renumbered before it
// lands (00011 → 00008) would reuse a template whose goose table records the
// old number, and every later migrate would refuse the "missing" one.
type namedMigrator struct{ pgtestdb.Migrator }

func (m namedMigrator) Hash() (string, error) {
	contents, err := m.Migrator.Hash()
	if err != nil {
		return "", err
	}
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return "", err
	}
	return contents + " " + strings.Join(names, " "), nil
}

// NewURL returns the URL of a migrated database of the test's own, with no
// rows: under Run or Pool a pooled one, emptied for the next test when this
// one passes; otherwise a clone dropped when the test passes. Either way it
// is kept for a look when the test fails.
func NewURL(tb testing.TB) string {
	tb.Helper()
	return newPooledURL(tb, Migrator())
}

// NewEmptyURL returns the URL of a fresh database with no tables at all.
func NewEmptyURL(tb testing.TB) string {
	tb.Helper()
	return newPooledURL(tb, pgtestdb.NoopMigrator{})
}

// NewStore opens a store on a fresh, migrated database and closes it when
// the test ends. It returns the database URL too, for code under test that
// opens its own connections.
func NewStore(tb testing.TB) (*pg.Store, string) {
	tb.Helper()
	url := NewURL(tb)
	store, err := pg.Open(tb.Context(), url)
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(store.Close)
	return store, url
}

// Conn opens a connection of its own to the database at url, closed when
// the test ends: for a test that writes rows straight into the tables, or
// watches the server, apart from the store's pool.
func Conn(tb testing.TB, url string) *pgx.Conn {
	tb.Helper()
	conn, err := pgx.Connect(tb.Context(), url)
	if err != nil {
		tb.Fatalf("connect: %v", err)
	}
	tb.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
