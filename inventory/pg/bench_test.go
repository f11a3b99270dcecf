package pg_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// benchAsOf fixes the demo tenant, so every run of a benchmark stores the
// same data.
var benchAsOf = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// demoTenant generates a demo tenant of n users.
func demoTenant(n int) *inventory.Snapshot {
	return demo.Generate(demo.Options{Users: n, Seed: 1, AsOf: benchAsOf})
}

// syncDemo generates a demo tenant of n users and syncs it into store as
// of benchAsOf.
func syncDemo(tb testing.TB, store *pg.Store, n int) inventory.SyncOutcome {
	tb.Helper()
	return pgtest.Sync(tb, store, demoTenant(n), inventory.SyncOptions{Kind: inventory.KindMixed, Now: benchAsOf})
}

// TestDemoTenantRoundTrips stores a whole demo tenant, with every case
// DOMAIN.md names, and reads back the same snapshot and the same verdict.
func TestDemoTenantRoundTrips(t *testing.T) {
	store, ctx := newStore(t)
	synced := syncDemo(t, store, 300)
	snap, res := synced.Snapshot, synced.Result
	got, err := store.LoadSnapshot(ctx, snap.Tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	sortUsers(got)
	sortUsers(snap)
	wantEqual(t, "demo users", got.Users, snap.Users)
	wantEqual(t, "demo registrations", got.Registrations, snap.Registrations)
	wantEqual(t, "demo sign-ins", got.SignIns, snap.SignIns)
	wantEqual(t, "demo policies", got.Policies, snap.Policies)
	wantEqual(t, "demo groups", got.Groups, snap.Groups)
	wantEqual(t, "demo snapshot", *got, *snap)

	again := inventory.Assess(got, inventory.Inputs{Settings: inventory.DefaultSettings(inventory.KindMixed), AsOf: benchAsOf})
	wantEqual(t, "verdict on the stored tenant", again.Tenant, res.Tenant)
	sum, err := store.Summary(ctx, snap.Tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "summary compliance counts", nonZero(sum.Counts), nonZero(res.Tenant.Counts))
	wantEqual(t, "summary category counts", nonZero(sum.ByCategory), nonZero(res.Tenant.ByCategory))
	wantEqual(t, "summary path counts", nonZero(sum.ByPath), nonZero(res.Tenant.ByPath))
}

func nonZero[K comparable](m map[K]int) map[K]int {
	out := map[K]int{}
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}

func BenchmarkSync10k(b *testing.B)  { benchmarkSync(b, 10_000) }
func BenchmarkSync100k(b *testing.B) { benchmarkSync(b, 100_000) }

// benchmarkSync measures a sync of a generated tenant (generation is done
// once, outside the timer): "first" stores the tenant into a fresh
// database, "resync" stores it again over itself, as every later sync does.
// The assessment is a small part of it (BenchmarkAssess100k in inventory).
func benchmarkSync(b *testing.B, n int) {
	snap := demoTenant(n)
	run := func(store *pg.Store) {
		if _, err := inventory.Sync(context.Background(), store, inventory.StaticSource{SourceName: pg.SourceDemo, Snapshot: snap},
			inventory.SyncOptions{Kind: inventory.KindMixed, Now: benchAsOf}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("first", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			store, _ := pgtest.NewStore(b)
			b.StartTimer()
			run(store)
		}
		reportPeakRSS(b)
	})
	b.Run("resync", func(b *testing.B) {
		store, _ := pgtest.NewStore(b)
		run(store)
		b.ResetTimer()
		for range b.N {
			run(store)
		}
		reportPeakRSS(b)
	})
}

// BenchmarkListAccounts100k measures a page of 50 with its total, as the
// account list asks for it, in a tenant of 100,000 accounts.
func BenchmarkListAccounts100k(b *testing.B) {
	store, _ := pgtest.NewStore(b)
	ctx := context.Background()
	snap := syncDemo(b, store, 100_000).Snapshot
	if _, err := store.Pool().Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	id := snap.Tenant.ID
	cases := []struct {
		name string
		f    pg.AccountFilter
	}{
		{"first-page", pg.AccountFilter{TenantID: id}},
		{"filtered-searched", pg.AccountFilter{TenantID: id, Category: string(inventory.OfficeWorker),
			Compliance: string(inventory.NonCompliant), Query: "son"}},
		{"search-rare", pg.AccountFilter{TenantID: id, Query: "svc"}},
		{"marker-sorted", pg.AccountFilter{TenantID: id, Marker: string(inventory.Privileged), Sort: "-last_sign_in"}},
		{"by-compliance", pg.AccountFilter{TenantID: id, Sort: "compliance"}},
		{"deep-page-by-compliance", pg.AccountFilter{TenantID: id, Sort: "compliance", Offset: 50_000}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			c.f.Limit = 50
			var (
				page pg.AccountPage
				err  error
			)
			for range b.N {
				page, err = store.ListAccounts(ctx, c.f)
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(page.Total), "matches")
		})
	}
}

// reportPeakRSS reports the benchmark process's peak resident memory.
func reportPeakRSS(b *testing.B) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB") // Maxrss is in KiB on Linux
}

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
