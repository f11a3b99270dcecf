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
func (trendSnapshotArgs) InsertOpts() river.InsertOpts { return queuedOnce(3) }

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
