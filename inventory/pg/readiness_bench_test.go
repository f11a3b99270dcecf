package pg_test

import (
	"context"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// BenchmarkReadiness100k reads the readiness of a 100,000-account tenant
// whose board is in use, as the readiness page and the reports do, and then
// streams every account as the CSV and the XLSX do.
func BenchmarkReadiness100k(b *testing.B) {
	store, tenant := boardInUse(b, 100_000)
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	b.Run("readiness", func(b *testing.B) {
		for b.Loop() {
			r, err := store.Readiness(ctx, tenant, now)
			if err != nil {
				b.Fatal(err)
			}
			if inventory.ApplicableCount(r.Tenant.Counts) == 0 {
				b.Fatal("no accounts counted")
			}
		}
	})
	b.Run("stream-accounts", func(b *testing.B) {
		rows := 0
		for b.Loop() {
			err := store.StreamAccountLines(ctx, pg.AccountFilter{TenantID: tenant}, func(inventory.AccountLine) error {
				rows++
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	})
}

// boardInUse stores a demo tenant of n accounts whose board is in use
// (spreadCards).
func boardInUse(b *testing.B, n int) (*pg.Store, string) {
	b.Helper()
	store, tm, tenant := syncedBoard(b, n)
	spreadCards(b, store, tm, tenant)
	return store, tenant
}
