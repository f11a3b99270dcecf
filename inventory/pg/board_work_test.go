package pg_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// The board holds the work (issue 11): a verify needs the last sync's
// compliant verdict, a blocked card says what blocks it, and the sync takes
// compliant accounts out of triage.

// TestVerifyIsRefusedWhileTheLastSyncFoundTheAccountOpen: a lead's verify
// of the non-compliant boardroom console is refused (409's code) with the
// account, the verdict and its cause, changes nothing and records nothing;
// one card among many refuses a bulk verify whole. Alice, compliant, is
// verified.
func TestVerifyIsRefusedWhileTheLastSyncFoundTheAccountOpen(t *testing.T) {
	store, tm, ctx := newBoard(t)
	before := walk(t, store, tm.lead, "u-boardroom", inventory.Planned, inventory.InProgress, inventory.Remediated)
	nEvents := len(events(t, store, "u-boardroom"))
	_, err2 := store.MoveCard(ctx, tm.lead, tenantID, "u-boardroom", inventory.Verified, before.Version, "")
	wantCode(t, err2, inventory.ECONFLICT)
	d, err := store.Account(ctx, tenantID, "u-boardroom")
	if err != nil || d.Assessment == nil || len(d.Assessment.Reasons) == 0 {
		t.Fatalf("the boardroom console has no reason for its verdict: %+v, %v", d.Assessment, err)
	}
	cause := strings.TrimSuffix(d.Assessment.Reasons[0], ".")
	msg := inventory.ErrorMessage(err2)
	if want := "Can't verify boardroom4@contoso.com: the last sync found it non-compliant — " + cause + "."; msg != want {
		t.Errorf("the refusal says %q, want %q: the account, the verdict and the first reason", msg, want)
	}
	wantEqual(t, "the card after the refused verify", card(t, store, "u-boardroom"), before)
	if n := len(events(t, store, "u-boardroom")); n != nEvents {
		t.Errorf("the refused verify recorded %d events", n-nEvents)
	}

	alice := walk(t, store, tm.lead, "u-alice", inventory.Planned, inventory.InProgress, inventory.Remediated)
	to := inventory.Verified
	_, err = store.Bulk(ctx, tm.lead, tenantID, []string{"u-alice", "u-boardroom"}, nil, pg.BulkAction{MoveTo: &to})
	wantCode(t, err, inventory.ECONFLICT)
	if msg := inventory.ErrorMessage(err); !strings.Contains(msg, "1 of the 2 accounts cannot move to Verified, so nothing was changed") ||
		!strings.Contains(msg, "Can't verify boardroom4@contoso.com: the last sync found it non-compliant") {
		t.Errorf("the bulk verify's refusal says %q", msg)
	}
	wantEqual(t, "Alice after the refused bulk verify", card(t, store, "u-alice"), alice)

	if _, err := store.MoveCard(ctx, tm.lead, tenantID, "u-alice", inventory.Verified, alice.Version, ""); err != nil {
		t.Fatalf("verifying compliant Alice: %v", err)
	}
}

