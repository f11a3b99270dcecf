package pg

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// Every change to a card happens in a transaction that locks the card
// (SELECT ... FOR UPDATE), checks the version the person saw, checks the
// rules of package inventory against the card as it stands, writes, and
// records the audit event: two people acting on one card are served one
// after the other, and the second is told rather than overwritten.

// ConflictError refuses a change made on a stale version of a card. It
// carries the card as it now stands and who changed it last; its code is
// inventory.ECONFLICT (errors.As finds the *inventory.Error it wraps).
type ConflictError struct {
	Card      inventory.Card
	ChangedBy string // a name
	ChangedAt time.Time
	err       *inventory.Error
}

func newConflict(cur cardRow) *ConflictError {
	e := &ConflictError{Card: cur.Card, ChangedBy: cur.updatedByName, ChangedAt: cur.updatedAt}
	who := e.ChangedBy
	if who == "" {
		who = "someone else"
	}
	when := "at " + e.ChangedAt.UTC().Format("15:04") + " UTC"
	if y, m, d := e.ChangedAt.UTC().Date(); time.Date(y, m, d, 0, 0, 0, 0, time.UTC) != inventory.Today(time.Now()) {
		when = "on " + e.ChangedAt.UTC().Format("2 Jan 2006") + " " + when
	}
	now := "it is now " + cur.Status.Label()
	if cur.AssigneeName != "" {
		now += ", assigned to " + cur.AssigneeName
	}
	e.err = inventory.Errorf(inventory.ECONFLICT,
		"This card was changed by %s %s after you opened it: %s. Reload to see it.", who, when, now)
	return e
}

func (e *ConflictError) Error() string { return e.err.Message }

// Unwrap gives inventory.ErrorCode and inventory.ErrorMessage the domain
// error inside.
func (e *ConflictError) Unwrap() error { return e.err }

// cardRow is a card with what the store keeps about its last change.
type cardRow struct {
	inventory.Card
	updatedBy, updatedByName string
	updatedAt, statusSince   time.Time
}

// cardColumns are what scanCard reads of a card (alias c) and its
// assignee (alias u, joined by cardAssignee). The cause of the verdict is
// not among them: it lives in the assessment, and only a refusal reads it
// (planMove).
const (
	cardColumns = `c.account_id, c.status, coalesce(c.assignee_id::text, ''),
	       coalesce(nullif(u.display_name, ''), u.email, ''), c.due_date, c.version,
	       coalesce(c.exception_requester::text, ''), c.updated_by, c.updated_by_name,
	       c.updated_at, c.status_since, c.status_reason, c.upn, c.compliance, c.markers`
	cardAssignee = ` LEFT JOIN app_users u ON u.id = c.assignee_id`
)

// destinations are where a row of cardColumns goes.
func (c *cardRow) destinations(due **time.Time, markers *[]string) []any {
	return []any{&c.AccountID, &c.Status, &c.Assignee, &c.AssigneeName, due, &c.Version,
		&c.ExceptionRequester, &c.updatedBy, &c.updatedByName, &c.updatedAt, &c.statusSince,
		&c.StatusReason, &c.UserPrincipalName, &c.Compliance, markers}
}

// settle finishes a card read by destinations.
func (c *cardRow) settle(due *time.Time, markers []string) {
	c.DueDate, c.Markers = timeFromNull(due), toMarkers(markers)
	c.updatedAt, c.statusSince = c.updatedAt.UTC(), c.statusSince.UTC()
}

func scanCard(row pgx.Row) (cardRow, error) {
	var (
		c       cardRow
		due     *time.Time
		markers []string
	)
	err := row.Scan(c.destinations(&due, &markers)...)
	c.settle(due, markers)
	return c, err
}

// Card returns an account's card. An account not in the tenant is
// ENOTFOUND.
func (s *Store) Card(ctx context.Context, tenantID, accountID string) (inventory.Card, error) {
	c, err := readCard(ctx, s.pool, tenantID, accountID, "")
	if err != nil {
		return inventory.Card{}, err
	}
	return c.Card, nil
}

// lockCard reads a card and locks it until the transaction ends.
func lockCard(ctx context.Context, tx pgx.Tx, tenantID, accountID string) (cardRow, error) {
	return readCard(ctx, tx, tenantID, accountID, " FOR UPDATE OF c")
}

func readCard(ctx context.Context, q querier, tenantID, accountID, lock string) (cardRow, error) {
	c, err := scanCard(q.QueryRow(ctx, `SELECT `+cardColumns+` FROM cards c`+cardAssignee+`
		WHERE c.tenant_id = $1 AND c.account_id = $2`+lock, tenantID, accountID))
	if errors.Is(err, pgx.ErrNoRows) {
		return cardRow{}, accountNotFound(tenantID, accountID)
	}
	if err != nil {
		return cardRow{}, fmt.Errorf("store: card: %w", err)
	}
	return c, nil
}

// checkVersion refuses a change made on another version than the card's.
func (c cardRow) checkVersion(version int64) error {
	if version != c.Version {
		return newConflict(c)
	}
	return nil
}

// updateCard applies set (SQL assignments to the columns of cards, with
// arguments from $5 on) to one card, counts the change and records who made
// it, and returns the card as it now is.
func updateCard(ctx context.Context, tx pgx.Tx, actor inventory.Actor, tenantID, accountID, set string, args ...any) (cardRow, error) {
	c, err := scanCard(tx.QueryRow(ctx, `
		WITH changed AS (
			UPDATE cards SET `+set+`, version = version + 1, updated_at = now(),
			       updated_by = $3, updated_by_name = $4
			WHERE tenant_id = $1 AND account_id = $2
			RETURNING *
		)
		SELECT `+cardColumns+` FROM changed c`+cardAssignee,
		append([]any{tenantID, accountID, actor.ID, actor.Name}, args...)...))
	if err != nil {
		return cardRow{}, fmt.Errorf("update card: %w", err)
	}
	return c, nil
}

// inTx runs fn in a transaction and commits it when fn succeeds.
func (s *Store) inTx(ctx context.Context, what string, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := fn(tx); err != nil {
		var domain *inventory.Error
		if errors.As(err, &domain) {
			return err
		}
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("store: %s: commit: %w", what, err)
	}
	return nil
}
