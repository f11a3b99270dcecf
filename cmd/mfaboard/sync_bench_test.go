package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph"
	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// emulatorChildEnv makes the test binary serve a generated tenant instead
// of running tests, so the benchmark's own peak RSS is the sync's alone.
const emulatorChildEnv = "MFABOARD_BENCH_EMULATOR_USERS"

func TestMain(m *testing.M) {
	if n := os.Getenv(emulatorChildEnv); n != "" {
		serveEmulatorChild(n)
		return
	}
	os.Exit(pgtest.Run(m)) // more tests at once: each waits on a database of its own
}

// serveEmulatorChild prints the emulator's URL and serves until stdin closes.
func serveEmulatorChild(n string) {
	users, err := strconv.Atoi(n)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bad user count:", n)
		os.Exit(2)
	}
	snap := demo.Generate(demo.Options{Users: users, Groups: users / 50, Seed: 9, AsOf: time.Now().UTC()})
	emu := emulator.New(export.EncodeSnapshot(snap), emulator.Options{})
	fmt.Println(emu.URL)
	_, _ = io.Copy(io.Discard, os.Stdin)
	emu.Close()
}

// startEmulatorChild runs the emulator in a child process.
func startEmulatorChild(b *testing.B, users int) string {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), emulatorChildEnv+"="+strconv.Itoa(users))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stdin.Close(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("emulator child: %v", err)
	}
	return strings.TrimSpace(line)
}

// BenchmarkSync is a full sync — live Graph client against the emulator,
// decode, assess, apply in one transaction — of a generated tenant.
// peak-RSS-MB is the benchmark process's maximum resident set.
func BenchmarkSync(b *testing.B) {
	applyMemoryLimit() // as main does
	for _, users := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("users=%d", users), func(b *testing.B) {
			url := startEmulatorChild(b, users)
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
