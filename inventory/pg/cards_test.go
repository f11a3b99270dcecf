package pg_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

func TestAuditTrailRefusesUpdateDeleteAndTruncate(t *testing.T) {
	store, tm, ctx := newBoard(t)
	if err := store.RecordEvent(ctx, pg.AuditEvent{ActorID: tm.lead.ID, ActorName: tm.lead.Name, Action: "sign_in"}); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		var n int
		if err := store.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_events`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	for _, sql := range []string{
		`UPDATE audit_events SET reason = 'rewritten'`,
		`DELETE FROM audit_events`,
		`TRUNCATE audit_events`,
	} {
		_, err := store.Pool().Exec(ctx, sql)
		wantPgError(t, err, "42501", "append-only")
	}
	if after := count(); after != before {
		t.Fatalf("the trail had %d events and has %d after the refused statements", before, after)
	}
	var rewritten int
	if err := store.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE reason = 'rewritten'`).Scan(&rewritten); err != nil {
		t.Fatal(err)
	}
	if rewritten != 0 {
		t.Fatalf("%d events were rewritten", rewritten)
	}
}

func TestRecordEventNeedsActorAndAction(t *testing.T) {
	store, tm, ctx := newBoard(t)
	wantCode(t, store.RecordEvent(ctx, pg.AuditEvent{Action: "sign_in"}), inventory.EINVALID)
	wantCode(t, store.RecordEvent(ctx, pg.AuditEvent{ActorID: tm.lead.ID}), inventory.EINVALID)
}

func TestMoveCardFollowsTheWorkflow(t *testing.T) {
	t.Parallel()
	type setup func(t *testing.T, store *pg.Store, tm team)
	assigned := func(path ...inventory.Status) setup {
		return func(t *testing.T, store *pg.Store, tm team) {
			assign(t, store, tm.lead, "u-bob", tm.engineer.ID)
			walk(t, store, tm.lead, "u-bob", path...)
		}
	}
	for _, c := range []struct {
		name  string
		setup setup
		actor func(team) inventory.Actor
		to    inventory.Status
		code  string // "" = allowed
	}{
		{"lead plans a triaged card", assigned(), func(tm team) inventory.Actor { return tm.lead }, inventory.Planned, ""},
		{"engineer may not plan", assigned(), func(tm team) inventory.Actor { return tm.engineer }, inventory.Planned, inventory.EFORBIDDEN},
		{"engineer starts their card", assigned(inventory.Planned), func(tm team) inventory.Actor { return tm.engineer }, inventory.InProgress, ""},
		{"engineer may not start another's card", assigned(inventory.Planned), func(tm team) inventory.Actor { return tm.engineer2 }, inventory.InProgress, inventory.EFORBIDDEN},
		{"engineer marks remediated", assigned(inventory.Planned, inventory.InProgress), func(tm team) inventory.Actor { return tm.engineer }, inventory.Remediated, ""},
		{"engineer may not verify", assigned(inventory.Planned, inventory.InProgress, inventory.Remediated), func(tm team) inventory.Actor { return tm.engineer }, inventory.Verified, inventory.EFORBIDDEN},
		{"lead may not verify an account the last sync found at risk", assigned(inventory.Planned, inventory.InProgress, inventory.Remediated), func(tm team) inventory.Actor { return tm.lead }, inventory.Verified, inventory.ECONFLICT},
		{"management moves nothing", assigned(inventory.Planned), func(tm team) inventory.Actor { return tm.manager }, inventory.InProgress, inventory.EFORBIDDEN},
		{"triage cannot skip to verified", assigned(), func(tm team) inventory.Actor { return tm.lead }, inventory.Verified, inventory.EINVALID},
		{"nothing goes back to triage", assigned(inventory.Planned), func(tm team) inventory.Actor { return tm.lead }, inventory.Triage, inventory.EINVALID},
		{"an exception is not entered by a move", assigned(inventory.Planned), func(tm team) inventory.Actor { return tm.lead }, inventory.ExceptionRequested, inventory.EINVALID},
		{"unknown status", assigned(), func(tm team) inventory.Actor { return tm.lead }, "done", inventory.EINVALID},
	} {
		t.Run(c.name, func(t *testing.T) {
			store, tm, _ := newBoard(t) // each on a board of its own
			c.setup(t, store, tm)
			actor := c.actor(tm)
			before := card(t, store, "u-bob")
			nEvents := len(events(t, store, "u-bob"))
			got, err := store.MoveCard(t.Context(), actor, tenantID, "u-bob", c.to, before.Version, "because")
			if c.code != "" {
				wantCode(t, err, c.code)
				wantEqual(t, "card after a refused move", card(t, store, "u-bob"), before)
				if n := len(events(t, store, "u-bob")); n != nEvents {
					t.Fatalf("a refused move recorded %d events", n-nEvents)
				}
				return
			}
			if err != nil {
				t.Fatalf("MoveCard: %v", err)
			}
			want := before
			want.Status, want.Version, want.StatusReason = c.to, before.Version+1, "because"
			wantEqual(t, "card returned", got, want)
			wantEqual(t, "card stored", card(t, store, "u-bob"), want)
			e := lastEvent(t, store, "u-bob")
			wantEvent(t, e, actor, inventory.ActionMove, string(before.Status), string(c.to))
			if e.Reason != "because" || e.AccountUPN != "bob_fabrikam.com#EXT#@contoso.onmicrosoft.com" {
				t.Fatalf("event reason %q, account UPN %q", e.Reason, e.AccountUPN)
			}
		})
	}
}

