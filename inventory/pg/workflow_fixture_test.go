package pg_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// team is the dashboard's users of a workflow test, as actors.
type team struct {
	lead, lead2, engineer, engineer2, manager inventory.Actor
}

// newBoard is newStore (a parallel test on a database of its own) with the
// fixture tenant stored (every account in triage after its first sync) and
// a team of users.
func newBoard(t *testing.T) (*pg.Store, team, context.Context) {
	t.Helper()
	t.Parallel()
	return newBoardAlone(t)
}

// newBoardAlone is newBoard for a test that runs alone, not in parallel:
// bothWays switches how the whole package reads the board.
func newBoardAlone(t *testing.T) (*pg.Store, team, context.Context) {
	t.Helper()
	store, _ := pgtest.NewStore(t)
	applySync(t, store, fixtureSnapshot(), "")
	return store, newTeam(t, store), t.Context()
}

func newTeam(t testing.TB, store *pg.Store) team {
	t.Helper()
	add := func(email, name string, role inventory.Role) inventory.Actor {
		u, err := store.CreateUser(t.Context(), inventory.CLIActor, email, name, role, "$argon2id$test")
		if err != nil {
			t.Fatalf("CreateUser %s: %v", email, err)
		}
		return inventory.Actor{ID: u.ID, Name: u.Name(), Role: u.Role}
	}
	return team{
		lead:      add("dana@example.com", "Dana Lead", inventory.SecurityLead),
		lead2:     add("lee@example.com", "Lee Second", inventory.SecurityLead),
		engineer:  add("eve@example.com", "Eve Engineer", inventory.Engineer),
		engineer2: add("erin@example.com", "Erin Other", inventory.Engineer),
		manager:   add("max@example.com", "Max Manager", inventory.Management),
	}
}

// card reads a card, failing the test on an error.
func card(t *testing.T, store *pg.Store, accountID string) inventory.Card {
	t.Helper()
	c, err := store.Card(t.Context(), tenantID, accountID)
	if err != nil {
		t.Fatalf("Card %s: %v", accountID, err)
	}
	return c
}

// walk moves a card through statuses as the lead, failing on a refusal.
func walk(t *testing.T, store *pg.Store, lead inventory.Actor, accountID string, to ...inventory.Status) inventory.Card {
	t.Helper()
	c := card(t, store, accountID)
	for _, st := range to {
		var err error
		if c, err = store.MoveCard(t.Context(), lead, tenantID, accountID, st, c.Version, ""); err != nil {
			t.Fatalf("move %s to %s: %v", accountID, st, err)
		}
	}
	return c
}

// assign gives a card to a user as the lead.
func assign(t *testing.T, store *pg.Store, lead inventory.Actor, accountID, userID string) inventory.Card {
	t.Helper()
	c := card(t, store, accountID)
	c, err := store.Assign(t.Context(), lead, tenantID, accountID, userID, c.Version)
	if err != nil {
		t.Fatalf("assign %s: %v", accountID, err)
	}
	return c
}

// events returns an account's events, oldest first.
func events(t *testing.T, store *pg.Store, accountID string) []pg.AuditEvent {
	t.Helper()
	var out []pg.AuditEvent
	err := store.StreamAudit(t.Context(), pg.AuditFilter{TenantID: tenantID, AccountID: accountID},
		func(e pg.AuditEvent) error {
			out = append(out, e)
			return nil
		})
	if err != nil {
		t.Fatalf("StreamAudit %s: %v", accountID, err)
	}
	return out
}

// lastEvent returns an account's newest event.
func lastEvent(t *testing.T, store *pg.Store, accountID string) pg.AuditEvent {
	t.Helper()
	evs := events(t, store, accountID)
	if len(evs) == 0 {
		t.Fatalf("%s has no events", accountID)
	}
	return evs[len(evs)-1]
}

// wantEvent fails unless e is action by actor from → to.
func wantEvent(t *testing.T, e pg.AuditEvent, actor inventory.Actor, action, from, to string) {
	t.Helper()
	if e.ActorID != actor.ID || e.ActorName != actor.Name || e.Action != action || e.From != from || e.To != to ||
		e.TenantID != tenantID || e.At.IsZero() {
		t.Fatalf("event = %+v, want %s by %s (%s) from %q to %q", e, action, actor.Name, actor.ID, from, to)
	}
}

// wantPgError fails unless err is a PostgreSQL error with code whose
// message contains text.
func wantPgError(t *testing.T, err error, code, text string) {
	t.Helper()
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != code || !strings.Contains(pe.Message, text) {
		t.Fatalf("got error %v, want PostgreSQL error %s containing %q", err, code, text)
	}
}
