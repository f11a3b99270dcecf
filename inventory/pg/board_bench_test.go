package pg_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

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
	if err := pgtest.SpreadCards(context.Background(), store, tenant, team); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkBoard100k reads the board of a 100,000-account tenant as the
// page asks for it: every column's count and first 50 cards. The first case
// reads it the moment its first sync has committed (every card in triage,
// not yet vacuumed); the others a board in use.
func BenchmarkBoard100k(b *testing.B) {
	store, tm, tenant := syncedBoard(b, 100_000)
	ctx := context.Background()
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
	ctx := context.Background()
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
