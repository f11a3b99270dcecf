package pg

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
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

// onCard runs change on one card in one transaction: the card locked
// (lockCard) and at the version the person saw (checkVersion, EVERSION
// otherwise). It returns the card change leaves.
func (s *Store) onCard(ctx context.Context, what, tenantID, accountID string, version int64, change func(tx pgx.Tx, cur cardRow) (inventory.Card, error)) (inventory.Card, error) {
	var out inventory.Card
	err := s.inTx(ctx, what, func(tx pgx.Tx) error {
		cur, err := lockCard(ctx, tx, tenantID, accountID)
		if err != nil {
			return err
		}
		if err := cur.checkVersion(version); err != nil {
			return err
		}
		out, err = change(tx, cur)
		return err
	})
	return out, err
}

// Assign gives an account's card to a user ("" = nobody), on the version
// of the card the person saw, and records it. Only a security lead may
// assign (inventory.CanAssign); the assignee must be an enabled engineer or
// security lead (EINVALID otherwise). Assigning the card to whom it is
// already assigned changes nothing and records nothing.
func (s *Store) Assign(ctx context.Context, actor inventory.Actor, tenantID, accountID, assigneeID string, version int64) (inventory.Card, error) {
	if err := inventory.CanAssign(actor); err != nil {
		return inventory.Card{}, err
	}
	return s.onCard(ctx, "assign", tenantID, accountID, version, func(tx pgx.Tx, cur cardRow) (inventory.Card, error) {
		name, err := assigneeName(ctx, tx, assigneeID)
		if err != nil {
			return inventory.Card{}, err
		}
		if cur.Assignee == assigneeID {
			return cur.Card, nil
		}
		after, err := updateCard(ctx, tx, actor, tenantID, accountID, `assignee_id = $5::uuid`, nullIfBlank(assigneeID))
		if err != nil {
			return inventory.Card{}, err
		}
		return after.Card, insertEvent(ctx, tx, AuditEvent{ActorID: actor.ID, ActorName: actor.Name, TenantID: tenantID,
			AccountID: accountID, Action: inventory.ActionAssign, From: cur.AssigneeName, To: name,
			Details: map[string]any{"from_id": cur.Assignee, "to_id": assigneeID}})
	})
}

// assigneeName checks a user may be given cards and returns their name
// ("" for nobody).
func assigneeName(ctx context.Context, q querier, id string) (string, error) {
	if id == "" {
		return "", nil
	}
	if uuid.Validate(id) != nil {
		return "", inventory.Errorf(inventory.EINVALID, "There is no user %q to assign the account to.", id)
	}
	var (
		name     string
		role     inventory.Role
		disabled bool
	)
	err := q.QueryRow(ctx, `
		SELECT coalesce(nullif(display_name, ''), email), role, disabled FROM app_users WHERE id = $1`, id).
		Scan(&name, &role, &disabled)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "", inventory.Errorf(inventory.EINVALID, "There is no user %s to assign the account to.", id)
	case err != nil:
		return "", err
	case disabled:
		return "", inventory.Errorf(inventory.EINVALID, "%s is disabled and cannot be given accounts.", name)
	case role != inventory.Engineer && role != inventory.SecurityLead:
		return "", inventory.Errorf(inventory.EINVALID,
			"%s is %s, who reads but does not remediate: assign an engineer or a security lead.", name, role.Label())
	}
	return name, nil
}

// SetDueDate sets the day an account's card is due (the zero time clears
// it), on the version of the card the person saw, and records it. Only a
// security lead may (inventory.CanSetDueDate). The day is due's calendar
// date as given. Setting the date the card already has records nothing.
func (s *Store) SetDueDate(ctx context.Context, actor inventory.Actor, tenantID, accountID string, due time.Time, version int64) (inventory.Card, error) {
	if err := inventory.CanSetDueDate(actor); err != nil {
		return inventory.Card{}, err
	}
	day := dateText(due)
	return s.onCard(ctx, "set due date", tenantID, accountID, version, func(tx pgx.Tx, cur cardRow) (inventory.Card, error) {
		if dateText(cur.DueDate) == day {
			return cur.Card, nil
		}
		after, err := updateCard(ctx, tx, actor, tenantID, accountID, `due_date = $5::date`, nullIfBlank(day))
		if err != nil {
			return inventory.Card{}, err
		}
		return after.Card, insertEvent(ctx, tx, AuditEvent{ActorID: actor.ID, ActorName: actor.Name, TenantID: tenantID,
			AccountID: accountID, Action: inventory.ActionDueDate, From: dateText(cur.DueDate), To: day})
	})
}

// Comment adds a person's comment to an account's timeline: an audit event
// with action "comment" and the text as its reason. Who may comment is
// inventory.CanComment; the text is checked by inventory.ValidateComment.
func (s *Store) Comment(ctx context.Context, actor inventory.Actor, tenantID, accountID, text string) error {
	cur, err := readCard(ctx, s.pool, tenantID, accountID, "")
	if err != nil {
		return err
	}
	if err := inventory.CanComment(actor, cur.Card); err != nil {
		return err
	}
	text, err = inventory.ValidateComment(text)
	if err != nil {
		return err
	}
	return s.RecordEvent(ctx, AuditEvent{ActorID: actor.ID, ActorName: actor.Name, TenantID: tenantID,
		AccountID: accountID, Action: inventory.ActionComment, Reason: text})
}

// dateText writes a due date as the database's date, "" for none. A date
// is the calendar day as given, in whatever zone t is in.
func dateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// nullIfBlank sends "" as NULL.
func nullIfBlank(s string) any {
	if s == "" {
		return nil
	}
	return s
}
