package pg_test

import (
	"context"
	"testing"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// BenchmarkChanges10k measures what "what changed" adds to a resync of a
// 10,000-account tenant: reading the last verdicts (every sync), and, when
// a verdict moved, reading the last sync back and comparing; the worst
// case, a policy switched to report-only, moves most accounts.
func BenchmarkChanges10k(b *testing.B) {
	ctx := context.Background()
	snap := demoTenant(10_000)
	store, _ := pgtest.NewStore(b)
	if _, err := inventory.Sync(ctx, store, inventory.StaticSource{SourceName: pg.SourceDemo, Snapshot: snap},
		inventory.SyncOptions{Kind: inventory.KindMixed, Now: benchAsOf}); err != nil {
		b.Fatal(err)
	}
	id := snap.Tenant.ID
	b.Run("last-verdicts", func(b *testing.B) {
		for range b.N {
			if _, err := store.LastVerdicts(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("load-snapshot", func(b *testing.B) {
		for range b.N {
			if _, err := store.LoadSnapshot(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	})
	last, err := store.LastVerdicts(ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	next := *snap
	next.Policies = append([]inventory.Policy(nil), snap.Policies...)
	for i := range next.Policies {
		next.Policies[i].State = "enabledForReportingButNotEnforced"
	}
	res := inventory.Assess(&next, inventory.Inputs{Settings: inventory.DefaultSettings(inventory.KindMixed), AsOf: benchAsOf})
	b.Run("changes-since-all-report-only", func(b *testing.B) {
		var n int
		for range b.N {
			n = len(inventory.ChangesSince(snap, last, &next, res))
		}
		b.ReportMetric(float64(n), "changes")
	})
}
