package pg

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// TurnFixIntoWork gives the cards of a fix's accounts to one person with a
// due date and moves them to planned, in one transaction, as a bulk edit
// does (the same moves, assignments, due dates and audit events, each move
// checked by inventory.PlanMove): a security lead's action
// (inventory.CanTurnFixIntoWork). Cards not yet worked on (triage, or
// verified though the account is open again) move to planned; planned
// cards keep their column; cards whose work has started (in progress,
// blocked, remediated, an exception) are left as they are, and counted.
func (s *Store) TurnFixIntoWork(ctx context.Context, actor inventory.Actor, tenantID, fixID string, w inventory.FixWork) (inventory.FixWorkOutcome, error) {
	var out inventory.FixWorkOutcome
	if err := inventory.CanTurnFixIntoWork(actor); err != nil {
		return out, err
	}
	if err := w.Validate(time.Now()); err != nil {
		return out, err
	}
	err := s.inTx(ctx, "turn a fix into work", func(tx pgx.Tx) error {
		fix, _, err := planFix(ctx, tx, tenantID, fixID, "accounts")
		if err != nil {
			return err
		}
		ids := make([]string, len(fix.Accounts))
		for i, a := range fix.Accounts {
			ids[i] = a.ID
		}
		cards, err := lockCards(ctx, tx, "c.tenant_id = $1 AND c.account_id = ANY($2)", []any{tenantID, ids})
		if err != nil {
			return err
		}
		var toPlan, work []cardRow
		for _, c := range cards {
			switch c.Status {
			case inventory.Triage, inventory.Verified:
				toPlan = append(toPlan, c)
				work = append(work, c)
			case inventory.Planned:
				work = append(work, c)
			default:
				out.InWork++
			}
		}
		due := w.Due
		b := bulkEdit{tx: tx, actor: actor, tenantID: tenantID, cards: toPlan, changed: map[string]bool{},
			action: BulkAction{Assign: &w.Assignee, DueDate: &due, Reason: "Planned from the fix: " + inventory.Printable(fix.Title)}}
		if err := b.move(ctx, inventory.Planned); err != nil {
			return err
		}
		out.Planned = len(b.changed)
		b.cards, b.changed = work, map[string]bool{}
		if err := b.assign(ctx, w.Assignee); err != nil {
			return err
		}
		if err := b.setDue(ctx, dateText(due)); err != nil {
			return err
		}
		out.Assigned = len(b.changed)
		return insertEvents(ctx, tx, actor, tenantID, b.events)
	})
	return out, err
}
