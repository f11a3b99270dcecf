package pg

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// BulkAction is what a bulk edit does to every card it selects; nil fields
// are left alone.
type BulkAction struct {
	Assign  *string           // a user id; "" = nobody
	Path    *inventory.Path   // an override of the path; "" clears the path override
	DueDate *time.Time        // the zero time clears the due date
	MoveTo  *inventory.Status // checked card by card with inventory.CanMove
	// Reason says why, on the moves and the overrides; an override without
	// one is recorded as made by a bulk edit.
	Reason string
}

// Bulk applies a to many cards of a tenant in one transaction, with an
// audit event per card and change: the cards of accountIDs, or, when there
// are none, every card matching f (whose TenantID is set to tenantID). Only
// a security lead may (inventory.CanBulkEdit). A bulk edit never takes a
// step one edit could not: if the move is refused for any selected card,
// nothing is changed and the sentence says for how many and why. Cards
// already as asked are left alone. It returns how many cards changed; after
// a path override the caller reassesses the tenant (Reassess).
func (s *Store) Bulk(ctx context.Context, actor inventory.Actor, tenantID string, accountIDs []string, f *BoardFilter, a BulkAction) (changed int, err error) {
	if err := inventory.CanBulkEdit(actor); err != nil {
		return 0, err
	}
	if a.Assign == nil && a.Path == nil && a.DueDate == nil && a.MoveTo == nil {
		return 0, inventory.Errorf(inventory.EINVALID, "Choose what to change: assignee, path, due date or column.")
	}
	if a.Path != nil && *a.Path != "" && !slices.Contains(inventory.Paths, *a.Path) {
		return 0, inventory.Errorf(inventory.EINVALID, "Unknown path %q: use one of %s.", *a.Path, joinValues(inventory.Paths))
	}
	if a.MoveTo != nil {
		if _, err := inventory.ParseStatus(string(*a.MoveTo)); err != nil {
			return 0, err
		}
	}
	if a.Reason, err = inventory.CleanText("The reason", a.Reason, inventory.MaxReasonLength); err != nil {
		return 0, err
	}
	sel, err := bulkSelection(tenantID, accountIDs, f)
	if err != nil {
		return 0, err
	}
	err = s.inTx(ctx, "bulk edit", func(tx pgx.Tx) error {
		if err := sel.resolve(ctx, tx); err != nil {
			return err
		}
		cards, err := lockCards(ctx, tx, sel.where, sel.args)
		if err != nil {
			return err
		}
		if len(accountIDs) > 0 && len(cards) < len(accountIDs) {
			return missingCard(tenantID, accountIDs, cards)
		}
		b := bulkEdit{tx: tx, actor: actor, tenantID: tenantID, cards: cards, action: a, changed: map[string]bool{}}
		if err := b.run(ctx); err != nil {
			return err
		}
		changed = len(b.changed)
		return nil
	})
	return changed, err
}

// bulkSelection is the WHERE clause (on cards c) of a bulk edit's cards.
func bulkSelection(tenantID string, accountIDs []string, f *BoardFilter) (*boardQuery, error) {
	if len(accountIDs) > 0 {
		return &boardQuery{where: "c.tenant_id = $1 AND c.account_id = ANY($2)", args: []any{tenantID, accountIDs}}, nil
	}
	if f == nil {
		return nil, inventory.Errorf(inventory.EINVALID, "Choose the accounts to change: tick them on the board, or apply the edit to every account the board's filter shows.")
	}
	filter := *f
	filter.TenantID, filter.Swimlane = tenantID, ""
	if filter.Now.IsZero() {
		filter.Now = time.Now()
	}
	return newBoardQuery(filter)
}

// lockCards reads and locks the selected cards, in account order so that
// two bulk edits lock in the same order.
func lockCards(ctx context.Context, tx pgx.Tx, where string, args []any) ([]cardRow, error) {
	rows, err := tx.Query(ctx, `SELECT `+cardColumns+` FROM cards c`+cardAssignee+`
		WHERE `+where+` ORDER BY c.account_id FOR UPDATE OF c`, args...)
	if err != nil {
		return nil, fmt.Errorf("lock cards: %w", err)
	}
	cards, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (cardRow, error) { return scanCard(row) })
	if err != nil {
		return nil, fmt.Errorf("lock cards: %w", err)
	}
	return cards, nil
}

func missingCard(tenantID string, ids []string, found []cardRow) error {
	have := make(map[string]bool, len(found))
	for _, c := range found {
		have[c.AccountID] = true
	}
	for _, id := range ids {
		if !have[id] {
			return accountNotFound(tenantID, id)
		}
	}
	return nil // the same id twice
}

