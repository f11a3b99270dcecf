package main

import (
	"fmt"
	"log/slog"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph"
	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// The benchmarks of a sync and of What-If against the emulator, the job
// test's Graph client, and TestMain, which lets a benchmark run this binary
// as its emulator.

func TestMain(m *testing.M) {
	emulator.ServeChild()  // when a benchmark started this binary as its emulator
	os.Exit(pgtest.Run(m)) // more tests at once: each waits on a database of its own
}

// graphClient is a live Graph client of url (an emulator), logging nowhere.
func graphClient(tb testing.TB, url string) *graph.Client {
	tb.Helper()
	client, err := graph.NewClient(tb.Context(), graph.Config{BaseURL: url, AccessToken: "test-token", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		tb.Fatal(err)
	}
	return client
}

// BenchmarkSync is a full sync — live Graph client against the emulator,
// decode, assess, apply in one transaction — of a generated tenant.
// peak-RSS-MB is the benchmark process's maximum resident set.
func BenchmarkSync(b *testing.B) {
	applyMemoryLimit() // as main does
	for _, users := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("users=%d", users), func(b *testing.B) {
			url := emulator.StartChild(b, emulator.ChildSpec{Users: users, AsOf: time.Now().UTC()}).URL
			store, _ := pgtest.NewStore(b)
			client, env := graphClient(b, url), quietEnv()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				now := time.Now().UTC()
				out, err := inventory.Sync(b.Context(), store, graphSource(env, client, now), inventory.SyncOptions{Now: now})
				if err != nil {
					b.Fatal(err)
				}
				if len(out.Snapshot.Users) < users {
					b.Fatalf("synced %d accounts, want %d", len(out.Snapshot.Users), users)
				}
			}
			b.StopTimer()
			var ru syscall.Rusage
			if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
				b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(users)/1000, "µs/account")
		})
	}
}

// BenchmarkWhatIfAll asks about every open account of a 300-account demo
// tenant, as `mfaboard whatif --all` does, against the emulator's evaluate
// double with a 20 ms round trip: what the pacer's few requests in flight
// buy over one at a time. The double's speed says nothing of Microsoft's.
func BenchmarkWhatIfAll(b *testing.B) {
	emu, _, snap := demoGraph(b, 300, emulator.Options{Latency: 20 * time.Millisecond})
	store, _ := pgtest.NewStore(b)
	pgtest.Sync(b, store, snap, inventory.SyncOptions{Now: time.Now().UTC()})
	client := graphClient(b, emu.URL)
	ctx := b.Context()
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
