package main

import (
	"context"
	"fmt"
	"io"
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

func TestMain(m *testing.M) {
	emulator.ServeChild()  // when a benchmark started this binary as its emulator
	os.Exit(pgtest.Run(m)) // more tests at once: each waits on a database of its own
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
			client, err := graph.NewClient(context.Background(), graph.Config{BaseURL: url, AccessToken: "bench", Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				b.Fatal(err)
			}
			env := &cliEnv{stdout: io.Discard, stderr: io.Discard, log: slog.New(slog.DiscardHandler), getenv: os.Getenv}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				now := time.Now().UTC()
				out, err := inventory.Sync(context.Background(), store, graphSource(env, client, now), inventory.SyncOptions{Now: now})
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
