package pg

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// A sync keeps the board honest, inside its own transaction: every account
// it has just found gets a card (in triage when it is open work, in
// verified when it is compliant or disabled), every card's copy of the
// account's facts is refreshed, and the cards inventory.AfterSync moves
// (verified when compliant, reopened when no longer) move, each with an
// audit event by "sync". All of it is set-based: a handful of statements
// whatever the tenant's size, and the SQL's choices are written from the Go
// rules' own answers.

// cardRankSQL is inventory.BoardRank of an assessment (s), written from
// the rule's answers for every verdict, privileged or not.
var cardRankSQL = func() string {
	arms := map[bool]string{}
	for _, rc := range inventory.BoardRankCases() {
		if rc.Compliance == "" {
			arms[rc.Privileged] += fmt.Sprintf(` ELSE %d END`, rc.Rank)
			continue
		}
		arms[rc.Privileged] += fmt.Sprintf(` WHEN '%s' THEN %d`, rc.Compliance, rc.Rank)
	}
	return `(CASE WHEN s.markers && ` + sqlArray(inventory.PrivilegedMarkers) +
		` THEN CASE s.compliance` + arms[true] + ` ELSE CASE s.compliance` + arms[false] + ` END)`
}()

// newCardsSQL is inventory.AfterSync for the accounts a sync has just
// found: by verdict (empty for none), the column the card enters and the
// event's reason, as rows (n) to join on.
var newCardsSQL = func() string {
	var rows []string
	for _, v := range append(slices.Clone(inventory.Compliances), "") {
		to, _, reason := inventory.AfterSync(inventory.Card{}, v)
		rows = append(rows, fmt.Sprintf(`('%s', '%s', '%s')`, v, to, strings.ReplaceAll(reason, "'", "''")))
	}
	return `(VALUES ` + strings.Join(rows, ", ") + `) AS n(compliance, status, reason)`
}()

// cardFacts are the columns of cards copied from the account (a) and its
// assessment (s), and the values they take.
var (
	cardFactColumns = `upn, display_name, category, path, compliance, markers, rank, upn_key, active`
	cardFactValues  = `a.upn, a.display_name, coalesce(s.category, ''), coalesce(s.path, ''),
		coalesce(s.compliance, ''), coalesce(s.markers, '{}'), coalesce(` + cardRankSQL + `, 5), lower(a.upn),
		a.removed_at IS NULL`
)

// syncMoving are the pairs of status and verdict whose cards a sync
// moves: those inventory.AfterSync changes. Only those cards are read, so a
// sync reads the cards that move, not every verified one.
var syncMoving = func() (statuses, verdicts []string) {
	for _, st := range inventory.Statuses {
		for _, v := range append(slices.Clone(inventory.Compliances), "") {
			if _, changed, _ := inventory.AfterSync(inventory.Card{Status: st}, v); changed {
				statuses, verdicts = append(statuses, string(st)), append(verdicts, string(v))
			}
		}
	}
	return statuses, verdicts
}

// syncCards brings a tenant's board in step with the accounts and
// assessments a sync has just written.
func syncCards(ctx context.Context, tx pgx.Tx, tenantID string) (created, moved int, err error) {
	actor := inventory.SyncActor
	tag, err := tx.Exec(ctx, `
		WITH created AS (
			INSERT INTO cards (tenant_id, account_id, status, status_reason, updated_by, updated_by_name, `+cardFactColumns+`)
			SELECT a.tenant_id, a.id, n.status, n.reason, $2, $3, `+cardFactValues+`
			FROM accounts a
			LEFT JOIN assessments s ON s.tenant_id = a.tenant_id AND s.account_id = a.id
			JOIN `+newCardsSQL+` ON n.compliance = coalesce(s.compliance, '')
			WHERE a.tenant_id = $1 AND a.removed_at IS NULL
			  AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.tenant_id = a.tenant_id AND c.account_id = a.id)
			ORDER BY a.id -- the indexes on account ids fill in order
			RETURNING tenant_id, account_id, status, status_reason
		)
		INSERT INTO audit_events (actor_id, actor_name, tenant_id, account_id, action, to_value, reason)
		SELECT $2, $3, tenant_id, account_id, '`+inventory.ActionCardCreated+`', status, status_reason FROM created`,
		tenantID, actor.ID, actor.Name)
	if err != nil {
		return 0, 0, fmt.Errorf("create cards: %w", err)
	}
	created = int(tag.RowsAffected())
	if err := refreshCardFacts(ctx, tx, tenantID, false); err != nil {
		return 0, 0, err
	}
	moves, err := syncMoves(ctx, tx, tenantID)
	if err != nil {
		return 0, 0, err
	}
	moved, err = applyMoves(ctx, tx, actor, moves)
	return created, moved, err
}

// refreshCardFacts copies the accounts' facts into their cards, writing
// only the cards whose facts changed. onlyStaged limits it to the accounts
// of staging_assessments (a reassessment of some accounts).
func refreshCardFacts(ctx context.Context, tx pgx.Tx, tenantID string, onlyStaged bool) error {
	staged := ""
	if onlyStaged {
		staged = ` AND c.account_id IN (SELECT account_id FROM staging_assessments)`
	}
	_, err := tx.Exec(ctx, `
		UPDATE cards c SET (`+cardFactColumns+`) = ROW(`+cardFactValues+`)
		FROM accounts a
		LEFT JOIN assessments s ON s.tenant_id = a.tenant_id AND s.account_id = a.id
		WHERE c.tenant_id = $1 AND a.tenant_id = c.tenant_id AND a.id = c.account_id`+staged+`
		  AND (`+prefixed("c.", cardFactColumns)+`) IS DISTINCT FROM (`+cardFactValues+`)`, tenantID)
	if err != nil {
		return fmt.Errorf("refresh cards: %w", err)
	}
	return nil
}

// prefixed writes a list of columns with a table alias before each.
func prefixed(alias, columns string) string {
	names := strings.Split(columns, ",")
	for i, n := range names {
		names[i] = alias + strings.TrimSpace(n)
	}
	return strings.Join(names, ", ")
}

// syncMoves reads the cards that follow the verdict and decides their moves
// with inventory.AfterSync.
func syncMoves(ctx context.Context, tx pgx.Tx, tenantID string) ([]plannedMove, error) {
	statuses, verdicts := syncMoving()
	rows, err := tx.Query(ctx, `
		SELECT c.account_id, c.status, c.version, coalesce(c.assignee_id::text, ''),
		       coalesce(c.exception_requester::text, ''), c.compliance
		FROM cards c
		WHERE c.tenant_id = $1 AND c.active
		  AND (c.status, c.compliance) IN (SELECT * FROM unnest($2::text[], $3::text[]))`, tenantID, statuses, verdicts)
	if err != nil {
		return nil, fmt.Errorf("read cards: %w", err)
	}
	defer rows.Close()
	var moves []plannedMove
	for rows.Next() {
		var (
			c       inventory.Card
			verdict inventory.Compliance
		)
		if err := rows.Scan(&c.AccountID, &c.Status, &c.Version, &c.Assignee, &c.ExceptionRequester, &verdict); err != nil {
			return nil, fmt.Errorf("read cards: %w", err)
		}
		to, changed, reason := inventory.AfterSync(c, verdict)
		if !changed {
			continue
		}
		plan, err := inventory.PlanMove(inventory.SyncActor, c, to, reason)
		if err != nil {
			return nil, fmt.Errorf("the sync's move of %s: %w", c.AccountID, err)
		}
		moves = append(moves, plannedMove{tenantID, plan})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read cards: %w", err)
	}
	return moves, nil
}
