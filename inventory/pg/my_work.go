package pg

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// MaxAssignedWork is how many cards AssignedWork returns at most; the
// board's "mine" filter shows the rest.
const MaxAssignedWork = 200

// assignedStatuses are the cards an assignee still has in hand: the open
// work, and the work waiting for a lead (remediated, an exception asked
// for), which they follow up.
var assignedStatuses = []string{string(inventory.Triage), string(inventory.Planned), string(inventory.InProgress),
	string(inventory.Blocked), string(inventory.Remediated), string(inventory.ExceptionRequested)}

// AssignedWork returns a tenant's cards assigned to userID that are still
// in hand (assignedStatuses), by due date (none last), then in board order;
// at most MaxAssignedWork, and more is true when there are others. Overdue
// is as inventory.Overdue says at now.
func (s *Store) AssignedWork(ctx context.Context, tenantID, userID string, now time.Time) (cards []BoardCard, more bool, err error) {
	if uuid.Validate(userID) != nil {
		return nil, false, nil // the system actors are assigned nothing
	}
	rows, err := s.pool.Query(ctx, `SELECT `+boardCardColumns+` FROM cards c`+cardAssignee+`
		WHERE c.tenant_id = $1 AND c.assignee_id = $2::uuid AND c.active AND c.status = ANY($3)
		ORDER BY c.due_date NULLS LAST, c.rank, c.upn_key, c.account_id
		LIMIT $4`, tenantID, userID, assignedStatuses, MaxAssignedWork+1)
	if err != nil {
		return nil, false, fmt.Errorf("store: assigned work: %w", err)
	}
	cards, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (BoardCard, error) { return scanBoardCard(row, now) })
	if err != nil {
		return nil, false, fmt.Errorf("store: assigned work: %w", err)
	}
	if len(cards) > MaxAssignedWork {
		return cards[:MaxAssignedWork], true, nil
	}
	return cards, false, nil
}
