package pg

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

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
