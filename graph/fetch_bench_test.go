package graph_test

import (
	"context"
	"encoding/json"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph"
	"github.com/mfaboard/mfaboard/graph/emulator"
)

// discard is a Sink that only counts.
type discard struct{ items int }

func (d *discard) Begin(string) error                { return nil }
func (d *discard) Add(string, json.RawMessage) error { d.items++; return nil }

func BenchmarkFetch10k(b *testing.B)  { benchmarkFetch(b, 10_000) }
func BenchmarkFetch100k(b *testing.B) { benchmarkFetch(b, 100_000) }

// benchmarkFetch reads a tenant of n users (their registrations and
// per-user MFA states too: n/120 user pages, n/20 batches) from the
// emulator into a discarding sink. It reports the heap the sync adds at its
// peak, above what the emulator's tenant already holds.
func benchmarkFetch(b *testing.B, users int) {
	srv := startEmulator(b, testTenant(b, users), emulator.Options{})
	c := newClient(b, srv, testToken)
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	peak := sampleHeap()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		sink := &discard{}
		if _, err := c.Fetch(context.Background(), sink, graph.FetchOptions{Now: assessedAt}); err != nil {
			b.Fatalf("Fetch: %v", err)
		}
		if want := 3 * users; sink.items < want {
			b.Fatalf("sink got %d items, want at least %d", sink.items, want)
		}
	}
	b.StopTimer()
	top := peak()
	b.ReportMetric(float64(top-base.HeapInuse)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(users), "users")
}

// sampleHeap watches HeapInuse until the returned function is called, and
// returns the highest value seen.
func sampleHeap() func() uint64 {
	var mu sync.Mutex
	var top uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			mu.Lock()
			top = max(top, m.HeapInuse)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-stopped
		mu.Lock()
		defer mu.Unlock()
		return top
	}
}
