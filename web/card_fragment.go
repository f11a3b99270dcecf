package web

import (
	"context"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// boardCardOf is one account's card exactly as the board shows it (days in
// column, overdue and all, by the store's own rules): the board searched
// for the account's UPN, the card picked by id. An account the board does
// not show (gone from the tenant) is built from its card and assessment.
func (s *Server) boardCardOf(ctx context.Context, tenantID, accountID string) (pg.BoardCard, error) {
	d, err := s.store.Account(ctx, tenantID, accountID)
	if err != nil {
		return pg.BoardCard{}, err
	}
	now := time.Now().UTC()
	board, err := s.store.Board(ctx, pg.BoardFilter{TenantID: tenantID, Query: d.User.UserPrincipalName, Now: now}, pg.MaxPageSize, nil)
	if err != nil {
		return pg.BoardCard{}, err
	}
	for _, col := range board.Columns {
		for _, bc := range col.Cards {
			if bc.AccountID == accountID {
				return bc, nil
			}
		}
	}
	card, err := s.store.Card(ctx, tenantID, accountID)
	if err != nil {
		return pg.BoardCard{}, err
	}
	bc := pg.BoardCard{Card: card, UserPrincipalName: d.User.UserPrincipalName, DisplayName: d.User.DisplayName,
		Overdue: inventory.Overdue(card.Status, card.DueDate, now)}
	if a := d.Assessment; a != nil {
		bc.Category, bc.Path, bc.Compliance, bc.Markers = a.Category, a.Path, a.Compliance, a.Markers
	} else {
		bc.Compliance = inventory.NotApplicable
	}
	return bc, nil
}
