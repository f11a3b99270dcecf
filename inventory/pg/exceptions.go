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
	return s.onCard(ctx, "request exception", tenantID, accountID, version, func(tx pgx.Tx, cur cardRow) (inventory.Card, error) {
		if err := inventory.CanRequestException(actor, cur.Card); err != nil {
			return inventory.Card{}, err
		}
		if err := r.Validate(now); err != nil {
			return inventory.Card{}, err
		}
		var id int64
		err := tx.QueryRow(ctx, `
			INSERT INTO exceptions (tenant_id, account_id, requested_by, requested_by_name, justification,
			                        compensating_controls, expiry_requested)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			RETURNING id`, tenantID, accountID, actor.ID, actor.Name, r.Justification,
			r.CompensatingControls, r.Expiry).Scan(&id)
		if err != nil {
			return inventory.Card{}, fmt.Errorf("insert exception: %w", err)
		}
		after, err := updateCard(ctx, tx, actor, tenantID, accountID,
			`status = 'exception_requested', status_since = now(), exception_requester = $5::uuid`, actor.ID)
		if err != nil {
			return inventory.Card{}, err
		}
		return after.Card, insertEvent(ctx, tx, AuditEvent{ActorID: actor.ID, ActorName: actor.Name, TenantID: tenantID,
			AccountID: accountID, Action: inventory.ActionExceptionRequested, From: string(cur.Status),
			To: string(inventory.ExceptionRequested), Reason: r.Justification,
			Details: map[string]any{"exception_id": id, "compensating_controls": r.CompensatingControls,
				"expiry": r.Expiry.UTC().Format(time.RFC3339)}})
	})
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
	return s.onCard(ctx, "decide exception", tenantID, accountID, version, func(tx pgx.Tx, cur cardRow) (inventory.Card, error) {
		if err := inventory.CanDecideException(actor, cur.Card); err != nil {
			return inventory.Card{}, err
		}
		var (
			id     int64
			expiry time.Time
		)
		err := tx.QueryRow(ctx, `
			SELECT id, expiry_requested FROM exceptions
			WHERE tenant_id = $1 AND account_id = $2 AND status = 'requested'
			FOR UPDATE`, tenantID, accountID).Scan(&id, &expiry)
		if errors.Is(err, pgx.ErrNoRows) {
			return inventory.Card{}, inventory.Errorf(inventory.EINVALID, "The exception request of this account is not on record; move it back to planned and request it again.")
		}
		if err != nil {
			return inventory.Card{}, fmt.Errorf("read request: %w", err)
		}
		if grant && !expiry.After(time.Now()) {
			return inventory.Card{}, inventory.Errorf(inventory.EINVALID, "The expiry requested, %s, has passed: reject this request and ask for a new one.",
				expiry.UTC().Format("2 Jan 2006"))
		}
		_, err = tx.Exec(ctx, `
			UPDATE exceptions SET status = $2, decided_by = $3, decided_by_name = $4, decided_at = now(),
			       decision_note = $5
			WHERE id = $1`, id, decision, actor.ID, actor.Name, note)
		if err != nil {
			return inventory.Card{}, fmt.Errorf("decide: %w", err)
		}
		set := `status = $5, status_since = now()`
		if !grant {
			set += `, exception_requester = NULL`
		}
		after, err := updateCard(ctx, tx, actor, tenantID, accountID, set, string(to))
		if err != nil {
			return inventory.Card{}, err
		}
		return after.Card, insertEvent(ctx, tx, AuditEvent{ActorID: actor.ID, ActorName: actor.Name, TenantID: tenantID,
			AccountID: accountID, Action: action, From: string(cur.Status), To: string(to), Reason: note,
			Details: map[string]any{"exception_id": id, "expiry": expiry.UTC().Format(time.RFC3339)}})
	})
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

// Exceptions returns a tenant's granted exceptions by account id, ready for
// inventory.Inputs.Exceptions. One whose expiry has passed but which
// ExpireExceptions has not closed yet is included: the rules do not count
// it (inventory.Assess checks the expiry against its own AsOf).
func (s *Store) Exceptions(ctx context.Context, tenantID string) (map[string]inventory.Exception, error) {
	return grantedExceptions(ctx, s.pool, tenantID)
}

