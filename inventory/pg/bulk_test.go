package pg_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

func TestBulkEditsInOneTransaction(t *testing.T) {
	store, tm, ctx := newBoard(t)
	ptrTo := func(s string) *string { return &s }
	status := func(s inventory.Status) *inventory.Status { return &s }

	_, err := store.Bulk(ctx, tm.engineer, tenantID, []string{"u-bob"}, nil, pg.BulkAction{MoveTo: status(inventory.Planned)})
	wantCode(t, err, inventory.EFORBIDDEN)
	_, err = store.Bulk(ctx, tm.lead, tenantID, []string{"u-bob"}, nil, pg.BulkAction{})
	wantCode(t, err, inventory.EINVALID)
	_, err = store.Bulk(ctx, tm.lead, tenantID, nil, nil, pg.BulkAction{MoveTo: status(inventory.Planned)})
	wantCode(t, err, inventory.EINVALID)
	_, err = store.Bulk(ctx, tm.lead, tenantID, []string{"u-bob", "u-nobody"}, nil, pg.BulkAction{MoveTo: status(inventory.Planned)})
	wantCode(t, err, inventory.ENOTFOUND)

	// By hand: plan, assign and date three cards at once.
	due := time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)
	ids := []string{"u-bob", "u-scanner", "u-alice"}
	n, err := store.Bulk(ctx, tm.lead, tenantID, ids, nil, pg.BulkAction{
		MoveTo: status(inventory.Planned), Assign: ptrTo(tm.engineer.ID), DueDate: &due, Reason: "sprint 12"})
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("changed %d cards, want 3", n)
	}
	for _, id := range ids {
		c := card(t, store, id)
		if c.Status != inventory.Planned || c.Assignee != tm.engineer.ID || !c.DueDate.Equal(due) || c.Version != 4 {
			t.Fatalf("%s after the bulk edit: %+v", id, c)
		}
		evs := events(t, store, id)
		var actions []string
		for _, e := range evs[1:] {
			if e.ActorID != tm.lead.ID {
				t.Fatalf("%s: event by %s", id, e.ActorName)
			}
			actions = append(actions, e.Action)
		}
		wantEqual(t, id+" events", actions, []string{inventory.ActionMove, inventory.ActionAssign, inventory.ActionDueDate})
		if evs[1].Reason != "sprint 12" {
			t.Fatalf("move reason %q", evs[1].Reason)
		}
	}
	if c := card(t, store, "u-sync"); c.Status != inventory.Triage || c.Version != 1 {
		t.Fatalf("a card not selected changed: %+v", c)
	}

	// A move refused for one card changes none of them.
	before := map[string]inventory.Card{}
	for _, id := range []string{"u-bob", "u-sync"} {
		before[id] = card(t, store, id)
	}
	_, err = store.Bulk(ctx, tm.lead, tenantID, []string{"u-bob", "u-sync"}, nil, pg.BulkAction{
		MoveTo: status(inventory.InProgress), Assign: ptrTo(tm.engineer2.ID)})
	wantCode(t, err, inventory.EINVALID)
	if msg := inventory.ErrorMessage(err); !strings.Contains(msg, "1 of the 2 accounts") || !strings.Contains(msg, "Sync_DC01_abc@contoso.onmicrosoft.com") {
		t.Fatalf("refusal %q", msg)
	}
	for id, c := range before {
		wantEqual(t, id+" after a refused bulk edit", card(t, store, id), c)
	}

	// By filter: every service account gets the secure application model.
	path := inventory.SecureAppModel
	n, err = store.Bulk(ctx, tm.lead, tenantID, nil, &pg.BoardFilter{Category: string(inventory.ServiceAccount)},
		pg.BulkAction{Path: &path})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("path override changed %d cards, want the 2 service accounts", n)
	}
	overrides, err := store.Overrides(ctx, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"u-scanner", "u-sync"} {
		if o := overrides[id]; o.Path != inventory.SecureAppModel || o.Author != "Dana Lead" || o.Reason == "" {
			t.Fatalf("override of %s: %+v", id, o)
		}
	}
	if _, ok := overrides["u-bob"]; ok {
		t.Fatal("a guest outside the filter got the override")
	}
	e := lastEvent(t, store, "u-scanner")
	wantEvent(t, e, tm.lead, inventory.ActionOverride, "service_account / app_password", "service_account / secure_app_model")

	// Clearing the path override.
	none := inventory.Path("")
	if _, err := store.Bulk(ctx, tm.lead, tenantID, []string{"u-scanner"}, nil, pg.BulkAction{Path: &none}); err != nil {
		t.Fatal(err)
	}
	overrides, err = store.Overrides(ctx, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := overrides["u-scanner"]; ok {
		t.Fatalf("the path override of u-scanner was not cleared: %+v", overrides["u-scanner"])
	}
}
