package main

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/mfaboard/mfaboard/inventory/pg"
)

// trendSnapshotEvery is how often serve stores every tenant's counts for
// the readiness trend: a sync stores them too, so this is the floor that
// keeps a point a day when syncs are rarer or off (issue 5: "at every sync
// and at least daily").
const trendSnapshotEvery = 24 * time.Hour

// trendSnapshotArgs is the daily trend snapshot job.
type trendSnapshotArgs struct{}

func (trendSnapshotArgs) Kind() string { return "trend_snapshot" }

// InsertOpts: never two snapshots queued; a failed one is tried again (the
// day's row is replaced, so a retry is harmless).
func (trendSnapshotArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type trendSnapshotWorker struct {
	river.WorkerDefaults[trendSnapshotArgs]
	store *pg.Store
	env   *cliEnv
}

// Work stores today's counts of every synced tenant.
func (w *trendSnapshotWorker) Work(ctx context.Context, _ *river.Job[trendSnapshotArgs]) error {
	n, err := w.store.SnapshotTrends(ctx, time.Now().UTC())
	if err != nil {
		w.env.log.Error("trend snapshot failed", "err", err)
		return err
	}
	w.env.log.Info("trend snapshot stored", "tenants", n)
	return nil
}

// Timeout bounds one snapshot: one statement over the stored verdicts.
func (w *trendSnapshotWorker) Timeout(*river.Job[trendSnapshotArgs]) time.Duration {
	return 5 * time.Minute
}

// trendSnapshotPeriodicJob enqueues the snapshot at start and once a day.
func trendSnapshotPeriodicJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(trendSnapshotEvery),
		func() (river.JobArgs, *river.InsertOpts) { return trendSnapshotArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}
