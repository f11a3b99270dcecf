package pg_test

import (
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// BenchmarkPlanStore100k times what keeping the plan of a 100,000-account
// tenant costs the store: SavePlan (as Sync does after the verdicts), and
// RefreshPlan, the page's fallback when the stored plan is older than the
// verdicts (load the snapshot, assess, plan, save).
//
//	go test -run '^$' -bench PlanStore100k -benchtime 3x ./inventory/pg/
func BenchmarkPlanStore100k(b *testing.B) {
	store, _ := pgtest.NewStore(b)
	out := syncDemo(b, store, 100_000)
	id := out.Snapshot.Tenant.ID
	in, _, err := store.AssessInputs(b.Context(), id, "", out.Result.Tenant.AsOf)
	if err != nil {
		b.Fatal(err)
	}
	plan := inventory.PlanFixes(out.Snapshot, in, out.Result)
	b.Run("save", func(b *testing.B) {
		for b.Loop() {
			if err := store.SavePlan(b.Context(), id, time.Time{}, plan); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("refresh", func(b *testing.B) {
		for b.Loop() {
			if _, err := inventory.RefreshPlan(b.Context(), store, id); err != nil {
				b.Fatal(err)
			}
		}
	})
}