func grantedExceptions(ctx context.Context, q querier, tenantID string) (map[string]inventory.Exception, error) {
	out, err := byAccount(ctx, q, `
		SELECT account_id, expiry_requested FROM exceptions WHERE tenant_id = $1 AND status = 'granted'`,
		[]any{tenantID}, func(row pgx.CollectableRow) (string, inventory.Exception, error) {
			var (
				id     string
				expiry time.Time
			)
			err := row.Scan(&id, &expiry)
			return id, inventory.Exception{Granted: true, Expiry: expiry.UTC()}, err
		})
	if err != nil {
		return nil, fmt.Errorf("store: exceptions: %w", err)
	}
	return out, nil
}

// ExceptionRow is one exception request as the exceptions page and the
// account page list it. Names are as they were when the person acted.
type ExceptionRow struct {
	ID                           int64
	AccountID, UserPrincipalName string
	DisplayName                  string
	Status                       string // one of inventory's ExceptionState* values
	Justification                string
	CompensatingControls         string
	RequestedBy, RequestedByID   string
	DecidedBy, DecidedByID       string // "" until decided
	DecisionNote                 string
	RequestedAt, Expiry          time.Time
	DecidedAt, EndedAt           time.Time // zero until decided, ended
}

// OpenExceptions returns a tenant's requests waiting for a decision (oldest
// first) and then its granted exceptions (soonest expiry first).
func (s *Store) OpenExceptions(ctx context.Context, tenantID string) ([]ExceptionRow, error) {
	return s.exceptionRows(ctx, "open exceptions", `
		WHERE e.tenant_id = $1 AND e.status IN ('requested', 'granted')
		ORDER BY e.status = 'granted', CASE WHEN e.status = 'requested' THEN e.requested_at END,
		         e.expiry_requested, e.id`, tenantID)
}

// ExpiringExceptions returns a tenant's granted exceptions that expire
// before now+within, soonest first; those already past their expiry but not
// yet closed by ExpireExceptions come first.
func (s *Store) ExpiringExceptions(ctx context.Context, tenantID string, within time.Duration, now time.Time) ([]ExceptionRow, error) {
	return s.exceptionRows(ctx, "expiring exceptions", `
		WHERE e.tenant_id = $1 AND e.status = 'granted' AND e.expiry_requested < $2
		ORDER BY e.expiry_requested, e.id`, tenantID, now.Add(within))
}

// ExceptionHistory returns every exception ever requested for an account,
// newest first.
func (s *Store) ExceptionHistory(ctx context.Context, tenantID, accountID string) ([]ExceptionRow, error) {
	return s.exceptionRows(ctx, "exception history", `
		WHERE e.tenant_id = $1 AND e.account_id = $2
		ORDER BY e.requested_at DESC, e.id DESC`, tenantID, accountID)
}

func (s *Store) exceptionRows(ctx context.Context, what, whereOrder string, args ...any) ([]ExceptionRow, error) {
	list, err := queryRows(ctx, s.pool, `
		SELECT e.id, e.account_id, coalesce(a.upn, ''), coalesce(a.display_name, ''), e.status,
		       e.justification, e.compensating_controls, e.requested_by_name, e.requested_by::text,
		       e.decided_by_name, coalesce(e.decided_by::text, ''), e.decision_note, e.requested_at,
		       e.expiry_requested, e.decided_at, e.ended_at
		FROM exceptions e
		LEFT JOIN accounts a ON a.tenant_id = e.tenant_id AND a.id = e.account_id
		`+whereOrder, args, func(row pgx.CollectableRow) (ExceptionRow, error) {
		var (
			r              ExceptionRow
			decided, ended *time.Time
		)
		err := row.Scan(&r.ID, &r.AccountID, &r.UserPrincipalName, &r.DisplayName, &r.Status,
			&r.Justification, &r.CompensatingControls, &r.RequestedBy, &r.RequestedByID,
			&r.DecidedBy, &r.DecidedByID, &r.DecisionNote, &r.RequestedAt, &r.Expiry, &decided, &ended)
		r.RequestedAt, r.Expiry = r.RequestedAt.UTC(), r.Expiry.UTC()
		r.DecidedAt, r.EndedAt = timeFromNull(decided), timeFromNull(ended)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return list, nil
}

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
