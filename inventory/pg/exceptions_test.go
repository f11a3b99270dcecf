package pg_test

import (
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// exceptionRequest is a valid request expiring days from now.
func exceptionRequest(now time.Time, days int) inventory.ExceptionRequest {
	return inventory.ExceptionRequest{
		Justification:        "The Teams Room console cannot show an MFA prompt at all.",
		CompensatingControls: "Conditional Access allows it only from the office's IP range.",
		Expiry:               now.AddDate(0, 0, days),
	}
}

func TestExceptionIsDecidedBySomeoneElseAndExcepts(t *testing.T) {
	store, ctx, tenant := seededDemo(t, 60)
	tm := newTeam(t, store)
	now := time.Now().UTC()

	// An account the rules find non-compliant or at risk.
	res, err := inventory.Reassess(ctx, store, tenant, inventory.ReassessOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var account string
	for _, a := range res.Accounts {
		if a.Compliance == inventory.NonCompliant || a.Compliance == inventory.AtRisk {
			account = a.UserID
			break
		}
	}
	if account == "" {
		t.Fatal("the demo tenant has no non-compliant account")
	}
	c, err := store.Card(ctx, tenant, account)
	if err != nil {
		t.Fatal(err)
	}

	// Refusals first: management, a bad request, a stale version.
	_, err = store.RequestException(ctx, tm.manager, tenant, account, exceptionRequest(now, 30), c.Version, now)
	wantCode(t, err, inventory.EFORBIDDEN)
	bad := exceptionRequest(now, -1)
	bad.Justification = ""
	_, err = store.RequestException(ctx, tm.lead, tenant, account, bad, c.Version, now)
	wantCode(t, err, inventory.EINVALID)
	_, err = store.RequestException(ctx, tm.lead, tenant, account, exceptionRequest(now, 30), c.Version+1, now)
	wantCode(t, err, inventory.ECONFLICT)

	c, err = store.RequestException(ctx, tm.lead, tenant, account, exceptionRequest(now, 30), c.Version, now)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != inventory.ExceptionRequested || c.ExceptionRequester != tm.lead.ID {
		t.Fatalf("card after the request: %+v", c)
	}
	open, err := store.OpenExceptions(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 1 || open[0].AccountID != account || open[0].Status != inventory.ExceptionStateRequested ||
		open[0].RequestedBy != "Dana Lead" || open[0].UserPrincipalName == "" {
		t.Fatalf("open exceptions %+v", open)
	}

	// The requester may not decide; another lead grants.
	_, err = store.DecideException(ctx, tm.lead, tenant, account, true, "", c.Version)
	wantCode(t, err, inventory.EFORBIDDEN)
	_, err = store.DecideException(ctx, tm.engineer, tenant, account, true, "", c.Version)
	wantCode(t, err, inventory.EFORBIDDEN)
	c, err = store.DecideException(ctx, tm.lead2, tenant, account, true, "Office IP only: acceptable for a year.", c.Version)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != inventory.ExceptionGranted {
		t.Fatalf("card after the grant: %+v", c)
	}
	trail, _, err := store.Audit(ctx, pg.AuditFilter{TenantID: tenant, AccountID: account, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(trail) != 2 || trail[0].Action != inventory.ActionExceptionGranted || trail[0].ActorID != tm.lead2.ID ||
		trail[0].Reason != "Office IP only: acceptable for a year." || trail[1].Action != inventory.ActionExceptionRequested ||
		trail[1].ActorID != tm.lead.ID || trail[1].Reason != exceptionRequest(now, 30).Justification ||
		trail[1].Details["compensating_controls"] != exceptionRequest(now, 30).CompensatingControls {
		t.Fatalf("trail of the request and the grant: %+v", trail)
	}

	exceptions, err := store.Exceptions(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := exceptions[account]
	if len(exceptions) != 1 || !ok || !got.Granted || !got.Expiry.Equal(exceptionRequest(now, 30).Expiry.Truncate(time.Microsecond)) {
		t.Fatalf("exceptions %+v, want %s granted", exceptions, account)
	}
	res, err = inventory.Reassess(ctx, store, tenant, inventory.ReassessOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range res.Accounts {
		if a.UserID == account && a.Compliance != inventory.Excepted {
			t.Fatalf("%s after the grant: %s, want excepted", account, a.Compliance)
		}
	}
	expiring, err := store.ExpiringExceptions(ctx, tenant, 14*24*time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(expiring) != 0 {
		t.Fatalf("an exception for 30 days is listed as expiring within 14: %+v", expiring)
	}
	expiring, err = store.ExpiringExceptions(ctx, tenant, 31*24*time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(expiring) != 1 || expiring[0].DecidedBy != "Lee Second" || expiring[0].Status != inventory.ExceptionStateGranted {
		t.Fatalf("expiring within 31 days: %+v", expiring)
	}

	// Before the expiry nothing happens; after it the account reopens.
	if n, err := store.ExpireExceptions(ctx, now.AddDate(0, 0, 29)); err != nil || n != 0 {
		t.Fatalf("ExpireExceptions before the expiry: %d, %v", n, err)
	}
	n, err := store.ExpireExceptions(ctx, now.AddDate(0, 0, 31))
	if err != nil || n != 1 {
		t.Fatalf("ExpireExceptions after the expiry: %d, %v", n, err)
	}
	c, err = store.Card(ctx, tenant, account)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != inventory.Planned || c.ExceptionRequester != "" {
		t.Fatalf("card after the expiry: %+v", c)
	}
	audit, _, err := store.Audit(ctx, pg.AuditFilter{TenantID: tenant, AccountID: account, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	e := audit[0]
	if e.ActorID != "expiry" || e.Action != inventory.ActionExceptionExpired || e.From != "exception_granted" ||
		e.To != "planned" || e.Reason == "" {
		t.Fatalf("expiry event %+v", e)
	}
	if exceptions, _ := store.Exceptions(ctx, tenant); len(exceptions) != 0 {
		t.Fatalf("exceptions after the expiry: %+v", exceptions)
	}
	history, err := store.ExceptionHistory(ctx, tenant, account)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 1 || history[0].Status != inventory.ExceptionStateExpired || history[0].EndedAt.IsZero() {
		t.Fatalf("history %+v", history)
	}
}

func TestExceptionRejectedWithdrawnRevoked(t *testing.T) {
	store, tm, ctx := newBoard(t)
	now := time.Now().UTC()
	assign(t, store, tm.lead, "u-boardroom", tm.engineer.ID)
	walk(t, store, tm.lead, "u-boardroom", inventory.Planned)
	request := func(by inventory.Actor) inventory.Card {
		t.Helper()
		c := card(t, store, "u-boardroom")
		c, err := store.RequestException(ctx, by, tenantID, "u-boardroom", exceptionRequest(now, 60), c.Version, now)
		if err != nil {
			t.Fatalf("request by %s: %v", by.Name, err)
		}
		return c
	}
	history := func() []string {
		t.Helper()
		rows, err := store.ExceptionHistory(ctx, tenantID, "u-boardroom")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows {
			out = append(out, r.Status)
		}
		return out
	}

	// The engineer assigned requests; a lead rejects with a note.
	c := request(tm.engineer)
	_, err := store.RequestException(ctx, tm.engineer, tenantID, "u-boardroom", exceptionRequest(now, 60), c.Version, now)
	wantCode(t, err, inventory.EINVALID) // already requested
	c, err = store.DecideException(ctx, tm.lead, tenantID, "u-boardroom", false, "Split the tenant instead.", c.Version)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != inventory.Planned || c.ExceptionRequester != "" {
		t.Fatalf("card after the rejection: %+v", c)
	}
	wantEvent(t, lastEvent(t, store, "u-boardroom"), tm.lead, inventory.ActionExceptionRejected, "exception_requested", "planned")
	wantEqual(t, "history after the rejection", history(), []string{inventory.ExceptionStateRejected})

	// The requester withdraws by moving the card back; another engineer may not.
	c = request(tm.engineer)
	_, err = store.MoveCard(ctx, tm.engineer2, tenantID, "u-boardroom", inventory.Planned, c.Version, "")
	wantCode(t, err, inventory.EFORBIDDEN)
	if _, err := store.MoveCard(ctx, tm.engineer, tenantID, "u-boardroom", inventory.Planned, c.Version, "not needed after all"); err != nil {
		t.Fatal(err)
	}
	wantEvent(t, lastEvent(t, store, "u-boardroom"), tm.engineer, inventory.ActionExceptionWithdrawn, "exception_requested", "planned")
	wantEqual(t, "history after the withdrawal", history(), []string{inventory.ExceptionStateWithdrawn, inventory.ExceptionStateRejected})

	// Granted, then revoked by a lead's move.
	c = request(tm.engineer)
	c, err = store.DecideException(ctx, tm.lead, tenantID, "u-boardroom", true, "", c.Version)
	if err != nil {
		t.Fatal(err)
	}
	_, err = store.MoveCard(ctx, tm.engineer, tenantID, "u-boardroom", inventory.Planned, c.Version, "")
	wantCode(t, err, inventory.EFORBIDDEN)
	if _, err := store.MoveCard(ctx, tm.lead2, tenantID, "u-boardroom", inventory.Planned, c.Version, "the room is replaced"); err != nil {
		t.Fatal(err)
	}
	wantEvent(t, lastEvent(t, store, "u-boardroom"), tm.lead2, inventory.ActionExceptionRevoked, "exception_granted", "planned")
	wantEqual(t, "history after the revocation", history(), []string{inventory.ExceptionStateRevoked, inventory.ExceptionStateWithdrawn, inventory.ExceptionStateRejected})
	if exceptions, _ := store.Exceptions(ctx, tenantID); len(exceptions) != 0 {
		t.Fatalf("exceptions after the revocation: %+v", exceptions)
	}
}
