package pgtest

import (
	"context"
	"fmt"

	"github.com/mfaboard/mfaboard/inventory/pg"
)

// BoardTeam are the people a board in use is worked by, as user ids: a
// security lead who asks for and grants the exceptions, and two engineers.
type BoardTeam struct {
	Lead      string
	Engineers [2]string
}

// SpreadCards arranges a synced tenant's cards as a board worked on for
// months looks: 40 in 100 in triage, then planned, in progress, blocked,
// remediated and verified; one in 100 with an exception requested by the
// lead, one granted by the lead (each with its exception row); a third of
// the others assigned (a tenth of those to the first engineer, the rest
// to the second); a fifth due on a day of November 2026. It is arranged
// directly, in a few statements: a year of people's work would take too
// long. Then the tables are left as autovacuum would leave them: rewriting
// every card at once leaves half the table dead, which a board worked on
// over months does not have.
func SpreadCards(ctx context.Context, store *pg.Store, tenant string, team BoardTeam) error {
	_, err := store.Pool().Exec(ctx, `
		WITH spread AS (
			SELECT account_id, abs(hashtext(account_id)) % 100 AS h, abs(hashtext(account_id || 'due')) % 100 AS d
			FROM cards WHERE tenant_id = $1
		)
		UPDATE cards c SET
			status = CASE WHEN h < 40 THEN 'triage' WHEN h < 55 THEN 'planned' WHEN h < 65 THEN 'in_progress'
			              WHEN h < 70 THEN 'blocked' WHEN h < 80 THEN 'remediated' WHEN h < 98 THEN 'verified'
			              WHEN h < 99 THEN 'exception_requested' ELSE 'exception_granted' END,
			exception_requester = CASE WHEN h >= 98 THEN $2::uuid END,
			assignee_id = CASE WHEN h >= 40 AND h % 3 = 0 THEN (CASE WHEN h % 10 = 0 THEN $3::uuid ELSE $4::uuid END) END,
			due_date = CASE WHEN d < 20 THEN date '2026-11-01' + d END
		FROM spread s WHERE c.tenant_id = $1 AND c.account_id = s.account_id`,
		tenant, team.Lead, team.Engineers[0], team.Engineers[1])
	if err != nil {
		return fmt.Errorf("spread the cards: %w", err)
	}
	_, err = store.Pool().Exec(ctx, `
		INSERT INTO exceptions (tenant_id, account_id, requested_by, requested_by_name, justification,
		                        compensating_controls, expiry_requested, status, decided_by, decided_by_name, decided_at)
		SELECT tenant_id, account_id, $2::uuid, 'Lead', 'The device cannot show an MFA prompt at all.',
		       'Compliant device and named location only.', date '2027-03-01' + (abs(hashtext(account_id)) % 90),
		       CASE WHEN granted THEN 'granted' ELSE 'requested' END,
		       CASE WHEN granted THEN $2::uuid END, CASE WHEN granted THEN 'Lead' ELSE '' END,
		       CASE WHEN granted THEN now() END
		FROM (SELECT tenant_id, account_id, status = 'exception_granted' AS granted FROM cards
		      WHERE tenant_id = $1 AND status IN ('exception_requested', 'exception_granted')) c`, tenant, team.Lead)
	if err != nil {
		return fmt.Errorf("file the exceptions: %w", err)
	}
	for _, stmt := range []string{`VACUUM (FULL) cards`, `VACUUM ANALYZE`} {
		if _, err := store.Pool().Exec(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
	}
	return nil
}
