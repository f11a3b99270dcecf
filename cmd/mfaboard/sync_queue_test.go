package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph"
	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// TestLeadStartsASyncFromTheDashboard: the request the sync page makes
// (pg.Store.RequestSync with syncQueue.Enqueue) runs the graph_sync job,
// which syncs from Graph (the emulator) and leaves its progress per
// resource; a request while it waits is told so, and one after it
// finishes starts another.
func TestLeadStartsASyncFromTheDashboard(t *testing.T) {
	t.Parallel()
	store := useDatabase(t)
	ctx := context.Background()
	snap := demo.Generate(demo.Options{Users: 60, Seed: 3, AsOf: time.Now().UTC()})
	emu := emulator.New(export.EncodeSnapshot(snap), emulator.Options{})
	t.Cleanup(emu.Close)
	discard := slog.New(slog.NewTextHandler(io.Discard, nil))
	client, err := graph.NewClient(ctx, graph.Config{BaseURL: emu.URL, AccessToken: "test", Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	env := &cliEnv{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }, log: discard}
	rc, stop, err := startJobQueue(ctx, env, store, client, 0) // no schedule: only a lead starts it
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	q := &syncQueue{rc: rc}
	if q.Unavailable() != "" {
		t.Fatalf("a queue with Graph says it cannot sync: %s", q.Unavailable())
	}
	lead := inventory.Actor{ID: "lead-1", Name: "Dana Lead", Role: inventory.SecurityLead}
	if queued, err := store.RequestSync(ctx, lead, q.Enqueue); err != nil || !queued {
		t.Fatalf("the first request: queued %v, %v", queued, err)
	}
	run := waitForRun(t, store)
	if run.Status != pg.RunSucceeded {
		t.Fatalf("the sync started from the dashboard ended %s: %s", run.Status, run.Error)
	}
	// The job writes its last progress after the run is stored, and River
	// records the job done after that.
	for i := 0; ; i++ {
		pending, err := q.Pending(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !pending {
			break
		}
		if i == 300 {
			t.Fatal("the job is still pending a minute after its run finished")
		}
		time.Sleep(200 * time.Millisecond)
	}
	p, ok, err := store.RunProgressOf(ctx, run.ID)
	if err != nil || !ok {
		t.Fatalf("the run left no progress: %v", err)
	}
	users := -1
	for _, r := range p.Resources {
		if r.Name == inventory.CollUsers && r.State == string(graph.CollectionDone) {
			users = r.Items
		}
	}
	if !p.Read || users != len(snap.Users) {
		t.Errorf("the last progress: read %v, users %d done, want %d: %+v", p.Read, users, len(snap.Users), p)
	}
	// Finished, a sync does not block the next (River's default unique
	// states would, for a day).
	if queued, err := store.RequestSync(ctx, lead, q.Enqueue); err != nil || !queued {
		t.Errorf("a request after the sync finished: queued %v, %v", queued, err)
	}
	if queued, err := store.RequestSync(ctx, lead, q.Enqueue); err != nil || queued {
		t.Errorf("a request while one waits: queued %v, %v; want told it is already queued", queued, err)
	}
	// A server without Graph says why, and refuses in the transaction.
	none := &syncQueue{why: noGraphSentence}
	if _, err := store.RequestSync(ctx, lead, none.Enqueue); inventory.ErrorCode(err) != inventory.EINVALID {
		t.Errorf("a request without Graph: %v, want EINVALID with the sentence", err)
	}
}

// waitForRun waits, up to a minute, for the first run to finish.
func waitForRun(t *testing.T, store *pg.Store) pg.Run {
	t.Helper()
	for range 300 {
		runs, err := store.Runs(context.Background(), "", 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) == 1 && runs[0].Status != pg.RunRunning {
			return runs[0]
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatal("no sync finished within a minute")
	return pg.Run{}
}