func TestMoveCardOnAStaleVersionIsAConflict(t *testing.T) {
	store, tm, ctx := newBoard(t)
	opened := card(t, store, "u-bob")
	if _, err := store.MoveCard(ctx, tm.lead, tenantID, "u-bob", inventory.Planned, opened.Version, ""); err != nil {
		t.Fatal(err)
	}
	assign(t, store, tm.lead, "u-bob", tm.engineer.ID)
	_, err := store.MoveCard(ctx, tm.lead2, tenantID, "u-bob", inventory.Planned, opened.Version, "")
	wantCode(t, err, inventory.ECONFLICT)
	var conflict *pg.ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("error %T %v is not a *pg.ConflictError", err, err)
	}
	now := card(t, store, "u-bob")
	wantEqual(t, "the card as it now stands", conflict.Card, now)
	if conflict.ChangedBy != tm.lead.Name || time.Since(conflict.ChangedAt) > time.Minute {
		t.Fatalf("changed by %q at %v, want %q just now", conflict.ChangedBy, conflict.ChangedAt, tm.lead.Name)
	}
	msg := inventory.ErrorMessage(err)
	for _, part := range []string{"changed by Dana Lead at ", "it is now Planned, assigned to Eve Engineer", "Reload"} {
		if !strings.Contains(msg, part) {
			t.Fatalf("sentence %q does not say %q", msg, part)
		}
	}
	if msg != err.Error() {
		t.Fatalf("Error() %q differs from the domain message %q", err.Error(), msg)
	}
}

func TestTwoMovesOnOneVersionOneWins(t *testing.T) {
	store, tm, _ := newBoard(t)
	opened := card(t, store, "u-scanner")
	var (
		wg   sync.WaitGroup
		errs [2]error
	)
	for i, actor := range []inventory.Actor{tm.lead, tm.lead2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = store.MoveCard(t.Context(), actor, tenantID, "u-scanner", inventory.Planned, opened.Version, "")
		}()
	}
	wg.Wait()
	won, lost := 0, 0
	for _, err := range errs {
		switch inventory.ErrorCode(err) {
		case "":
			won++
		case inventory.ECONFLICT:
			lost++
		default:
			t.Fatalf("unexpected error %v", err)
		}
	}
	if won != 1 || lost != 1 {
		t.Fatalf("%d moves won and %d got a conflict, want 1 and 1 (errors %v)", won, lost, errs)
	}
	if c := card(t, store, "u-scanner"); c.Version != opened.Version+1 || c.Status != inventory.Planned {
		t.Fatalf("card after the race: %+v", c)
	}
	moves := 0
	for _, e := range events(t, store, "u-scanner") {
		if e.Action == inventory.ActionMove {
			moves++
		}
	}
	if moves != 1 {
		t.Fatalf("%d move events recorded, want 1", moves)
	}
}

