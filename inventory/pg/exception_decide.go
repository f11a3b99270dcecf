package pg

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// OpenRequestCount is how many exception requests of a tenant wait for a
// decision: the count leads see in the nav.
func (s *Store) OpenRequestCount(ctx context.Context, tenantID string) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM exceptions WHERE tenant_id = $1 AND status = 'requested'`, tenantID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: open request count: %w", err)
	}
	return n, nil
}

// DecideExceptionRequest decides the request exceptionID as the exceptions
// page listed it, through DecideException (who may, the audit event, the
// card's move). The request itself stands for the version the person saw:
// one decided, withdrawn or replaced since is a conflict that names what
// became of it. It returns the request as decided.
func (s *Store) DecideExceptionRequest(ctx context.Context, actor inventory.Actor, tenantID string, exceptionID int64, grant bool, note string) (ExceptionRow, error) {
	var (
		accountID, status, decidedBy string
		version                      int64
	)
	err := s.pool.QueryRow(ctx, `
		SELECT e.account_id, e.status, e.decided_by_name, c.version
		FROM exceptions e JOIN cards c ON c.tenant_id = e.tenant_id AND c.account_id = e.account_id
		WHERE e.tenant_id = $1 AND e.id = $2`, tenantID, exceptionID).Scan(&accountID, &status, &decidedBy, &version)
	if errors.Is(err, pgx.ErrNoRows) {
		return ExceptionRow{}, inventory.Errorf(inventory.ENOTFOUND, "There is no exception request %d in this tenant.", exceptionID)
	}
	if err != nil {
		return ExceptionRow{}, fmt.Errorf("store: decide exception request: %w", err)
	}
	if status != inventory.ExceptionStateRequested {
		by := ""
		if decidedBy != "" {
			by = " by " + decidedBy
		}
		return ExceptionRow{}, inventory.Errorf(inventory.ECONFLICT, "This request was %s%s in the meantime; nothing was changed.", status, by)
	}
	if _, err := s.DecideException(ctx, actor, tenantID, accountID, grant, note, version); err != nil {
		return ExceptionRow{}, err
	}
	rows, err := s.exceptionRows(ctx, "decided exception", `WHERE e.tenant_id = $1 AND e.id = $2`, tenantID, exceptionID)
	if err != nil {
		return ExceptionRow{}, err
	}
	if len(rows) != 1 {
		return ExceptionRow{}, fmt.Errorf("store: decided exception %d not found", exceptionID)
	}
	return rows[0], nil
}
