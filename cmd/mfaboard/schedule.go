package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/mfaboard/mfaboard/graph"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/web/deliver"
)

// job is the scaffold of serve's periodic River jobs: A names the job
// (Kind) and says how it is queued (InsertOpts); work is what one run does,
// bounded by timeout.
type job[A river.JobArgs] struct {
	river.WorkerDefaults[A]
	timeout time.Duration
	work    func(ctx context.Context) error
}

func (j *job[A]) Work(ctx context.Context, _ *river.Job[A]) error { return j.work(ctx) }

func (j *job[A]) Timeout(*river.Job[A]) time.Duration { return j.timeout }

// periodically adds j to workers and returns the periodic job that
// enqueues it once at start and then every interval.
func periodically[A river.JobArgs](workers *river.Workers, j *job[A], every time.Duration) *river.PeriodicJob {
	river.AddWorker(workers, j)
	return river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) { var args A; return args, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}

// queuedOnce is how every job is queued: never two of a kind pending (a
// slow one never piles up runs), tried up to attempts times.
//
// The unique states leave out completed (River's default keeps it), else a
// finished job would refuse the next one until River cleans it out a day
// later, the schedule's and a person's alike.
func queuedOnce(attempts int) river.InsertOpts {
	return river.InsertOpts{MaxAttempts: attempts, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
}

// serve's jobs. River names a worker by its args' Kind, so each job has an
// args type of its own; InsertOpts says how it is queued. Jobs live in
// PostgreSQL, so with several replicas each run happens once, on one of
// them.
type (
	graphSyncArgs     struct{} // the Graph sync, scheduled or started by a lead
	trendSnapshotArgs struct{} // the daily trend snapshot
	deliveryCheckArgs struct{} // the scheduled delivery's look for reports due
)

func (graphSyncArgs) Kind() string     { return "graph_sync" }
func (trendSnapshotArgs) Kind() string { return "trend_snapshot" }
func (deliveryCheckArgs) Kind() string { return "delivery_check" }

// A sync and a snapshot are tried again (the day's trend row is replaced,
// so a retry is harmless); a delivery is tried once: a failed one is
// recorded on the tenant's settings and the next check tries again.
func (graphSyncArgs) InsertOpts() river.InsertOpts     { return queuedOnce(3) }
func (trendSnapshotArgs) InsertOpts() river.InsertOpts { return queuedOnce(3) }
func (deliveryCheckArgs) InsertOpts() river.InsertOpts { return queuedOnce(1) }

const (
	// trendSnapshotEvery is how often serve stores every tenant's counts for
	// the readiness trend: a sync stores them too, so this is the floor that
	// keeps a point a day when syncs are rarer or off (issue 5: "at every
	// sync and at least daily").
	trendSnapshotEvery = 24 * time.Hour
	// deliveryCheckEvery is how often the job looks for a report that is
	// due: a weekly report goes out within this long after its hour. Which
	// tenant is due when is in delivery_settings; the job only looks, so
	// changing a schedule needs no restart.
	deliveryCheckEvery = 10 * time.Minute
)

// graphSyncJob syncs the tenant from Graph; a 100,000-account tenant takes
// minutes, not hours (bounded by 2 hours).
func graphSyncJob(store *pg.Store, client *graph.Client, env *cliEnv) *job[graphSyncArgs] {
	return &job[graphSyncArgs]{timeout: 2 * time.Hour, work: func(ctx context.Context) error {
		now := time.Now().UTC()
		progress := newProgressRecorder(store, env) // for the sync page: sync_queue.go
		out, err := inventory.Sync(ctx, progress.store(), graphSource(env, client, now, progress.report), inventory.SyncOptions{Now: now})
		progress.flush()
		if err != nil {
			env.log.Error("scheduled sync failed; the stored tenant is unchanged", "run", out.RunID, "err", err)
			return err
		}
		env.log.Info("scheduled sync finished", "run", out.RunID, "accounts", len(out.Snapshot.Users), "elapsed", out.Elapsed.Round(time.Millisecond))
		alertRegressions(ctx, env, store, out) // change_alert.go
		return nil
	}}
}

// trendSnapshotJob stores today's counts of every synced tenant, in one
// statement over the stored verdicts (bounded by 5 minutes).
func trendSnapshotJob(store *pg.Store, env *cliEnv) *job[trendSnapshotArgs] {
	return &job[trendSnapshotArgs]{timeout: 5 * time.Minute, work: func(ctx context.Context) error {
		n, err := store.SnapshotTrends(ctx, time.Now().UTC())
		if err != nil {
			env.log.Error("trend snapshot failed", "err", err)
			return err
		}
		env.log.Info("trend snapshot stored", "tenants", n)
		return nil
	}}
}

// deliveryJob sends the readiness reports that are due (scheduled
// delivery, issue 5). Several replicas may run it; the store's claim lets
// exactly one send each moment. The SMTP password is read from the
// environment now, never kept (DOMAIN.md §5). One check is bounded by 15
// minutes: building a 100,000-account PDF takes seconds, an SMTP
// conversation at most a minute per tenant.
func deliveryJob(store *pg.Store, env *cliEnv) *job[deliveryCheckArgs] {
	return &job[deliveryCheckArgs]{timeout: 15 * time.Minute, work: func(ctx context.Context) error {
		sender := deliver.Sender{SMTPPassword: env.getenv(deliver.PasswordEnv)}
		done, err := sender.RunDue(ctx, store, time.Now().UTC())
		for tenant, o := range done {
			env.log.Info("readiness report delivered", "tenant", tenant, "outcome", o.String(), "ok", o.OK())
		}
		if err != nil {
			// Recorded on each tenant's settings already; a retry would send twice.
			env.log.Error("scheduled delivery failed", "err", err)
		}
		return nil
	}}
}

// startScheduler starts the job queue (startJobQueue) for a caller that
// does not start syncs by hand.
func startScheduler(ctx context.Context, env *cliEnv, store *pg.Store, client *graph.Client, every time.Duration) (stop func(), err error) {
	_, stop, err = startJobQueue(ctx, env, store, client, every)
	return stop, err
}

// startJobQueue migrates River's tables and starts the job queue that
// every serve runs: the daily trend snapshot and the scheduled delivery
// always, and, when client is set (Graph credentials), the sync job, run
// every interval (0: only when a lead starts one) and once at start.
func startJobQueue(ctx context.Context, env *cliEnv, store *pg.Store, client *graph.Client, every time.Duration) (rc *river.Client[pgx.Tx], stop func(), err error) {
	driver := riverpgxv5.New(store.Pool())
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: quietLogger(env.log)})
	if err != nil {
		return nil, nil, fmt.Errorf("job queue: %w", err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return nil, nil, fmt.Errorf("job queue migrations: %w", err)
	}
	workers := river.NewWorkers()
	periodic := []*river.PeriodicJob{
		periodically(workers, trendSnapshotJob(store, env), trendSnapshotEvery), // readiness trend
		periodically(workers, deliveryJob(store, env), deliveryCheckEvery),      // scheduled delivery
	}
	if client != nil {
		sync := graphSyncJob(store, client, env)
		if every > 0 {
			periodic = append(periodic, periodically(workers, sync, every))
		} else {
			river.AddWorker(workers, sync) // only when a lead starts one
		}
	}
	rc, err = river.NewClient(driver, &river.Config{
		Logger:       quietLogger(env.log),
		Queues:       map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 1}},
		Workers:      workers,
		PeriodicJobs: periodic,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("job queue: %w", err)
	}
	if err := rc.Start(ctx); err != nil {
		return nil, nil, fmt.Errorf("start the job queue: %w", err)
	}
	return rc, func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = rc.Stop(stopCtx)
	}, nil
}

// quietLogger keeps River's own chatter at warnings.
func quietLogger(l *slog.Logger) *slog.Logger {
	return slog.New(levelFloor{l.Handler(), slog.LevelWarn})
}

type levelFloor struct {
	slog.Handler
	min slog.Level
}

func (h levelFloor) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}
