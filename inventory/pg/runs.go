package pg

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mfaboard/mfaboard/inventory"
)

// Sources a sync run reads from.
const (
	SourceGraph  = "graph"
	SourceFolder = "folder"
	SourceDemo   = "demo"
)

// Statuses of a sync run.
const (
	RunRunning   = "running"
	RunSucceeded = "succeeded"
	RunFailed    = "failed"
)

// Run is one sync attempt.
type Run struct {
	ID         int64
	TenantID   string // "" when the run failed before it knew its tenant
	Source     string
	StartedAt  time.Time
	FinishedAt time.Time // zero while running
	Status     string
	// Counts per collection read ("users", "policies", ...) and per change
	// ("accounts_new", "accounts_removed", "accounts_returned").
	Counts   map[string]int
	Warnings []string
	Error    string
	// Verdict is the tenant verdict of a successful run, nil otherwise.
	Verdict *inventory.TenantVerdict
}

// StartRun records a run as running, in a transaction of its own, so that a
// sync that fails later is still on record. Call FailRun or ApplySync next.
// The run holds its lock until then (below); runs whose process died
// without finishing are failed first, so that a sync killed part-way shows
// as failed by the time the next one starts.
func (s *Store) StartRun(ctx context.Context, source string) (int64, error) {
	switch source {
	case SourceGraph, SourceFolder, SourceDemo:
	default:
		return 0, inventory.Errorf(inventory.EINVALID, "unknown sync source %q: use graph, folder or demo", source)
	}
	if _, err := s.FailAbandonedRuns(ctx); err != nil {
		return 0, fmt.Errorf("store: start run: %w", err)
	}
	id, err := s.startLockedRun(ctx, source)
	if err != nil {
		return 0, fmt.Errorf("store: start run: %w", err)
	}
	return id, nil
}

// SetRunTenant names the tenant of a running run as soon as the sync knows
// it, so that a failure after that point is listed with the tenant.
func (s *Store) SetRunTenant(ctx context.Context, runID int64, tenantID string) error {
	tag, err := s.pool.Exec(ctx,
		`UPDATE sync_runs SET tenant_id = $2 WHERE id = $1 AND status = 'running'`, runID, tenantID)
	if err != nil {
		return fmt.Errorf("store: set run tenant: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return s.notRunning(ctx, runID)
	}
	return nil
}

// failTimeout bounds the write of a failure, which must happen even when
// the sync failed because its own context was cancelled.
const failTimeout = 10 * time.Second

// FailRun marks a running run failed with the text of cause. It ignores the
// cancellation of ctx (a cancelled sync is exactly what must be recorded).
// The run's lock goes with it: the caller is done with the run, and should
// the write fail, the next FailAbandonedRuns records the failure instead.
func (s *Store) FailRun(ctx context.Context, runID int64, cause error) error {
	defer s.releaseRun(runID)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), failTimeout)
	defer cancel()
	text := "unknown error"
	if cause != nil {
		text = cause.Error()
	}
	tag, err := s.pool.Exec(ctx, `
		UPDATE sync_runs SET status = 'failed', finished_at = now(), error = $2
		WHERE id = $1 AND status = 'running'`, runID, text)
	if err != nil {
		return fmt.Errorf("store: fail run: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return s.notRunning(ctx, runID)
	}
	return nil
}

// notRunning explains why a run could not be changed.
func (s *Store) notRunning(ctx context.Context, runID int64) error {
	var status string
	err := s.pool.QueryRow(ctx, `SELECT status FROM sync_runs WHERE id = $1`, runID).Scan(&status)
	if errors.Is(err, pgx.ErrNoRows) {
		return inventory.Errorf(inventory.ENOTFOUND, "sync run %d does not exist", runID)
	}
	if err != nil {
		return fmt.Errorf("store: run %d: %w", runID, err)
	}
	return inventory.Errorf(inventory.ECONFLICT, "sync run %d has already %s", runID, status)
}

// defaultRunLimit is how many runs Runs returns when asked for none.
const defaultRunLimit = 50

// Runs returns the latest runs, newest first, failed ones included. With a
// tenantID it returns that tenant's runs and the runs that failed before
// they knew their tenant (they may have been this tenant's); with "" every
// run.
func (s *Store) Runs(ctx context.Context, tenantID string, limit int) ([]Run, error) {
	if limit <= 0 {
		limit = defaultRunLimit
	}
	runs, err := queryRows(ctx, s.pool, `
		SELECT id, coalesce(tenant_id, ''), source, started_at, finished_at, status,
		       counts, warnings, coalesce(error, ''), verdict
		FROM sync_runs
		WHERE $1 = '' OR tenant_id = $1 OR tenant_id IS NULL
		ORDER BY started_at DESC, id DESC
		LIMIT $2`, []any{tenantID, limit}, scanRun)
	if err != nil {
		return nil, fmt.Errorf("store: runs: %w", err)
	}
	return runs, nil
}