func TestAssignAndDueDate(t *testing.T) {
	store, tm, ctx := newBoard(t)
	c := card(t, store, "u-bob")

	_, err := store.Assign(ctx, tm.engineer, tenantID, "u-bob", tm.engineer.ID, c.Version)
	wantCode(t, err, inventory.EFORBIDDEN)
	_, err = store.Assign(ctx, tm.lead, tenantID, "u-bob", tm.manager.ID, c.Version)
	wantCode(t, err, inventory.EINVALID)
	_, err = store.Assign(ctx, tm.lead, tenantID, "u-bob", "not-a-user", c.Version)
	wantCode(t, err, inventory.EINVALID)
	_, err = store.Assign(ctx, tm.lead, tenantID, "u-nobody", tm.engineer.ID, c.Version)
	wantCode(t, err, inventory.ENOTFOUND)

	got, err := store.Assign(ctx, tm.lead, tenantID, "u-bob", tm.engineer.ID, c.Version)
	if err != nil {
		t.Fatal(err)
	}
	if got.Assignee != tm.engineer.ID || got.AssigneeName != "Eve Engineer" || got.Version != c.Version+1 {
		t.Fatalf("assigned card %+v", got)
	}
	e := lastEvent(t, store, "u-bob")
	wantEvent(t, e, tm.lead, inventory.ActionAssign, "", "Eve Engineer")
	if e.Details["to_id"] != tm.engineer.ID {
		t.Fatalf("event details %v", e.Details)
	}
	_, err = store.Assign(ctx, tm.lead, tenantID, "u-bob", tm.engineer2.ID, c.Version)
	wantCode(t, err, inventory.ECONFLICT)

	due := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	_, err = store.SetDueDate(ctx, tm.engineer, tenantID, "u-bob", due, got.Version)
	wantCode(t, err, inventory.EFORBIDDEN)
	got, err = store.SetDueDate(ctx, tm.lead, tenantID, "u-bob", due, got.Version)
	if err != nil {
		t.Fatal(err)
	}
	if !got.DueDate.Equal(due) {
		t.Fatalf("due date %v, want %v", got.DueDate, due)
	}
	wantEvent(t, lastEvent(t, store, "u-bob"), tm.lead, inventory.ActionDueDate, "", "2026-12-01")
	got, err = store.SetDueDate(ctx, tm.lead, tenantID, "u-bob", time.Time{}, got.Version)
	if err != nil {
		t.Fatal(err)
	}
	if !got.DueDate.IsZero() {
		t.Fatalf("due date %v after clearing", got.DueDate)
	}
	wantEvent(t, lastEvent(t, store, "u-bob"), tm.lead, inventory.ActionDueDate, "2026-12-01", "")

	got, err = store.Assign(ctx, tm.lead, tenantID, "u-bob", "", got.Version)
	if err != nil {
		t.Fatal(err)
	}
	if got.Assignee != "" || got.AssigneeName != "" {
		t.Fatalf("unassigned card %+v", got)
	}
	wantEvent(t, lastEvent(t, store, "u-bob"), tm.lead, inventory.ActionAssign, "Eve Engineer", "")
}

func TestCommentGoesOnTheTimeline(t *testing.T) {
	store, tm, ctx := newBoard(t)
	if err := store.Comment(ctx, tm.engineer, tenantID, "u-bob", "  Called Bob; he will enrol tomorrow.  "); err != nil {
		t.Fatal(err)
	}
	e := lastEvent(t, store, "u-bob")
	wantEvent(t, e, tm.engineer, inventory.ActionComment, "", "")
	if e.Reason != "Called Bob; he will enrol tomorrow." {
		t.Fatalf("comment text %q", e.Reason)
	}
	wantCode(t, store.Comment(ctx, tm.manager, tenantID, "u-bob", "hello"), inventory.EFORBIDDEN)
	wantCode(t, store.Comment(ctx, tm.engineer, tenantID, "u-bob", "   "), inventory.EINVALID)
	wantCode(t, store.Comment(ctx, tm.engineer, tenantID, "u-bob", strings.Repeat("x", inventory.MaxCommentLength+1)), inventory.EINVALID)
	wantCode(t, store.Comment(ctx, tm.engineer, tenantID, "u-nobody", "hello"), inventory.ENOTFOUND)
	wantCode(t, store.Comment(ctx, tm.engineer, "another-tenant", "u-bob", "hello"), inventory.ENOTFOUND)
}

