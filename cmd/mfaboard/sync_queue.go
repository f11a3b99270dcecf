package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/mfaboard/mfaboard/graph"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// A security lead starts a sync from the dashboard: web.SyncQueue, given
// to the web server, puts the same graph_sync job the schedule runs on
// River's queue, and the job writes its progress into the store for the
// sync page (graphSyncWorker.Work).

// syncQueue is web.SyncQueue on River.
type syncQueue struct {
	rc *river.Client[pgx.Tx] // nil: no job queue, or no Graph to sync from
	// why is the sentence shown instead of the button when rc cannot sync.
	why string
}

// noGraphSentence says why a server without Graph credentials cannot sync.
const noGraphSentence = "This server has no Graph credentials, so it cannot sync from here. " +
	"Set GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET (or GRAPH_ACCESS_TOKEN) and restart it, " +
	"or run mfaboard sync --from DIR with an export folder."

// demoSentence is noGraphSentence for the generated demo tenant.
const demoSentence = "This is the generated demo tenant and the server has no Graph credentials, so there is nothing to sync from. " +
	"Set GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET and restart it to sync a real tenant."

func (q *syncQueue) Unavailable() string {
	if q.rc == nil {
		return q.why
	}
	return ""
}

// Enqueue inserts the job in tx; River keeps one graph_sync waiting or
// running (graphSyncArgs.InsertOpts), so a second request is told so.
func (q *syncQueue) Enqueue(ctx context.Context, tx pgx.Tx) (int64, bool, error) {
	if q.rc == nil {
		return 0, false, inventory.Errorf(inventory.EINVALID, "%s", q.why)
	}
	res, err := q.rc.InsertTx(ctx, tx, graphSyncArgs{}, nil)
	if err != nil {
		return 0, false, fmt.Errorf("queue the sync: %w", err)
	}
	return res.Job.ID, !res.UniqueSkippedAsDuplicate, nil
}

// Pending reports whether a graph_sync job waits or runs.
func (q *syncQueue) Pending(ctx context.Context) (bool, error) {
	if q.rc == nil {
		return false, nil
	}
	res, err := q.rc.JobList(ctx, river.NewJobListParams().Kinds(graphSyncArgs{}.Kind()).First(1).
		States(rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
			rivertype.JobStateRetryable, rivertype.JobStateScheduled))
	if err != nil {
		return false, fmt.Errorf("list sync jobs: %w", err)
	}
	return len(res.Jobs) > 0, nil
}

// progressRecorder keeps a running sync's progress in the store, at most
// once a second, for the sync page. It learns the run's id when the sync
// records its run (store).
type progressRecorder struct {
	pg    *pg.Store
	log   func(msg string, args ...any)
	every time.Duration

	mu     sync.Mutex
	runID  int64
	last   time.Time
	latest *pg.RunProgress
	// readSaid: the progress that says every collection is read was due.
	readSaid bool
	// writing serialises the writes, so the last one stores the newest
	// progress whatever order the database answers them in.
	writing sync.Mutex
}

func newProgressRecorder(store *pg.Store, env *cliEnv) *progressRecorder {
	return &progressRecorder{pg: store, log: env.log.Warn, every: time.Second}
}

// store is the sync's store, telling the recorder the run's id.
func (r *progressRecorder) store() inventory.SyncStore { return runNamer{r.pg, r} }

type runNamer struct {
	*pg.Store
	r *progressRecorder
}

func (n runNamer) StartRun(ctx context.Context, source string) (int64, error) {
	id, err := n.Store.StartRun(ctx, source)
	n.r.mu.Lock()
	n.r.runID = id
	n.r.mu.Unlock()
	return id, err
}

// report is graph.FetchOptions.Progress.
func (r *progressRecorder) report(p graph.Progress) {
	rp := runProgress(p)
	r.mu.Lock()
	r.latest = &rp
	// Once a second, and at once when the read is over: assessing and
	// storing a large tenant takes a while, and the page says so meanwhile.
	readNow := rp.Read && !r.readSaid
	due := time.Since(r.last) >= r.every || readNow
	r.readSaid = r.readSaid || rp.Read
	if due {
		r.last = time.Now()
	}
	r.mu.Unlock()
	switch {
	case readNow:
		r.flush()
	case due && r.writing.TryLock():
		// A write under way will be followed by another: the fetch does
		// not wait for the database.
		r.write()
	}
}

// flush writes the latest progress now, after any write under way: the
// sync calls it when the read is over. A failed write only loses a line of
// progress: it is logged, never fails the sync.
func (r *progressRecorder) flush() {
	r.writing.Lock()
	r.write()
}

// write stores the latest progress; call with writing held.
func (r *progressRecorder) write() {
	defer r.writing.Unlock()
	r.mu.Lock()
	id, p := r.runID, r.latest
	r.mu.Unlock()
	if id == 0 || p == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.pg.SaveRunProgress(ctx, id, *p); err != nil {
		r.log("could not record the sync's progress", "run", id, "err", err)
	}
}

// runProgress is graph's progress as the store keeps it.
func runProgress(p graph.Progress) pg.RunProgress {
	out := pg.RunProgress{Elapsed: p.Elapsed, Remaining: p.Remaining, Requests: p.Requests, Throttled: p.Throttled, Read: true}
	for _, c := range p.Collections {
		out.Resources = append(out.Resources, pg.RunCollection{Name: c.Collection, State: string(c.State),
			Items: c.Items, ItemsTotal: c.ItemsTotal, Note: c.Note})
		if c.State == graph.CollectionWaiting || c.State == graph.CollectionReading {
			out.Read = false
		}
	}
	return out
}
