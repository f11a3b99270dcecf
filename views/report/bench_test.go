package report

import (
	"fmt"
	"io"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

const benchAccounts = 100_000

// BenchmarkWritePDF builds the readiness of a tenant of 100,000 accounts from
// the account stream and writes its PDF: what the readiness download does
// once the store yields the accounts. Goal: under 3 s.
func BenchmarkWritePDF(b *testing.B) {
	base := fixture(benchAccounts)
	exceptions := make([]inventory.ExceptionLine, 300)
	for i := range exceptions {
		exceptions[i] = inventory.ExceptionLine{UserPrincipalName: fmt.Sprintf("room%03d@contoso.test", i), Status: "Granted",
			Justification: "Teams Rooms devices cannot perform MFA.", CompensatingControls: "Compliant device and named location only.",
			DecidedBy: "Security Lead", Expiry: fixtureNow.AddDate(0, 0, i)}
	}
	b.ReportAllocs()
	for b.Loop() {
		r := inventory.NewReadiness(base.Tenant, base.Trend, base.Deadline, fixtureNow)
		if err := accounts(benchAccounts)(func(a inventory.AccountLine) error { r.Add(a); return nil }); err != nil {
			b.Fatal(err)
		}
		r.Exceptions = exceptions
		r.Finish()
		if err := WritePDF(io.Discard, *r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteXLSX100k writes the workbook of 100,000 accounts and reports
// the peak heap in use and the peak memory taken from the system while it
// does. Goals: under 15 s and 300 MB.
func BenchmarkWriteXLSX100k(b *testing.B) {
	r := fixture(benchAccounts)
	peak := watchMemory(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteXLSX(io.Discard, r, accounts(benchAccounts)); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	heap, sys := peak()
	b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(sys)/(1<<20), "peak-sys-MB")
}

// BenchmarkWriteCSV100k streams 100,000 accounts as CSV, generating each
// account as the store would yield it. Goal: over 50,000 rows/s.
func BenchmarkWriteCSV100k(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteCSV(io.Discard, accounts(benchAccounts)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchAccounts)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// watchMemory samples the heap every few milliseconds until the returned
// function is called, which gives the peaks of HeapInuse and Sys.
func watchMemory(b *testing.B) (peak func() (heap, sys uint64)) {
	runtime.GC()
	var (
		mu        sync.Mutex
		heap, sys uint64
		stop      = make(chan struct{})
		done      = make(chan struct{})
	)
	go func() {
		defer close(done)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			mu.Lock()
			heap, sys = max(heap, m.HeapInuse), max(sys, m.Sys)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	var once sync.Once
	b.Cleanup(func() { once.Do(func() { close(stop); <-done }) })
	return func() (uint64, uint64) {
		once.Do(func() { close(stop); <-done })
		mu.Lock()
		defer mu.Unlock()
		return heap, sys
	}
}
