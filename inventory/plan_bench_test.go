package inventory_test

import (
	"testing"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
)

func benchmarkPlan(b *testing.B, users int) {
	s := demo.Generate(demo.Options{Users: users, Policies: 50, Groups: 2000, GroupDepth: 3, AsOf: benchAsOf})
	in := inventory.Inputs{Settings: inventory.DefaultSettings(inventory.KindMixed), AsOf: benchAsOf}
	res := inventory.Assess(s, in)
	b.ReportAllocs()
	b.ResetTimer()
	var plan inventory.Plan
	for b.Loop() {
		plan = inventory.PlanFixes(s, in, res)
	}
	b.StopTimer()
	touched := 0
	for _, f := range plan.Fixes {
		touched += len(f.Accounts)
	}
	b.ReportMetric(float64(len(plan.Fixes)), "fixes")
	b.ReportMetric(float64(plan.Open), "open")
	b.ReportMetric(float64(touched), "touched")
}

// BenchmarkPlan100k plans a tenant of 100,000 accounts, 50 policies and
// 2,000 groups nested 3 deep, from its assessment. Goal: within 3 s.
func BenchmarkPlan100k(b *testing.B) { benchmarkPlan(b, 100_000) }

// BenchmarkPlan10k is the same tenant at a tenth of the size.
func BenchmarkPlan10k(b *testing.B) { benchmarkPlan(b, 10_000) }
