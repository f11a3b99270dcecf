// Package pg is the PostgreSQL store of mfaboard: it writes a synced tenant
// (snapshot and assessment) in one transaction and reads it back for the
// dashboard. SQL is hand-written, one file per entity; a sync writes with
// COPY into staging tables, never one round trip per account.
package pg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver goose runs on
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/migrations"
)

// Store is the PostgreSQL store. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
	runs runLocks // the locks of the runs this store started (runs.go)
}

// defaultMaxConns leaves room for a sync (its run's lock connection, its
// tenant lock connection and its transaction) beside the web handlers;
// pgxpool's own default is 4.
const defaultMaxConns = 10

// Open connects to the database at databaseURL (a postgres:// URL or a
// key=value DSN; pool_max_conns and the other pgxpool settings are honoured)
// and checks that it answers.
func Open(ctx context.Context, databaseURL string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, inventory.Errorf(inventory.EINVALID, "the database URL is not valid: %v", err)
	}
	if !strings.Contains(databaseURL, "pool_max_conns") {
		cfg.MaxConns = defaultMaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: open: %w", err)
	}
	return &Store{pool: pool}, nil
}

// querier is what a statement runs on: the pool, or a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Close closes every connection. Runs still open are left unfinished: their
// locks go with their sessions and FailAbandonedRuns records them as failed.
func (s *Store) Close() {
	s.dropRunLocks()
	s.pool.Close()
}

// Pool returns the connection pool, for packages that keep their own tables
// in the same database (the job queue, sessions).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Migrate applies every pending migration of package migrations. It is
// idempotent, and safe to run from several replicas at once: goose holds a
// session advisory lock while it migrates.
func Migrate(ctx context.Context, databaseURL string) (err error) {
	db, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS,
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// queryRows runs sql with args and makes a T of every row with scan: the
// rows are read and closed before it returns, and no rows is an empty
// slice.
func queryRows[T any](ctx context.Context, q querier, sql string, args []any, scan pgx.RowToFunc[T]) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scan)
}

// byAccount reads rows into a map by account id: scan gives each row's
// account id and value.
func byAccount[T any](ctx context.Context, q querier, sql string, args []any, scan func(row pgx.CollectableRow) (string, T, error)) (map[string]T, error) {
	type entry struct {
		id string
		v  T
	}
	entries, err := queryRows(ctx, q, sql, args, func(row pgx.CollectableRow) (entry, error) {
		id, v, err := scan(row)
		return entry{id, v}, err
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]T, len(entries))
	for _, e := range entries {
		out[e.id] = e.v
	}
	return out, nil
}

// readOnlyTx is a transaction that reads several tables as of one moment.
var readOnlyTx = pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}

// inTx runs fn in a transaction and commits it when fn succeeds.
func (s *Store) inTx(ctx context.Context, what string, fn func(tx pgx.Tx) error) error {
	return s.runTx(ctx, what, pgx.TxOptions{}, fn)
}

// readOnly runs fn in a read-only transaction at repeatable read.
func (s *Store) readOnly(ctx context.Context, what string, fn func(tx pgx.Tx) error) error {
	return s.runTx(ctx, what, readOnlyTx, fn)
}

// runTx runs fn in a transaction with opts and commits it when fn succeeds.
// Domain errors and the errors fn yields (yieldError) come back unwrapped;
// the others say what failed.
func (s *Store) runTx(ctx context.Context, what string, opts pgx.TxOptions, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := fn(tx); err != nil {
		var stopped *yieldError
		if errors.As(err, &stopped) {
			return stopped.err
		}
		var domain *inventory.Error
		if errors.As(err, &domain) {
			return err
		}
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("store: %s: commit: %w", what, err)
	}
	return nil
}

// yieldError carries the error of a caller's function through the store's
// wrapping untouched.
type yieldError struct{ err error }

func (e *yieldError) Error() string { return e.err.Error() }
func (e *yieldError) Unwrap() error { return e.err }

// sqlWhere builds a statement's WHERE clause: its conditions, joined by
// AND, and the arguments they take.
type sqlWhere struct {
	conds []string
	args  []any
}

// arg adds v to the arguments and returns its placeholder.
func (w *sqlWhere) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

// add adds cond, each $? in it standing for arg.
func (w *sqlWhere) add(cond string, arg any) {
	w.conds = append(w.conds, strings.ReplaceAll(cond, "$?", w.arg(arg)))
}

// addIf is add when value is chosen (not "").
func (w *sqlWhere) addIf(cond, value string) {
	if value != "" {
		w.add(cond, value)
	}
}

func (w *sqlWhere) sql() string { return strings.Join(w.conds, " AND ") }

// forEachRow gives fn each row of sql as scan reads it, one at a time.
func forEachRow[T any](ctx context.Context, q querier, sql string, args []any, scan pgx.RowToFunc[T], fn func(T) error) error {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return rows.Err()
}