// bulkEdit is one bulk edit under way.
type bulkEdit struct {
	tx       pgx.Tx
	actor    inventory.Actor
	tenantID string
	cards    []cardRow
	action   BulkAction
	events   []AuditEvent
	changed  map[string]bool
}

func (b *bulkEdit) run(ctx context.Context) error {
	// The moves first: they are checked against the versions just locked.
	if b.action.MoveTo != nil {
		if err := b.move(ctx, *b.action.MoveTo); err != nil {
			return err
		}
	}
	if b.action.Assign != nil {
		if err := b.assign(ctx, *b.action.Assign); err != nil {
			return err
		}
	}
	if b.action.DueDate != nil {
		if err := b.setDue(ctx, dateText(*b.action.DueDate)); err != nil {
			return err
		}
	}
	if b.action.Path != nil {
		if err := b.overridePath(ctx, *b.action.Path); err != nil {
			return err
		}
	}
	return insertEvents(ctx, b.tx, b.actor, b.tenantID, b.events)
}

func (b *bulkEdit) move(ctx context.Context, to inventory.Status) error {
	var (
		moves   []plannedMove
		refused []string
		first   error
	)
	for _, c := range b.cards {
		if c.Status == to {
			continue
		}
		plan, err := inventory.PlanMove(b.actor, c.Card, to, b.action.Reason)
		if err != nil {
			refused = append(refused, c.AccountID)
			if first == nil {
				if _, first = planMove(ctx, b.tx, b.tenantID, b.actor, c.Card, to, b.action.Reason); first == nil {
					first = err
				}
			}
			continue
		}
		moves = append(moves, plannedMove{b.tenantID, plan})
	}
	if first != nil {
		name := refused[0]
		if err := b.tx.QueryRow(ctx, `SELECT upn FROM accounts WHERE tenant_id = $1 AND id = $2`,
			b.tenantID, name).Scan(&name); err != nil {
			return fmt.Errorf("name a refused card: %w", err)
		}
		return inventory.Errorf(inventory.ErrorCode(first), "%d of the %d accounts cannot move to %s, so nothing was changed. The first, %s: %s",
			len(refused), len(b.cards), to.Label(), name, inventory.ErrorMessage(first))
	}
	n, err := applyMoves(ctx, b.tx, b.actor, moves)
	if err != nil {
		return err
	}
	if n != len(moves) {
		return fmt.Errorf("moved %d of %d locked cards", n, len(moves))
	}
	for _, m := range moves {
		b.changed[m.AccountID] = true
	}
	return nil
}

func (b *bulkEdit) assign(ctx context.Context, assigneeID string) error {
	name, err := assigneeName(ctx, b.tx, assigneeID)
	if err != nil {
		return err
	}
	var ids []string
	for _, c := range b.cards {
		if c.Assignee == assigneeID {
			continue
		}
		ids = append(ids, c.AccountID)
		b.events = append(b.events, AuditEvent{AccountID: c.AccountID, Action: inventory.ActionAssign, From: c.AssigneeName,
			To: name, Details: map[string]any{"from_id": c.Assignee, "to_id": assigneeID}})
	}
	return b.update(ctx, ids, `assignee_id = $5::uuid`, nullIfBlank(assigneeID))
}

func (b *bulkEdit) setDue(ctx context.Context, day string) error {
	var ids []string
	for _, c := range b.cards {
		if dateText(c.DueDate) == day {
			continue
		}
		ids = append(ids, c.AccountID)
		b.events = append(b.events, AuditEvent{AccountID: c.AccountID, Action: inventory.ActionDueDate,
			From: dateText(c.DueDate), To: day})
	}
	return b.update(ctx, ids, `due_date = $5::date`, nullIfBlank(day))
}

// update applies set (with its argument as $5) to the cards ids, counting
// and signing the change as updateCard does.
func (b *bulkEdit) update(ctx context.Context, ids []string, set string, arg any) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := b.tx.Exec(ctx, `
		UPDATE cards SET `+set+`, version = version + 1, updated_at = now(), updated_by = $3, updated_by_name = $4
		WHERE tenant_id = $1 AND account_id = ANY($2)`, b.tenantID, ids, b.actor.ID, b.actor.Name, arg)
	if err != nil {
		return fmt.Errorf("update cards: %w", err)
	}
	for _, id := range ids {
		b.changed[id] = true
	}
	return nil
}
