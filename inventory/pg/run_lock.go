package pg

import (
	"context"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// A sync killed part-way (SIGKILL, OOM, a reboot) never reaches FailRun, so
// its run would stay "running" for ever. Each run is therefore owned by a
// session-level advisory lock on (runLockSpace, hashint8(id)), held on a
// connection set aside for the run from StartRun until ApplySync commits or
// FailRun records the failure. PostgreSQL drops the lock with the session
// when the process dies, so "running and its lock is free" means exactly
// "nobody is finishing this run", whatever replica or host started it,
// without heartbeats or clocks. FailAbandonedRuns turns such runs into
// failures.
//
// Two run ids whose hashes collide share a lock: the only effect is that a
// dead run stays "running" while the other one lives, never that a live run
// is failed.

// runLockSpace is the first key of the run locks ("mfar" in ASCII), apart
// from the tenant sync locks (syncLockSpace) and from goose's and River's.
const runLockSpace = 0x6d666172

// AbandonedRunError is what a run that nobody finished says it failed with.
const AbandonedRunError = "the sync stopped without finishing (the process was killed or the machine restarted)"

// runLocks are the connections holding the locks of this store's own runs.
type runLocks struct {
	mu    sync.Mutex
	conns map[int64]*pgxpool.Conn
}

// startLockedRun inserts a running run and takes its lock in one
// transaction, so no other session can see the run before its lock is held
// (and fail it as abandoned). The connection is kept until releaseRun.
func (s *Store) startLockedRun(ctx context.Context, source string) (int64, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return 0, err
	}
	var id int64
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO sync_runs (source) VALUES ($1) RETURNING id`, source).Scan(&id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `SELECT pg_advisory_lock($1, hashint8($2))`, runLockSpace, id)
		return err
	})
	if err != nil {
		// The session may hold the lock of a run that was never committed:
		// closing it is the sure way to drop the lock.
		dropSession(conn)
		return 0, err
	}
	s.runs.mu.Lock()
	defer s.runs.mu.Unlock()
	if s.runs.conns == nil {
		s.runs.conns = map[int64]*pgxpool.Conn{}
	}
	s.runs.conns[id] = conn
	return id, nil
}

// releaseRun gives up the lock of a run this store started, once the run's
// outcome is committed. Runs of other stores, or released ones, are a no-op.
func (s *Store) releaseRun(runID int64) {
	s.runs.mu.Lock()
	conn, ok := s.runs.conns[runID]
	delete(s.runs.conns, runID)
	s.runs.mu.Unlock()
	if ok {
		unlockSession(conn, `SELECT pg_advisory_unlock($1, hashint8($2))`, runLockSpace, runID)
	}
}

// dropRunLocks closes the sessions of the runs still open when the store
// closes: the process is leaving them unfinished, so they are abandoned
// (and the pool could not close while they are out).
func (s *Store) dropRunLocks() {
	s.runs.mu.Lock()
	conns := s.runs.conns
	s.runs.conns = nil
	s.runs.mu.Unlock()
	for _, conn := range conns {
		dropSession(conn)
	}
}

// FailAbandonedRuns records as failed, with AbandonedRunError, every running
// run whose lock no session holds: its process died before finishing it.
// A run that is still being worked on, here or in another process, holds
// its lock and is left alone. It returns the ids of the runs it failed.
// StartRun calls it; serve calls it at start so that a sync killed with the
// previous process shows as failed at once.
func (s *Store) FailAbandonedRuns(ctx context.Context) ([]int64, error) {
	// The transaction-level try-lock skips every run whose owner is alive
	// and is dropped when the statement's transaction ends. A run that
	// finishes between the scan and the lock is skipped too: the row is
	// re-checked against status = 'running' after its update.
	rows, err := s.pool.Query(ctx, `
		UPDATE sync_runs SET status = 'failed', finished_at = now(), error = $2
		WHERE status = 'running' AND pg_try_advisory_xact_lock($1, hashint8(id))
		RETURNING id`, runLockSpace, AbandonedRunError)
	if err != nil {
		return nil, fmt.Errorf("store: fail abandoned runs: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("store: fail abandoned runs: %w", err)
	}
	return ids, nil
}
