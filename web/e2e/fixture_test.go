package e2e

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// office is the demo tenant on the real server, on a freshly migrated
// database, with the demo's three people and a board that has been worked
// on for a while: every journey starts from the same Monday morning.
type office struct {
	srv    *httptest.Server
	store  *pg.Store
	tenant string
	lead   pg.User
	eng    pg.User
	mgr    pg.User

	// Cards the journeys act on, by account id.
	engineersCard string // in progress, assigned to the engineer: they remediate it
	draggedCard   string // in progress, assigned to the engineer: they drag it to blocked
	othersCard    string // in progress, assigned to nobody: the engineer may not move it
	roomCard      string // the Teams Room in Boardroom 4, planned: the lead asks for its exception
}

// The demo's people, as `serve --demo` creates them; they sign in with
// webtest.Password.
var (
	leadPerson     = person{"lead@demo.local", "Dana Lead", inventory.SecurityLead}
	engineerPerson = person{"engineer@demo.local", "Eli Engineer", inventory.Engineer}
	managerPerson  = person{"manager@demo.local", "Morgan Manager", inventory.Management}
)

type person struct {
	email, name string
	role        inventory.Role
}

func newOffice(t *testing.T) *office {
	t.Helper()
	srv, store, seeded := webtest.ServeDemo(t, demo.Options{Users: 300, Seed: 1})
	tenant := seeded.Snapshot.Tenant.ID
	o := &office{srv: srv, store: store, tenant: tenant,
		lead: createPerson(t, store, leadPerson), eng: createPerson(t, store, engineerPerson), mgr: createPerson(t, store, managerPerson)}
	o.arrangeBoard(t)
	return o
}

// createPerson adds a dashboard user with the demo's name, so the
// screenshots read like the demo; the password is webtest's.
func createPerson(t *testing.T, store *pg.Store, p person) pg.User {
	t.Helper()
	return webtest.CreatePerson(t, store, p.email, p.name, p.role)
}

func actorOf(u pg.User) inventory.Actor {
	return inventory.Actor{ID: u.ID, Name: u.Name(), Role: u.Role}
}

// arrangeBoard does, through the store and as the lead, what a few weeks of
// triage look like: non-compliant accounts planned, most assigned to the
// engineer, some under way, blocked or remediated, one overdue, one
// exception waiting. Each step is a real, audited action.
func (o *office) arrangeBoard(t *testing.T) {
	t.Helper()
	ctx := t.Context()
	page, err := o.store.ListAccounts(ctx, pg.AccountFilter{TenantID: o.tenant, Compliance: string(inventory.NonCompliant), Limit: 40})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string // the Teams Rooms below have their own story
	for _, r := range page.Rows {
		if !strings.HasPrefix(r.UserPrincipalName, "mtr-") {
			ids = append(ids, r.ID)
		}
	}
	eng := o.eng.ID
	// Each account's path through the board, after triage → planned.
	plans := []struct {
		assignee string
		steps    []inventory.Status
		due      time.Time
	}{
		{eng, []inventory.Status{inventory.InProgress}, time.Time{}}, // engineersCard
		{eng, []inventory.Status{inventory.InProgress}, time.Time{}}, // draggedCard
		{eng, []inventory.Status{inventory.InProgress, inventory.Blocked}, time.Time{}},
		{eng, []inventory.Status{inventory.InProgress, inventory.Remediated}, time.Time{}},
		{eng, nil, time.Now().AddDate(0, 0, -3)}, // overdue
		{eng, nil, time.Now().AddDate(0, 0, 10)},
		{eng, nil, time.Time{}},
		{"", []inventory.Status{inventory.InProgress}, time.Time{}},
		{"", nil, time.Time{}},
		{"", nil, time.Time{}},
	}
	if len(ids) < len(plans) {
		t.Fatalf("the demo tenant has %d non-compliant accounts to plan, the board needs %d", len(ids), len(plans))
	}
	for i, p := range plans {
		o.plan(t, ids[i], p.assignee, p.due, p.steps...)
	}
	o.engineersCard, o.draggedCard, o.othersCard = ids[0], ids[1], ids[7]

	if err := o.store.Comment(ctx, actorOf(o.eng), o.tenant, o.engineersCard,
		"Called them: they set up the Authenticator app on their new phone this morning."); err != nil {
		t.Fatal(err)
	}
	o.roomCard = o.accountByUPN(t, "mtr-boardroom4@")
	o.plan(t, o.roomCard, eng, time.Time{})
	// A request the lead made earlier waits for another lead's decision.
	waiting := o.accountByUPN(t, "mtr-ams-training@")
	c := o.plan(t, waiting, eng, time.Time{})
	now := time.Now().UTC()
	if _, err := o.store.RequestException(ctx, actorOf(o.lead), o.tenant, waiting, inventory.ExceptionRequest{
		Justification:        "The Teams Rooms console signs in unattended and cannot answer an MFA prompt.",
		CompensatingControls: "Conditional Access allows this account only from the compliant MTR device in the Amsterdam office's named location.",
		Expiry:               now.AddDate(0, 6, 0),
	}, c.Version, now); err != nil {
		t.Fatalf("request the waiting exception: %v", err)
	}
}