func scanRun(row pgx.CollectableRow) (Run, error) {
	var (
		r        Run
		finished *time.Time
	)
	if err := row.Scan(&r.ID, &r.TenantID, &r.Source, &r.StartedAt, &finished, &r.Status,
		&r.Counts, &r.Warnings, &r.Error, &r.Verdict); err != nil {
		return r, err
	}
	r.StartedAt = r.StartedAt.UTC()
	if finished != nil {
		r.FinishedAt = finished.UTC()
	}
	return r, nil
}

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
	ids, err := queryRows(ctx, s.pool, `
		UPDATE sync_runs SET status = 'failed', finished_at = now(), error = $2
		WHERE status = 'running' AND pg_try_advisory_xact_lock($1, hashint8(id))
		RETURNING id`, []any{runLockSpace, AbandonedRunError}, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("store: fail abandoned runs: %w", err)
	}
	return ids, nil
}

// Enqueue puts a sync job on the job queue in tx, so the job and the record
// of who asked for it commit together. queued is false when a sync was
// already waiting or running (the queue keeps one), jobID the job's id.
type Enqueue func(ctx context.Context, tx pgx.Tx) (jobID int64, queued bool, err error)

// RequestSync starts a sync for actor: who may is inventory.CanStartSync,
// and the request is on the audit trail in the transaction that queues it.
// queued is false when a sync was already waiting or running; the request
// is recorded then too, saying so.
func (s *Store) RequestSync(ctx context.Context, actor inventory.Actor, enqueue Enqueue) (queued bool, err error) {
	err = s.inTx(ctx, "request a sync", func(tx pgx.Tx) error {
		if err := inventory.CanStartSync(actor); err != nil {
			return err
		}
		id, q, err := enqueue(ctx, tx)
		if err != nil {
			return err
		}
		queued = q
		e := AuditEvent{Action: inventory.ActionSyncRequested, To: "queued", Details: map[string]any{"job_id": id}}
		if !q {
			e.To, e.Reason = "already queued", "a sync was already waiting or running"
		}
		return recordAs(ctx, tx, actor, e)
	})
	return queued, err
}

// RunProgress is how a running sync's read of Graph goes, as the status
// page shows it: per collection what has arrived and what is expected, and
// an estimate of the time left. The store keeps the latest one per run.
type RunProgress struct {
	UpdatedAt time.Time       `json:"-"` // when the sync last wrote it
	Elapsed   time.Duration   `json:"elapsed"`
	Remaining time.Duration   `json:"remaining"` // 0: not known yet
	Requests  int             `json:"requests"`
	Throttled int             `json:"throttled"`
	Read      bool            `json:"read"` // every collection read: assessing and storing
	Resources []RunCollection `json:"resources"`
}

// RunCollection is one collection's part of a sync's read.
type RunCollection struct {
	Name       string `json:"name"`
	State      string `json:"state"` // waiting, reading, done, refused
	Items      int    `json:"items"`
	ItemsTotal int    `json:"itemsTotal"` // 0: not known
	Note       string `json:"note,omitempty"`
}

// SaveRunProgress replaces the progress of a run.
func (s *Store) SaveRunProgress(ctx context.Context, runID int64, p RunProgress) error {
	_, err := s.pool.Exec(ctx, `
		INSERT INTO sync_run_progress (run_id, progress) VALUES ($1, $2)
		ON CONFLICT (run_id) DO UPDATE SET progress = excluded.progress, updated_at = now()`, runID, p)
	if err != nil {
		return fmt.Errorf("store: save run progress: %w", err)
	}
	return nil
}

// RunProgressOf is the latest progress of a run; ok is false when the run
// wrote none (a folder or demo sync, or one that has not read anything yet).
func (s *Store) RunProgressOf(ctx context.Context, runID int64) (p RunProgress, ok bool, err error) {
	err = s.pool.QueryRow(ctx, `SELECT progress, updated_at FROM sync_run_progress WHERE run_id = $1`, runID).Scan(&p, &p.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return RunProgress{}, false, nil
	}
	if err != nil {
		return RunProgress{}, false, fmt.Errorf("store: run progress: %w", err)
	}
	p.UpdatedAt = p.UpdatedAt.UTC()
	return p, true, nil
}
