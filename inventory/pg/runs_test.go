package pg_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// openAs opens a second store on url, as another process would, whose
// sessions carry name so the test can kill them all.
func openAs(t *testing.T, url, name string) *pg.Store {
	t.Helper()
	s, err := pg.Open(t.Context(), url+"&application_name="+name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// waitSessionsGone waits until the server has ended every session named
// name: a client's close reaches the server a moment later, and only then
// are its locks free.
func waitSessionsGone(t *testing.T, url, name string) {
	t.Helper()
	conn := pgtest.Conn(t, url)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM pg_stat_activity WHERE application_name = $1`, name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions of %s still open after 10 s", n, name)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// killSessions ends every session named name as SIGKILL or a reboot would:
// the process never gets to record anything.
func killSessions(t *testing.T, store *pg.Store, name string) {
	t.Helper()
	var killed int
	// Materialized first, so that no other session is ever terminated.
	err := store.Pool().QueryRow(t.Context(), `
		WITH doomed AS MATERIALIZED (
			SELECT pid FROM pg_stat_activity
			WHERE datname = current_database() AND application_name = $1)
		SELECT count(*) FROM doomed WHERE pg_terminate_backend(pid, 10000)`, name).Scan(&killed)
	if err != nil {
		t.Fatal(err)
	}
	if killed == 0 {
		t.Fatalf("no session named %s to kill", name)
	}
}

// runByID finds one run in the full list.
func runByID(t *testing.T, store *pg.Store, id int64) pg.Run {
	t.Helper()
	runs, err := store.Runs(t.Context(), "", 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("run %d is not listed", id)
	return pg.Run{}
}

// newestRun is the run started last.
func newestRun(t *testing.T, store *pg.Store) pg.Run {
	t.Helper()
	runs, err := store.Runs(t.Context(), "", 1)
	if err != nil || len(runs) != 1 {
		t.Fatalf("the newest run: %v, %v", runs, err)
	}
	return runs[0]
}

// gatedSource is a source whose read begins (reading is closed) and then
// waits until the test closes release: a sync caught mid-way.
type gatedSource struct {
	snap             *inventory.Snapshot
	reading, release chan struct{}
}

func (g *gatedSource) Name() string { return pg.SourceFolder }

func (g *gatedSource) Read(ctx context.Context) (*inventory.Snapshot, error) {
	close(g.reading)
	select {
	case <-g.release:
		return g.snap, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func TestFailAbandonedRunsFailsOnlyRunsWhoseProcessDied(t *testing.T) {
	store, url, ctx := newStoreAt(t)
	finished := applySync(t, store, fixtureSnapshot(), "")

	doomed := openAs(t, url, "doomed")
	dead := startRun(t, doomed, pg.SourceGraph, tenantID)
	// A sync live in another process: its source is still being read.
	replica := openAs(t, url, "replica")
	src := &gatedSource{snap: fixtureSnapshot(), reading: make(chan struct{}), release: make(chan struct{})}
	synced := make(chan error, 1)
	go func() {
		_, err := inventory.Sync(ctx, replica, src, inventory.SyncOptions{Now: asOf})
		synced <- err
	}()
	<-src.reading
	elsewhere := newestRun(t, store).ID
	here := startRun(t, store, pg.SourceDemo, "") // live, in the sweeping process

	// While every process lives, nothing is abandoned.
	failed, err := store.FailAbandonedRuns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(failed) != 0 {
		t.Fatalf("runs %v failed while their processes live", failed)
	}

	killSessions(t, store, "doomed")
	failed, err = store.FailAbandonedRuns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "runs failed after a process died", failed, []int64{dead})
	r := runByID(t, store, dead)
	if r.Status != pg.RunFailed || r.Error != pg.AbandonedRunError || r.FinishedAt.IsZero() || r.TenantID != tenantID {
		t.Fatalf("killed run = %+v, want failed with %q", r, pg.AbandonedRunError)
	}
	for _, id := range []int64{elsewhere, here} {
		if r := runByID(t, store, id); r.Status != pg.RunRunning {
			t.Fatalf("live run %d = %+v, want still running", id, r)
		}
	}
	if r := runByID(t, store, finished); r.Status != pg.RunSucceeded || r.Error != "" {
		t.Fatalf("finished run = %+v, want untouched", r)
	}

	// The live runs finish as usual, and a sweep after that fails nothing.
	close(src.release)
	if err := <-synced; err != nil {
		t.Fatalf("the live run of another process cannot finish: %v", err)
	}
	if r := runByID(t, store, elsewhere); r.Status != pg.RunSucceeded {
		t.Fatalf("the other process's run after its sync = %+v, want succeeded", r)
	}
	if err := store.FailRun(ctx, here, errors.New("token expired")); err != nil {
		t.Fatalf("the live run of this process cannot fail: %v", err)
	}
	failed, err = store.FailAbandonedRuns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(failed) != 0 {
		t.Fatalf("a second sweep failed runs %v", failed)
	}
	if r := runByID(t, store, here); r.Error != "token expired" {
		t.Fatalf("run failed by its own process = %+v", r)
	}
}

func TestStartRunFailsTheRunOfAStoppedProcess(t *testing.T) {
	t.Parallel()
	store, url := pgtest.NewStore(t)
	stopped := openAs(t, url, "stopped")
	left := startRun(t, stopped, pg.SourceGraph, "")
	stopped.Close() // the process exits mid-sync, without FailRun
	waitSessionsGone(t, url, "stopped")

	next := startRun(t, store, pg.SourceGraph, "")
	if r := runByID(t, store, left); r.Status != pg.RunFailed || r.Error != pg.AbandonedRunError {
		t.Fatalf("run left by a stopped process = %+v, want failed with %q", r, pg.AbandonedRunError)
	}
	if r := runByID(t, store, next); r.Status != pg.RunRunning {
		t.Fatalf("new run = %+v, want running", r)
	}
	// A run of this store is not failed by this store's own next run.
	third := startRun(t, store, pg.SourceGraph, "")
	if r := runByID(t, store, next); r.Status != pg.RunRunning {
		t.Fatalf("run %d after run %d started = %+v, want still running", next, third, r)
	}
}

func TestRunsNewestFirst(t *testing.T) {
	store, ctx := newStore(t)
	ok1 := applySync(t, store, fixtureSnapshot(), "")

	lost := startRun(t, store, pg.SourceGraph, "") // fails before it knows its tenant
	failRun(t, store, lost, "token expired")
	known := startRun(t, store, pg.SourceGraph, tenantID)
	failRun(t, store, known, "users: 429 too many requests")
	other := startRun(t, store, pg.SourceDemo, "another-tenant")
	running := startRun(t, store, pg.SourceFolder, "")

	runs, err := store.Runs(ctx, tenantID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range runs {
		ids = append(ids, r.ID)
	}
	// The other tenant's run is not listed; runs with no tenant are.
	wantEqual(t, "tenant runs", ids, []int64{running, known, lost, ok1})
	if runs[0].Status != pg.RunRunning || !runs[0].FinishedAt.IsZero() {
		t.Fatalf("running run = %+v", runs[0])
	}
	if runs[1].Error != "users: 429 too many requests" || runs[1].TenantID != tenantID || runs[1].Status != pg.RunFailed {
		t.Fatalf("failed run = %+v", runs[1])
	}
	if runs[2].TenantID != "" || runs[2].Error != "token expired" || runs[2].Source != pg.SourceGraph {
		t.Fatalf("run without tenant = %+v", runs[2])
	}
	all, err := store.Runs(ctx, "", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != running || all[1].ID != other {
		t.Fatalf("all runs, limit 2 = %+v", all)
	}
	wantCode(t, store.SetRunTenant(ctx, lost, tenantID), inventory.ECONFLICT)
}

// startRun starts a sync run of source in store, of tenant unless it is "".
func startRun(t *testing.T, store *pg.Store, source, tenant string) int64 {
	t.Helper()
	ctx := t.Context()
	id, err := store.StartRun(ctx, source)
	if err != nil {
		t.Fatal(err)
	}
	if tenant != "" {
		if err := store.SetRunTenant(ctx, id, tenant); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// failRun records run id as failed with cause.
func failRun(t *testing.T, store *pg.Store, id int64, cause string) {
	t.Helper()
	if err := store.FailRun(t.Context(), id, errors.New(cause)); err != nil {
		t.Fatal(err)
	}
}