func TestSetOverrideAsRecordsWhoAndWhy(t *testing.T) {
	store, tm, ctx := newBoard(t)
	o := inventory.Override{Path: inventory.TechnicalException, Reason: "a Teams Room that cannot do MFA"}
	wantCode(t, store.SetOverrideAs(ctx, tm.engineer, tenantID, "u-boardroom", o), inventory.EFORBIDDEN)
	if err := store.SetOverrideAs(ctx, tm.lead, tenantID, "u-boardroom", o); err != nil {
		t.Fatal(err)
	}
	overrides, err := store.Overrides(ctx, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	if got := overrides["u-boardroom"]; got.Path != inventory.TechnicalException || got.Author != "Dana Lead" || got.Reason != o.Reason {
		t.Fatalf("override stored: %+v", got)
	}
	e := lastEvent(t, store, "u-boardroom")
	wantEvent(t, e, tm.lead, inventory.ActionOverride, "room_device / tenant_split", "room_device / technical_exception")
	if e.Reason != o.Reason {
		t.Fatalf("override event reason %q", e.Reason)
	}
	wantCode(t, store.SetOverrideAs(ctx, tm.lead, tenantID, "u-nobody", o), inventory.ENOTFOUND)
}

func TestAuditFiltersAndStream(t *testing.T) {
	store, tm, ctx := newBoard(t)
	start := time.Now().Add(-time.Minute)
	if err := store.RecordEvent(ctx, pg.AuditEvent{ActorID: tm.lead.ID, ActorName: tm.lead.Name, Action: "sign_in",
		Details: map[string]any{"method": "password"}}); err != nil {
		t.Fatal(err)
	}
	walk(t, store, tm.lead, "u-bob", inventory.Planned)
	assign(t, store, tm.lead, "u-bob", tm.engineer.ID)
	if err := store.Comment(ctx, tm.engineer, tenantID, "u-bob", "on it"); err != nil {
		t.Fatal(err)
	}
	if err := store.Comment(ctx, tm.engineer, tenantID, "u-alice", "next"); err != nil {
		t.Fatal(err)
	}
	// Another tenant's record stays out of this one's.
	if err := store.RecordEvent(ctx, pg.AuditEvent{ActorID: tm.lead.ID, ActorName: tm.lead.Name, TenantID: "other-tenant",
		Action: "settings_changed"}); err != nil {
		t.Fatal(err)
	}

	actions := func(evs []pg.AuditEvent) []string {
		var out []string
		for _, e := range evs {
			out = append(out, e.Action+":"+e.AccountID)
		}
		return out
	}
	for _, c := range []struct {
		name  string
		f     pg.AuditFilter
		want  []string // newest first
		total int
	}{
		{"account timeline", pg.AuditFilter{TenantID: tenantID, AccountID: "u-bob"},
			[]string{"comment:u-bob", "assign:u-bob", "move:u-bob", "card_created:u-bob"}, 4},
		{"an actor's acts", pg.AuditFilter{TenantID: tenantID, ActorID: tm.engineer.ID},
			[]string{"comment:u-alice", "comment:u-bob"}, 2},
		{"one action", pg.AuditFilter{TenantID: tenantID, Action: inventory.ActionComment, Limit: 1},
			[]string{"comment:u-alice"}, 2},
		{"second page", pg.AuditFilter{TenantID: tenantID, Action: inventory.ActionComment, Limit: 1, Offset: 1},
			[]string{"comment:u-bob"}, 2},
		{"the tenant's record with sign-ins, newest first", pg.AuditFilter{TenantID: tenantID, ActorID: tm.lead.ID},
			[]string{"assign:u-bob", "move:u-bob", "sign_in:"}, 3},
		{"a window of time", pg.AuditFilter{TenantID: tenantID, ActorID: tm.lead.ID, From: start, To: start.Add(time.Second)}, nil, 0},
		{"every tenant", pg.AuditFilter{Action: "settings_changed"}, []string{"settings_changed:"}, 1},
	} {
		evs, total, err := store.Audit(ctx, c.f)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		wantEqual(t, c.name, actions(evs), c.want)
		if total != c.total {
			t.Fatalf("%s: total %d, want %d", c.name, total, c.total)
		}
	}
	evs, _, err := store.Audit(ctx, pg.AuditFilter{TenantID: tenantID, Action: "sign_in"})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Details["method"] != "password" || evs[0].TenantID != "" || evs[0].ActorName != "Dana Lead" {
		t.Fatalf("sign-in event %+v", evs)
	}
	_, _, err = store.Audit(ctx, pg.AuditFilter{Limit: pg.MaxPageSize + 1})
	wantCode(t, err, inventory.EINVALID)

	// The stream runs oldest first, and stops at fn's error.
	var streamed []pg.AuditEvent
	if err := store.StreamAudit(ctx, pg.AuditFilter{TenantID: tenantID, AccountID: "u-bob"}, func(e pg.AuditEvent) error {
		streamed = append(streamed, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "stream", actions(streamed), []string{"card_created:u-bob", "move:u-bob", "assign:u-bob", "comment:u-bob"})
	if streamed[3].AccountUPN != "bob_fabrikam.com#EXT#@contoso.onmicrosoft.com" || streamed[3].Reason != "on it" {
		t.Fatalf("streamed comment %+v", streamed[3])
	}
	stop := errors.New("client went away")
	calls := 0
	err = store.StreamAudit(ctx, pg.AuditFilter{TenantID: tenantID}, func(pg.AuditEvent) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("stream after fn's error: %v after %d calls", err, calls)
	}
}

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
