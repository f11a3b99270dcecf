package pg_test

import (
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// A sync stores the plan with the verdicts; it is the plan the rules make
// of the stored tenant, and it goes stale when the verdicts change.
func TestPlanIsStoredBySyncAndRefreshed(t *testing.T) {
	t.Parallel()
	store, out, stored := syncedDemoPlan(t)
	ctx := t.Context()
	id := out.Snapshot.Tenant.ID
	if !stored.Fresh || len(stored.Fixes) == 0 {
		t.Fatalf("after a sync the plan is fresh %v with %d fixes", stored.Fresh, len(stored.Fixes))
	}
	open := 0
	for _, a := range out.Result.Accounts {
		if inventory.IsOpen(a.Compliance) {
			open++
		}
	}
	if stored.Open != open {
		t.Fatalf("the stored plan counts %d open accounts, the sync found %d", stored.Open, open)
	}

	// The page's fallback computes the same plan from the stored tenant.
	if _, err := store.Pool().Exec(ctx, `UPDATE tenant_counts SET updated_at = now() + interval '1 second' WHERE tenant_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if stale, err := store.Plan(ctx, id); err != nil || stale.Fresh {
		t.Fatalf("after the verdicts were written again the plan is fresh %v (%v)", stale.Fresh, err)
	}
	again, err := inventory.RefreshPlan(ctx, store, id)
	if err != nil {
		t.Fatal(err)
	}
	refreshed, err := store.Plan(ctx, id)
	if err != nil || !refreshed.Fresh {
		t.Fatalf("refreshed plan fresh %v (%v)", refreshed.Fresh, err)
	}
	if len(again.Fixes) != len(stored.Fixes) {
		t.Fatalf("the plan from the stored tenant has %d fixes, the sync's %d", len(again.Fixes), len(stored.Fixes))
	}
	for i, f := range refreshed.Fixes {
		s := stored.Fixes[i]
		if f.ID != s.ID || f.Resolves != s.Resolves || f.PrivilegedResolved != s.PrivilegedResolved || refreshed.Touches[f.ID] != stored.Touches[s.ID] {
			t.Errorf("fix %d: refreshed %s resolves %d/%d touches %d; from the sync %s %d/%d touches %d", i+1,
				f.ID, f.Resolves, f.PrivilegedResolved, refreshed.Touches[f.ID], s.ID, s.Resolves, s.PrivilegedResolved, stored.Touches[s.ID])
		}
	}
	full, err := store.PlanFix(ctx, id, stored.Fixes[0].ID)
	if err != nil || len(full.Accounts) != stored.Touches[full.ID] {
		t.Fatalf("the top fix has %d accounts, the list says %d (%v)", len(full.Accounts), stored.Touches[full.ID], err)
	}
	for _, f := range stored.Fixes {
		whole, err := store.PlanFix(ctx, id, f.ID)
		if err != nil || len(whole.Accounts) < 3 {
			continue
		}
		page, touches, err := store.PlanFixPage(ctx, id, f.ID, 1, 2)
		if err != nil || touches != len(whole.Accounts) || len(page.Accounts) != 2 ||
			page.Accounts[0] != whole.Accounts[1] || page.Accounts[1] != whole.Accounts[2] {
			t.Fatalf("accounts 2-3 of %s: %+v of %d (%v), want %+v", f.ID, page.Accounts, touches, err, whole.Accounts[1:3])
		}
		break
	}
	_, err = store.PlanFix(ctx, id, "no-such-fix")
	wantCode(t, err, inventory.ENOTFOUND)
}

// syncedDemoPlan syncs the 300-account demo tenant into a store of its own
// and reads the plan the sync stored.
func syncedDemoPlan(t *testing.T) (*pg.Store, inventory.SyncOutcome, pg.StoredPlan) {
	t.Helper()
	store, _ := pgtest.NewStore(t)
	out := pgtest.SeedDemoAt(t, store, 300, asOf)
	stored, err := store.Plan(t.Context(), out.Snapshot.Tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	return store, out, stored
}

// Turning a fix into work is one transaction a lead makes: every card of
// the fix assigned, dated and planned, with its audit events; the cards
// already in work keep their column.
func TestTurnFixIntoWork(t *testing.T) {
	t.Parallel()
	store, out, stored := syncedDemoPlan(t)
	ctx := t.Context()
	id := out.Snapshot.Tenant.ID
	tm := newTeam(t, store)
	var (
		fix inventory.Fix
		err error
	)
	for _, f := range stored.Fixes {
		if stored.Touches[f.ID] >= 3 {
			fix, err = store.PlanFix(ctx, id, f.ID)
			break
		}
	}
	if err != nil || len(fix.Accounts) < 3 {
		t.Fatalf("no fix of 3 accounts or more: %v", err)
	}
	due := time.Now().UTC().AddDate(0, 0, 14).Truncate(24 * time.Hour)
	work := inventory.FixWork{Assignee: tm.engineer.ID, Due: due}

	_, err = store.TurnFixIntoWork(ctx, tm.engineer, id, fix.ID, work)
	wantCode(t, err, inventory.EFORBIDDEN)
	_, err = store.TurnFixIntoWork(ctx, tm.manager, id, fix.ID, work)
	wantCode(t, err, inventory.EFORBIDDEN)
	_, err = store.TurnFixIntoWork(ctx, tm.lead, id, fix.ID, inventory.FixWork{Assignee: tm.engineer.ID, Due: due.AddDate(0, 0, -30)})
	wantCode(t, err, inventory.EINVALID)
	_, err = store.TurnFixIntoWork(ctx, tm.lead, id, fix.ID, inventory.FixWork{Assignee: tm.manager.ID, Due: due})
	wantCode(t, err, inventory.EINVALID)
	_, err = store.TurnFixIntoWork(ctx, tm.lead, id, "no-such-fix", work)
	wantCode(t, err, inventory.ENOTFOUND)
	for _, a := range fix.Accounts {
		if c := cardIn(t, store, id, a.ID); c.Status != inventory.Triage || c.Assignee != "" {
			t.Fatalf("a refused action changed %s: %+v", a.UPN, c)
		}
	}

	// One card is in progress already: it keeps its column and assignee.
	started := fix.Accounts[0].ID
	c := cardIn(t, store, id, started)
	c, err = store.MoveCard(ctx, tm.lead, id, started, inventory.Planned, c.Version, "")
	if err == nil {
		c, err = store.Assign(ctx, tm.lead, id, started, tm.engineer2.ID, c.Version)
	}
	if err == nil {
		_, err = store.MoveCard(ctx, tm.lead, id, started, inventory.InProgress, c.Version, "")
	}
	if err != nil {
		t.Fatal(err)
	}

	got, err := store.TurnFixIntoWork(ctx, tm.lead, id, fix.ID, work)
	if err != nil {
		t.Fatal(err)
	}
	n := len(fix.Accounts)
	wantEqual(t, "outcome", got, inventory.FixWorkOutcome{Planned: n - 1, Assigned: n - 1, InWork: 1})
	for _, a := range fix.Accounts[1:] {
		c := cardIn(t, store, id, a.ID)
		if c.Status != inventory.Planned || c.Assignee != tm.engineer.ID || !c.DueDate.Equal(due) {
			t.Fatalf("%s after the fix became work: %+v", a.UPN, c)
		}
		var actions []string
		err := store.StreamAudit(ctx, pg.AuditFilter{TenantID: id, AccountID: a.ID}, func(e pg.AuditEvent) error {
			if e.ActorID == tm.lead.ID {
				actions = append(actions, e.Action)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		wantEqual(t, a.UPN+" events", actions, []string{inventory.ActionMove, inventory.ActionAssign, inventory.ActionDueDate})
	}
	if c := cardIn(t, store, id, started); c.Status != inventory.InProgress || c.Assignee != tm.engineer2.ID {
		t.Fatalf("the card in work changed: %+v", c)
	}
	// Again: nothing left to change.
	got, err = store.TurnFixIntoWork(ctx, tm.lead, id, fix.ID, work)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "second outcome", got, inventory.FixWorkOutcome{InWork: 1})
}

func cardIn(t *testing.T, store *pg.Store, tenant, accountID string) inventory.Card {
	t.Helper()
	c, err := store.Card(t.Context(), tenant, accountID)
	if err != nil {
		t.Fatalf("Card %s: %v", accountID, err)
	}
	return c
}
