package pg_test

import (
	"errors"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

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
