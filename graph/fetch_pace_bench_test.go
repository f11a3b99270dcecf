package graph_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph"
	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/graph/export"
)

// BenchmarkFetchPaced reads a generated tenant (graph/demo, the tenant of
// the demo and of cmd/mfaboard's BenchmarkSync) from the in-process
// emulator into the decoder, as a sync does, with the emulator waiting
// before every answer as a round trip to the real Graph costs. Targets
// (issue 12): 10,000 accounts within 30 s and 100,000 within 120 s at
// 200 ms a request; 100,000 within 60 s and 500 MB RSS at none.
//
//	go test -run '^$' -bench 'FetchPaced' -benchtime 1x -count 3 ./graph/
//
// requests/op is what reached the emulator ($batch counted once), steps/op
// the $batch steps inside them. peak-RSS-MB is the process's resident
// peak during the fetch (VmHWM, reset before it), emulator and its tenant
// included; base-RSS-MB is the resident size before the fetch, so the
// fetch's own share is the difference.
func BenchmarkFetchPaced(b *testing.B) {
	for _, tc := range []struct {
		users   int
		latency time.Duration
	}{
		{10_000, 200 * time.Millisecond},
		{100_000, 200 * time.Millisecond},
		{100_000, 0},
	} {
		b.Run(fmt.Sprintf("users=%d/latency=%s", tc.users, tc.latency), func(b *testing.B) {
			benchmarkPaced(b, tc.users, tc.latency)
		})
	}
}

// paceTenants caches generated tenants: generating 100,000 accounts takes
// longer than some of the fetches measured.
var paceTenants = struct {
	sync.Mutex
	byUsers map[int]export.Folder
}{byUsers: map[int]export.Folder{}}

func paceTenant(users int) export.Folder {
	paceTenants.Lock()
	defer paceTenants.Unlock()
	if f, ok := paceTenants.byUsers[users]; ok {
		return f
	}
	clear(paceTenants.byUsers) // one tenant at a time in memory
	snap := demo.Generate(demo.Options{Users: users, Groups: users / 50, Seed: 9, AsOf: assessedAt})
	f := export.EncodeSnapshot(snap)
	paceTenants.byUsers[users] = f
	return f
}

func benchmarkPaced(b *testing.B, users int, latency time.Duration) {
	srv := startEmulator(b, paceTenant(users), emulator.Options{Latency: latency})
	c := newClient(b, srv, testToken)
	runtime.GC()
	debug.FreeOSMemory()
	base := rssKB("VmRSS")
	resetPeakRSS(b)
	b.ResetTimer()
	before, beforeSteps := srv.Requests(), srv.BatchSteps()
	var last graph.Progress
	for b.Loop() {
		dec := export.NewDecoder()
		warnings, err := c.Fetch(context.Background(), dec, graph.FetchOptions{Now: assessedAt, Progress: func(p graph.Progress) { last = p }})
		if err != nil {
			b.Fatalf("Fetch: %v", err)
		}
		if len(warnings) != 0 {
			b.Fatalf("warnings: %v", warnings)
		}
		if snap := dec.Snapshot(); len(snap.Users) != users {
			b.Fatalf("fetched %d accounts, want %d", len(snap.Users), users)
		}
	}
	b.StopTimer()
	for _, c := range last.Collections {
		b.Logf("%-24s %8d items %5d requests  %s", c.Collection, c.Items, c.Requests, c.Note)
	}
	b.ReportMetric(float64(srv.Requests()-before)/float64(b.N), "requests/op")
	b.ReportMetric(float64(srv.BatchSteps()-beforeSteps)/float64(b.N), "steps/op")
	b.ReportMetric(float64(rssKB("VmHWM"))/1024, "peak-RSS-MB")
	b.ReportMetric(float64(base)/1024, "base-RSS-MB")
}

// rssKB reads a size in kB from /proc/self/status (VmRSS, VmHWM); 0 where
// there is no /proc.
func rssKB(field string) int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := bytes.CutPrefix([]byte(line), []byte(field+":")); ok {
			f := bytes.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(string(f[0]), 10, 64)
				return n
			}
		}
	}
	return 0
}

// resetPeakRSS sets VmHWM back to the current resident size (Linux:
// writing 5 to clear_refs), so the peak measured is the fetch's.
func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("cannot reset the peak RSS (%v): peak-RSS-MB includes generating the tenant", err)
	}
}
