package inventory_test

import (
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
)

// benchAsOf fixes the moment so every run assesses the same tenant.
var benchAsOf = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func benchmarkAssess(b *testing.B, users int) {
	s := demo.Generate(demo.Options{Users: users, Policies: 50, Groups: 2000, GroupDepth: 3, AsOf: benchAsOf})
	in := inventory.Inputs{Settings: inventory.DefaultSettings(inventory.KindMixed), AsOf: benchAsOf}
	b.ReportAllocs()
	b.ResetTimer()
	var res inventory.Result
	for b.Loop() {
		res = inventory.Assess(s, in)
	}
	b.StopTimer()
	if len(res.Accounts) != len(s.Users) {
		b.Fatalf("assessed %d accounts of %d", len(res.Accounts), len(s.Users))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(s.Users)), "ns/account")
}

// BenchmarkAssess100k assesses a tenant of 100,000 accounts, 50 policies and
// 2,000 groups nested 3 deep. Goal: under 3 s.
func BenchmarkAssess100k(b *testing.B) { benchmarkAssess(b, 100_000) }

// BenchmarkAssess10k is the same tenant at a tenth of the size, to show the
// cost grows no worse than linearly.
func BenchmarkAssess10k(b *testing.B) { benchmarkAssess(b, 10_000) }
