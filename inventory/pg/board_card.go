package pg

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// boardCardColumns are what scanBoardCard reads: a card (alias c, its
// assignee u joined by cardAssignee) and the account's facts copied onto it.
const boardCardColumns = cardColumns + `, c.upn, c.display_name, c.category, c.path, c.compliance, c.markers`

// scanBoardCard reads a card as the board shows it at now. first are the
// destinations of the columns selected before boardCardColumns.
func scanBoardCard(row pgx.Row, now time.Time, first ...any) (BoardCard, error) {
	var (
		bc      BoardCard
		r       cardRow
		due     *time.Time
		markers []string
	)
	err := row.Scan(append(first, &r.AccountID, &r.Status, &r.Assignee, &r.AssigneeName, &due, &r.Version,
		&r.ExceptionRequester, &r.updatedBy, &r.updatedByName, &r.updatedAt, &r.statusSince,
		&bc.UserPrincipalName, &bc.DisplayName, &bc.Category, &bc.Path, &bc.Compliance, &markers)...)
	if err != nil {
		return BoardCard{}, err
	}
	r.DueDate = timeFromNull(due)
	bc.Card, bc.Markers = r.Card, toMarkers(markers)
	bc.DaysInColumn = max(0, int(now.Sub(r.statusSince)/(24*time.Hour)))
	bc.Overdue = CardOverdue(bc.Card, now)
	return bc, nil
}

// BoardCard returns one account's card as the board shows it at now, read
// by itself: a card the board does not list (its account has gone from the
// tenant) included. An account not in the tenant is ENOTFOUND.
func (s *Store) BoardCard(ctx context.Context, tenantID, accountID string, now time.Time) (BoardCard, error) {
	bc, err := scanBoardCard(s.pool.QueryRow(ctx, `SELECT `+boardCardColumns+` FROM cards c`+cardAssignee+`
		WHERE c.tenant_id = $1 AND c.account_id = $2`, tenantID, accountID), now)
	if errors.Is(err, pgx.ErrNoRows) {
		return BoardCard{}, accountNotFound(tenantID, accountID)
	}
	if err != nil {
		return BoardCard{}, fmt.Errorf("store: board card: %w", err)
	}
	return bc, nil
}

// With is the same account's board card after a change for which the store
// returned c (MoveCard, Assign and the rest): the account's facts as they
// were, the days in the column restarted when the change moved the card, and
// overdue by c's due date at now.
func (bc BoardCard) With(c inventory.Card, now time.Time) BoardCard {
	if c.Status != bc.Status {
		bc.DaysInColumn = 0
	}
	bc.Card, bc.Overdue = c, CardOverdue(c, now)
	return bc
}
