package main

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph"
	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// BenchmarkWhatIfAll asks about every open account of a 300-account demo
// tenant, as `mfaboard whatif --all` does, against the emulator's evaluate
// double with a 20 ms round trip: what the pacer's few requests in flight
// buy over one at a time. The double's speed says nothing of Microsoft's.
func BenchmarkWhatIfAll(b *testing.B) {
	now := time.Now().UTC()
	snap := demo.Generate(demo.Options{Users: 300, Seed: 3, AsOf: now})
	store, _ := pgtest.NewStore(b)
	pgtest.Sync(b, store, snap, inventory.SyncOptions{Now: now})
	emu := emulator.New(export.EncodeSnapshot(snap), emulator.Options{Latency: 20 * time.Millisecond})
	defer emu.Close()
	client, err := graph.NewClient(context.Background(), graph.Config{BaseURL: emu.URL, AccessToken: "bench", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	ids, err := store.OpenAccountIDs(ctx, snap.Tenant.ID)
	if err != nil || len(ids) == 0 {
		b.Fatalf("no open accounts: %v", err)
	}
	asker, err := inventory.NewWhatIfAsker(ctx, store, client, inventory.CLIActor, snap.Tenant.ID)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := askAll(graph.Paced(ctx, whatIfConcurrency), asker, ids); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(ids)), "accounts")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/float64(len(ids)), "ms/account")
}
