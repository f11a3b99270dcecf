package pg_test

import (
	"context"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
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

// boardInUse stores a demo tenant of n accounts and spreads its cards over
// the columns as a board in use looks: most in triage and planned, a third
// of the rest assigned to two engineers, a fifth with due dates, one in a
// hundred under a granted exception.
func boardInUse(b *testing.B, n int) (*pg.Store, string) {
	b.Helper()
	snap, res := demoTenant(n)
	store, _ := pgtest.NewStore(b)
	ctx := context.Background()
	runID, err := store.StartRun(ctx, pg.SourceDemo)
	if err != nil {
		b.Fatal(err)
	}
	if err := store.ApplySync(ctx, runID, snap, inventory.KindMixed, res); err != nil {
		b.Fatal(err)
	}
	tm := newTeam(b, store)
	// Arranged directly: a year of people's work would take too long.
	_, err = store.Pool().Exec(ctx, `
		WITH spread AS (
			SELECT account_id, abs(hashtext(account_id)) % 100 AS h, abs(hashtext(account_id || 'due')) % 100 AS d
			FROM cards WHERE tenant_id = $1
		)
		UPDATE cards c SET
			status = CASE WHEN h < 40 THEN 'triage' WHEN h < 55 THEN 'planned' WHEN h < 65 THEN 'in_progress'
			              WHEN h < 70 THEN 'blocked' WHEN h < 80 THEN 'remediated' WHEN h < 99 THEN 'verified'
			              ELSE 'exception_granted' END,
			exception_requester = CASE WHEN h >= 99 THEN $2::uuid END,
			assignee_id = CASE WHEN h >= 40 AND h % 3 = 0 THEN (CASE WHEN h % 10 = 0 THEN $3::uuid ELSE $4::uuid END) END,
			due_date = CASE WHEN d < 20 THEN date '2026-11-01' + d END
		FROM spread s WHERE c.tenant_id = $1 AND c.account_id = s.account_id`,
		snap.Tenant.ID, tm.lead.ID, tm.engineer.ID, tm.engineer2.ID)
	if err != nil {
		b.Fatal(err)
	}
	_, err = store.Pool().Exec(ctx, `
		INSERT INTO exceptions (tenant_id, account_id, requested_by, requested_by_name, justification,
		                        compensating_controls, expiry_requested, status, decided_by, decided_by_name, decided_at)
		SELECT tenant_id, account_id, $2::uuid, 'Dana Lead', 'The device cannot show an MFA prompt.',
		       'Compliant device and named location only.', date '2027-03-01' + (abs(hashtext(account_id)) % 90),
		       'granted', $3::uuid, 'Lee Second', now()
		FROM cards WHERE tenant_id = $1 AND status = 'exception_granted'`,
		snap.Tenant.ID, tm.lead.ID, tm.lead2.ID)
	if err != nil {
		b.Fatal(err)
	}
	for _, table := range []string{"cards", "exceptions"} {
		if _, err := store.Pool().Exec(ctx, `VACUUM ANALYZE `+table); err != nil {
			b.Fatal(err)
		}
	}
	return store, snap.Tenant.ID
}