// plan moves a card out of triage to planned, assigns it, sets its due
// date and takes it through steps, as the lead.
func (o *office) plan(t *testing.T, id, assignee string, due time.Time, steps ...inventory.Status) inventory.Card {
	t.Helper()
	ctx, lead := t.Context(), actorOf(o.lead)
	c, err := o.store.Card(ctx, o.tenant, id)
	if err != nil {
		t.Fatal(err)
	}
	if c, err = o.store.MoveCard(ctx, lead, o.tenant, id, inventory.Planned, c.Version, "Non-compliant: plan it"); err != nil {
		t.Fatalf("plan %s: %v", id, err)
	}
	if assignee != "" {
		if c, err = o.store.Assign(ctx, lead, o.tenant, id, assignee, c.Version); err != nil {
			t.Fatalf("assign %s: %v", id, err)
		}
	}
	if !due.IsZero() {
		if c, err = o.store.SetDueDate(ctx, lead, o.tenant, id, due, c.Version); err != nil {
			t.Fatalf("due date of %s: %v", id, err)
		}
	}
	for _, to := range steps {
		reason := ""
		if to == inventory.Blocked {
			reason = blockedReason
		}
		if c, err = o.store.MoveCard(ctx, lead, o.tenant, id, to, c.Version, reason); err != nil {
			t.Fatalf("move %s to %s: %v", id, to, err)
		}
	}
	return c
}

// blockedReason is what blocks the office's blocked card.
const blockedReason = "Waiting for the replacement phone; the old one was lost."

// accountByUPN finds the one account whose UPN starts with prefix.
func (o *office) accountByUPN(t *testing.T, prefix string) string {
	t.Helper()
	rows, err := o.store.ListAccounts(t.Context(), pg.AccountFilter{TenantID: o.tenant, Query: prefix})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows.Rows) != 1 {
		t.Fatalf("the demo tenant has %d accounts matching %q, want 1", len(rows.Rows), prefix)
	}
	return rows.Rows[0].ID
}

// status is where a card stands in the database.
func (o *office) status(t *testing.T, id string) inventory.Status {
	t.Helper()
	c, err := o.store.Card(t.Context(), o.tenant, id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Status
}

// wantStatus fails t unless the database has card id in want.
func (o *office) wantStatus(t *testing.T, which, id string, want inventory.Status) {
	t.Helper()
	if got := o.status(t, id); got != want {
		t.Errorf("%s: the database has the card in %s, want %s", which, got, want)
	}
}

// accountPath is the account page of id.
func accountPath(id string) string { return "/accounts/" + id }