// TestBlockedNeedsItsReasonAndTheCardKeepsIt: a move to blocked without a
// reason (or with one too long) is refused; with one, the card and the
// board show it, and the next move replaces it.
func TestBlockedNeedsItsReasonAndTheCardKeepsIt(t *testing.T) {
	store, tm, ctx := newBoard(t)
	assign(t, store, tm.lead, "u-bob", tm.engineer.ID)
	c := walk(t, store, tm.lead, "u-bob", inventory.Planned, inventory.InProgress)
	for _, reason := range []string{"", "  ", strings.Repeat("x", inventory.MaxReasonLength+1)} {
		_, err := store.MoveCard(ctx, tm.engineer, tenantID, "u-bob", inventory.Blocked, c.Version, reason)
		wantCode(t, err, inventory.EINVALID)
	}
	to := inventory.Blocked
	_, err := store.Bulk(ctx, tm.lead, tenantID, []string{"u-bob"}, nil, pg.BulkAction{MoveTo: &to})
	wantCode(t, err, inventory.EINVALID)
	if got := card(t, store, "u-bob"); got.Status != inventory.InProgress {
		t.Fatalf("after refused blocks the card is %s", got.Status)
	}

	const why = "Bob is on leave until Monday; his new phone is not enrolled yet."
	c, err = store.MoveCard(ctx, tm.engineer, tenantID, "u-bob", inventory.Blocked, c.Version, why)
	if err != nil {
		t.Fatal(err)
	}
	if c.StatusReason != why || card(t, store, "u-bob").StatusReason != why {
		t.Errorf("the blocked card's reason is %q, want %q", c.StatusReason, why)
	}
	bc, err := store.BoardCard(ctx, tenantID, "u-bob", time.Now())
	if err != nil || bc.StatusReason != why {
		t.Errorf("the board's card says %q (%v), want the reason", bc.StatusReason, err)
	}
	b, err := store.Board(ctx, pg.BoardFilter{TenantID: tenantID}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cards := column(t, b.Columns, inventory.Blocked).Cards; len(cards) != 1 || cards[0].StatusReason != why {
		t.Errorf("the board's blocked column %+v, want Bob with his reason", cards)
	}
	wantEqual(t, "the event's reason", lastEvent(t, store, "u-bob").Reason, why)

	c, err = store.MoveCard(ctx, tm.engineer, tenantID, "u-bob", inventory.InProgress, c.Version, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.StatusReason != "" {
		t.Errorf("back in progress the card still says %q", c.StatusReason)
	}
}

// TestSyncVerifiesCompliantCardsLeftInTriage: a tenant whose compliant
// accounts sit in triage (as before the sync verified them on sight) has
// them moved to verified by the next sync, each with its event; the open
// ones stay.
func TestSyncVerifiesCompliantCardsLeftInTriage(t *testing.T) {
	t.Parallel()
	store, url := pgtest.NewStore(t)
	applySync(t, store, fixtureSnapshot(), "")
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `UPDATE cards SET status = 'triage' WHERE account_id IN ('u-alice', 'u-carol')`); err != nil {
		t.Fatal(err)
	}
	run := syncVerdicts(t, store, fixtureSnapshot(), map[string]inventory.Compliance{
		"u-alice": inventory.Compliant, "u-carol": inventory.NotApplicable, "u-bob": inventory.AtRisk})
	if run.Counts["cards_moved"] != 2 {
		t.Errorf("the sync moved %d cards, want Alice and Carol", run.Counts["cards_moved"])
	}
	for id, reason := range map[string]string{
		"u-alice": "the sync found the account compliant",
		"u-carol": "the sync found the account disabled (not applicable)",
	} {
		if c := card(t, store, id); c.Status != inventory.Verified {
			t.Errorf("%s after the sync: %s, want verified", id, c.Status)
		}
		e := lastEvent(t, store, id)
		wantEvent(t, e, inventory.SyncActor, inventory.ActionMove, "triage", "verified")
		wantEqual(t, id+"'s event reason", e.Reason, reason)
	}
	if c := card(t, store, "u-bob"); c.Status != inventory.Triage {
		t.Errorf("at-risk Bob after the sync: %s, want triage", c.Status)
	}
}

// TestBoardOrdersBySeverityThenDueDate: within a rank the earliest due
// date comes first and cards with none last, on the walked and the
// gathered reading alike.
func TestBoardOrdersBySeverityThenDueDate(t *testing.T) {
	store, tm, ctx := newBoardAlone(t)
	// Bob and the scanner are both at risk (rank 3): Bob by UPN first,
	// until the scanner is due.
	c := card(t, store, "u-scanner")
	if _, err := store.SetDueDate(ctx, tm.lead, tenantID, "u-scanner", time.Now().AddDate(0, 0, 7), c.Version); err != nil {
		t.Fatal(err)
	}
	bothWays(t, func(t *testing.T) {
		b, err := store.Board(ctx, pg.BoardFilter{TenantID: tenantID}, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantEqual(t, "triage in board order", cardIDs(column(t, b.Columns, inventory.Triage)),
			[]string{"u-sync", "u-boardroom", "u-scanner", "u-bob"})
		b, err = store.Board(ctx, pg.BoardFilter{TenantID: tenantID, Compliance: string(inventory.AtRisk)}, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantEqual(t, "at risk in board order", cardIDs(column(t, b.Columns, inventory.Triage)), []string{"u-scanner", "u-bob"})
	})
}

// TestBoardOpenColumnsEqualReadinessOpenAccounts: on the demo tenant just
// synced, the cards outside verified and exception granted are exactly the
// accounts readiness counts open (non-compliant or at risk), and verified
// holds every compliant and disabled account.
func TestBoardOpenColumnsEqualReadinessOpenAccounts(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	ctx := context.Background()
	out, err := pgtest.SyncDemo(ctx, store, demo.Options{Users: 300, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	tenant := out.Snapshot.Tenant.ID
	r, err := store.Readiness(ctx, tenant, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b, err := store.Board(ctx, pg.BoardFilter{TenantID: tenant}, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	open, settled := 0, 0
	for _, col := range b.Columns {
		switch col.Status {
		case inventory.Verified:
			settled += col.Total
		case inventory.ExceptionGranted:
		default:
			open += col.Total
		}
	}
	wantOpen := inventory.OpenCount(r.Tenant.Counts)
	if open != wantOpen || wantOpen == 0 {
		t.Errorf("the board's open columns hold %d cards, readiness counts %d accounts open", open, wantOpen)
	}
	if want := r.Tenant.Counts[inventory.Compliant] + r.Tenant.Counts[inventory.NotApplicable]; settled != want {
		t.Errorf("verified holds %d cards, want the %d compliant and disabled accounts", settled, want)
	}
}
