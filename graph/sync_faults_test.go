package graph_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph"
	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// syncFrom runs the one sync use case against an emulator serving folder,
// into a real store.
func syncFrom(t *testing.T, store *pg.Store, folder export.Folder, opts emulator.Options) (*emulator.Server, error) {
	t.Helper()
	srv := startEmulator(t, folder, opts)
	c := newClient(t, srv, testToken)
	src := export.Source{SourceName: "graph", Feed: func(ctx context.Context, sink export.Sink) ([]inventory.Warning, error) {
		return c.Fetch(ctx, sink, graph.FetchOptions{Now: assessedAt})
	}}
	_, err := inventory.Sync(context.Background(), store, src, inventory.SyncOptions{Now: assessedAt})
	return srv, err
}

func stored(t *testing.T, store *pg.Store, tenantID string) *inventory.Snapshot {
	t.Helper()
	snap, err := store.LoadSnapshot(context.Background(), tenantID)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// A sync read side by side still loses nothing: a tenant stored from
// yesterday's state is synced to today's through each fault, and is then
// either today's complete (the fault was ridden out) or yesterday's intact
// (the sync failed and said so), never a mix.
func TestConcurrentSyncLosesNothing(t *testing.T) {
	// Today's tenant has fewer accounts, so a mix would show.
	old := demo.Generate(demo.Options{Users: 300, Seed: 3, AsOf: assessedAt})
	tenantID := old.Tenant.ID
	yesterday := export.EncodeSnapshot(old)
	today := export.EncodeSnapshot(demo.Generate(demo.Options{Users: 240, Seed: 3, AsOf: assessedAt}))

	ref, _ := pgtest.NewStore(t)
	if _, err := syncFrom(t, ref, yesterday, emulator.Options{}); err != nil {
		t.Fatalf("yesterday's sync: %v", err)
	}
	want := map[bool]*inventory.Snapshot{false: stored(t, ref, tenantID)}
	if _, err := syncFrom(t, ref, today, emulator.Options{}); err != nil {
		t.Fatalf("today's sync: %v", err)
	}
	want[true] = stored(t, ref, tenantID)
	if len(want[false].Users) == len(want[true].Users) {
		t.Fatal("the two days store the same accounts: the test could not tell a mix")
	}

	cases := []struct {
		name     string
		opts     emulator.Options
		complete bool // the sync must ride the fault out
	}{
		{"a $batch step throttled", emulator.Options{BatchThrottleEvery: 3}, true},
		{"every $batch throttled once", emulator.Options{ThrottleBatches: true}, true},
		{"a 429 storm", emulator.Options{StormAfter: 10, StormFor: 3 * time.Second}, true},
		{"a 429 storm that outlasts the retries", emulator.Options{StormAfter: 10, StormFor: time.Hour}, false},
		{"a cut connection", emulator.Options{PageSize: 50, CutAfterPages: map[string]int{inventory.CollUsers: 2}}, false},
		{"a cut connection in the sign-ins", emulator.Options{PageSize: 50, CutAfterPages: map[string]int{inventory.CollSignIns: 3}}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store, _ := pgtest.NewStore(t)
			if _, err := syncFrom(t, store, yesterday, emulator.Options{}); err != nil {
				t.Fatalf("yesterday's sync: %v", err)
			}
			srv, err := syncFrom(t, store, today, tc.opts)
			t.Logf("sync: %v (%d requests, %d throttled)", err, srv.Requests(), srv.Throttled())
			if tc.complete && err != nil {
				t.Fatalf("the sync failed: %v", err)
			}
			if !tc.complete && err == nil {
				t.Fatal("the sync succeeded through a fault it cannot ride out")
			}
			got := stored(t, store, tenantID)
			if !reflect.DeepEqual(got, want[err == nil]) {
				t.Errorf("the stored tenant is neither today's complete nor yesterday's intact: %d accounts, %d per-user states (today %d and %d, yesterday %d and %d)",
					len(got.Users), len(got.PerUserMFA), len(want[true].Users), len(want[true].PerUserMFA), len(want[false].Users), len(want[false].PerUserMFA))
			}
			if tc.opts.StormFor > 0 || tc.opts.BatchThrottleEvery > 0 || tc.opts.ThrottleBatches {
				if srv.Throttled() == 0 {
					t.Error("the emulator throttled nothing, so the case tests nothing")
				}
			}
		})
	}
}
