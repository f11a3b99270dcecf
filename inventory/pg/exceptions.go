package pg

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// Technical exceptions (DOMAIN.md §2, §4): requested with a justification,
// compensating controls and an expiry; decided by a security lead who did
// not request it; granted, they make the account excepted until the expiry,
// when ExpireExceptions reopens it. Every step is on the record.

// RequestException files actor's request for a technical exception on an
// account, on the version of the card the person saw: the card moves to
// exception_requested with actor as its requester. Who may is
// inventory.CanRequestException; the request is checked by
// ExceptionRequest.Validate at now.
func (s *Store) RequestException(ctx context.Context, actor inventory.Actor, tenantID, accountID string, r inventory.ExceptionRequest, version int64, now time.Time) (inventory.Card, error) {
	r = r.Trimmed()
	var out inventory.Card
	err := s.inTx(ctx, "request exception", func(tx pgx.Tx) error {
		cur, err := lockCard(ctx, tx, tenantID, accountID)
		if err != nil {
			return err
		}
		if err := cur.checkVersion(version); err != nil {
			return err
		}
		if err := inventory.CanRequestException(actor, cur.Card); err != nil {
			return err
		}
		if err := r.Validate(now); err != nil {
			return err
		}
		var id int64
		err = tx.QueryRow(ctx, `
			INSERT INTO exceptions (tenant_id, account_id, requested_by, requested_by_name, justification,
			                        compensating_controls, expiry_requested)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			RETURNING id`, tenantID, accountID, actor.ID, actor.Name, r.Justification,
			r.CompensatingControls, r.Expiry).Scan(&id)
		if err != nil {
			return fmt.Errorf("insert exception: %w", err)
		}
		after, err := updateCard(ctx, tx, actor, tenantID, accountID,
			`status = 'exception_requested', status_since = now(), exception_requester = $5::uuid`, actor.ID)
		if err != nil {
			return err
		}
		out = after.Card
		return insertEvent(ctx, tx, AuditEvent{ActorID: actor.ID, ActorName: actor.Name, TenantID: tenantID,
			AccountID: accountID, Action: inventory.ActionExceptionRequested, From: string(cur.Status),
			To: string(inventory.ExceptionRequested), Reason: r.Justification,
			Details: map[string]any{"exception_id": id, "compensating_controls": r.CompensatingControls,
				"expiry": r.Expiry.UTC().Format(time.RFC3339)}})
	})
	return out, err
}

// DecideException grants or rejects the exception requested on an account,
// on the version of the card the person saw, with an optional note: granted,
// the card moves to exception_granted; rejected, back to planned. Who may
// is inventory.CanDecideException (a security lead who is not the
// requester). A request whose expiry has passed cannot be granted. The
// stored verdict becomes excepted when the caller reassesses the tenant
// (Reassess).
func (s *Store) DecideException(ctx context.Context, actor inventory.Actor, tenantID, accountID string, grant bool, note string, version int64) (inventory.Card, error) {
	note, err := inventory.CleanText("The note", note, inventory.MaxCommentLength)
	if err != nil {
		return inventory.Card{}, err
	}
	decision, to, action := inventory.ExceptionStateRejected, inventory.Planned, inventory.ActionExceptionRejected
	if grant {
		decision, to, action = inventory.ExceptionStateGranted, inventory.ExceptionGranted, inventory.ActionExceptionGranted
	}
	var out inventory.Card
	err = s.inTx(ctx, "decide exception", func(tx pgx.Tx) error {
		cur, err := lockCard(ctx, tx, tenantID, accountID)
		if err != nil {
			return err
		}
		if err := cur.checkVersion(version); err != nil {
			return err
		}
		if err := inventory.CanDecideException(actor, cur.Card); err != nil {
			return err
		}
		var (
			id     int64
			expiry time.Time
		)
		err = tx.QueryRow(ctx, `
			SELECT id, expiry_requested FROM exceptions
			WHERE tenant_id = $1 AND account_id = $2 AND status = 'requested'
			FOR UPDATE`, tenantID, accountID).Scan(&id, &expiry)
		if errors.Is(err, pgx.ErrNoRows) {
			return inventory.Errorf(inventory.EINVALID, "The exception request of this account is not on record; move it back to planned and request it again.")
		}
		if err != nil {
			return fmt.Errorf("read request: %w", err)
		}
		if grant && !expiry.After(time.Now()) {
			return inventory.Errorf(inventory.EINVALID, "The expiry requested, %s, has passed: reject this request and ask for a new one.",
				expiry.UTC().Format("2 Jan 2006"))
		}
		_, err = tx.Exec(ctx, `
			UPDATE exceptions SET status = $2, decided_by = $3, decided_by_name = $4, decided_at = now(),
			       decision_note = $5
			WHERE id = $1`, id, decision, actor.ID, actor.Name, note)
		if err != nil {
			return fmt.Errorf("decide: %w", err)
		}
		set := `status = $5, status_since = now()`
		if !grant {
			set += `, exception_requester = NULL`
		}
		after, err := updateCard(ctx, tx, actor, tenantID, accountID, set, string(to))
		if err != nil {
			return err
		}
		out = after.Card
		return insertEvent(ctx, tx, AuditEvent{ActorID: actor.ID, ActorName: actor.Name, TenantID: tenantID,
			AccountID: accountID, Action: action, From: string(cur.Status), To: string(to), Reason: note,
			Details: map[string]any{"exception_id": id, "expiry": expiry.UTC().Format(time.RFC3339)}})
	})
	return out, err
}

// ExpireExceptions reopens, in every tenant, the accounts whose granted
// exception has expired at now (inventory.AfterExpiry): the card goes back
// to planned and the exception is marked expired, with an event by
// "expiry" each. It returns how many it reopened; the verdicts change when
// the tenants are reassessed (Reassess).
func (s *Store) ExpireExceptions(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := s.inTx(ctx, "expire exceptions", func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			SELECT c.tenant_id, c.account_id, c.version, coalesce(c.exception_requester::text, ''),
			       e.expiry_requested
			FROM cards c
			LEFT JOIN exceptions e ON e.tenant_id = c.tenant_id AND e.account_id = c.account_id
			                      AND e.status = 'granted'
			WHERE c.status = 'exception_granted'`)
		if err != nil {
			return err
		}
		var moves []plannedMove
		actor := inventory.ExpiryActor
		for rows.Next() {
			var (
				tenantID string
				expiry   *time.Time
				c        = inventory.Card{Status: inventory.ExceptionGranted}
			)
			if err := rows.Scan(&tenantID, &c.AccountID, &c.Version, &c.ExceptionRequester, &expiry); err != nil {
				rows.Close()
				return err
			}
			to, changed, reason := inventory.AfterExpiry(c, timeFromNull(expiry), now)
			if !changed {
				continue
			}
			plan, err := inventory.PlanMove(actor, c, to, reason)
			if err != nil {
				rows.Close()
				return fmt.Errorf("the expiry of %s: %w", c.AccountID, err)
			}
			moves = append(moves, plannedMove{tenantID, plan})
		}
		if err := rows.Err(); err != nil {
			return err
		}
		n, err = applyMoves(ctx, tx, actor, moves)
		return err
	})
	return n, err
}
