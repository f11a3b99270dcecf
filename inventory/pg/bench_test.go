package pg_test

import (
	"slices"
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
		if _, err := inventory.Sync(b.Context(), store, inventory.StaticSource{SourceName: pg.SourceDemo, Snapshot: snap},
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

// BenchmarkChanges10k measures what "what changed" adds to a resync of a
// 10,000-account tenant: reading the last verdicts (every sync), and, when
// a verdict moved, reading the last sync back and comparing; the worst
// case, a policy switched to report-only, moves most accounts.
func BenchmarkChanges10k(b *testing.B) {
	ctx := b.Context()
	store, _ := pgtest.NewStore(b)
	snap := syncDemo(b, store, 10_000).Snapshot
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

// BenchmarkListAccounts100k measures a page of 50 with its total, as the
// account list asks for it, in a tenant of 100,000 accounts.
func BenchmarkListAccounts100k(b *testing.B) {
	store, _ := pgtest.NewStore(b)
	ctx := b.Context()
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
	ctx := b.Context()
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

// syncedBoard stores a demo tenant of n accounts: every card in triage, as
// the first sync leaves them.
func syncedBoard(b *testing.B, n int) (*pg.Store, team, string) {
	b.Helper()
	store, _ := pgtest.NewStore(b)
	tenant := syncDemo(b, store, n).Snapshot.Tenant.ID
	return store, newTeam(b, store), tenant
}

// spreadCards spreads a tenant's cards over the columns as a board in use
// looks (pgtest.SpreadCards): a tenth of the assigned ones to tm.engineer.
func spreadCards(b *testing.B, store *pg.Store, tm team, tenant string) {
	b.Helper()
	team := pgtest.BoardTeam{Lead: tm.lead.ID, Engineers: [2]string{tm.engineer.ID, tm.engineer2.ID}}
	if err := pgtest.SpreadCards(b.Context(), store, tenant, team); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkBoard100k reads the board of a 100,000-account tenant as the
// page asks for it: every column's count and first 50 cards. The first case
// reads it the moment its first sync has committed (every card in triage,
// not yet vacuumed); the others a board in use.
func BenchmarkBoard100k(b *testing.B) {
	store, tm, tenant := syncedBoard(b, 100_000)
	ctx := b.Context()
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name    string
		f       pg.BoardFilter
		offsets map[inventory.Status]int
	}{
		{"just-synced", pg.BoardFilter{}, nil},
		{"default", pg.BoardFilter{}, nil},
		{"category-office-worker", pg.BoardFilter{Category: string(inventory.OfficeWorker)}, nil},
		{"non-compliant", pg.BoardFilter{Compliance: string(inventory.NonCompliant)}, nil},
		{"privileged", pg.BoardFilter{Marker: string(inventory.Privileged)}, nil},
		{"mine", pg.BoardFilter{Mine: tm.engineer.ID}, nil},
		{"overdue", pg.BoardFilter{Overdue: true}, nil},
		{"search", pg.BoardFilter{Query: "son"}, nil},
		{"search-rare", pg.BoardFilter{Query: "svc"}, nil},
		{"lanes-by-category", pg.BoardFilter{Swimlane: pg.LaneByCategory}, nil},
		{"triage-deep-page", pg.BoardFilter{}, map[inventory.Status]int{inventory.Triage: 5000}},
	}
	for i, c := range cases {
		if i == 1 {
			spreadCards(b, store, tm, tenant)
		}
		b.Run(c.name, func(b *testing.B) {
			c.f.TenantID, c.f.Now = tenant, now
			var (
				board pg.Board
				took  []time.Duration
				err   error
			)
			for range b.N {
				start := time.Now()
				board, err = store.Board(ctx, c.f, pg.DefaultBoardPage, c.offsets)
				took = append(took, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
			}
			shown := 0
			for _, col := range board.Columns {
				shown += len(col.Cards)
			}
			for _, l := range board.Lanes {
				for _, col := range l.Columns {
					shown += len(col.Cards)
				}
			}
			b.ReportMetric(float64(board.Total), "matches")
			b.ReportMetric(float64(shown), "cards")
			reportP95(b, took)
		})
	}
}

// BenchmarkMoveCard measures one move (lock, checks, write, audit event)
// on a board of 100,000 cards.
func BenchmarkMoveCard(b *testing.B) {
	store, tm, tenant := syncedBoard(b, 100_000)
	spreadCards(b, store, tm, tenant)
	ctx := b.Context()
	board, err := store.Board(ctx, pg.BoardFilter{TenantID: tenant}, 0, nil)
	if err != nil {
		b.Fatal(err)
	}
	c := column(b, board.Columns, inventory.Planned).Cards[0].Card
	var took []time.Duration
	b.ResetTimer()
	for i := range b.N {
		to := inventory.InProgress
		if i%2 == 1 {
			to = inventory.Planned
		}
		start := time.Now()
		c, err = store.MoveCard(ctx, tm.lead, tenant, c.AccountID, to, c.Version, "")
		took = append(took, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
	}
	reportP95(b, took)
}

// reportP95 reports the 95th percentile of the iterations' times.
func reportP95(b *testing.B, took []time.Duration) {
	if len(took) == 0 {
		return
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
}
