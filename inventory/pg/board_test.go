package pg_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// cardIDs lists a column's cards.
func cardIDs(col pg.BoardColumn) []string {
	var ids []string
	for _, c := range col.Cards {
		ids = append(ids, c.AccountID)
	}
	return ids
}

// column returns the column of status.
func column(t testing.TB, cols []pg.BoardColumn, status inventory.Status) pg.BoardColumn {
	t.Helper()
	for _, c := range cols {
		if c.Status == status {
			return c
		}
	}
	t.Fatalf("no %s column in %+v", status, cols)
	return pg.BoardColumn{}
}

// bothWays runs a board test with columns read as the store chooses, by
// walking the column index and by sorting the matching cards: all three
// must give the same board.
func bothWays(t *testing.T, test func(t *testing.T)) {
	for _, how := range []string{"", "walk", "gather"} {
		name := "read by " + how
		if how == "" {
			name = "read as the store chooses"
		}
		t.Run(name, func(t *testing.T) {
			defer pg.ReadBoardBy(how)()
			test(t)
		})
	}
}

func TestBoardColumnsCountAndPageInPriorityOrder(t *testing.T) {
	store, _, ctx := newBoardAlone(t)
	bothWays(t, func(t *testing.T) {
		b, err := store.Board(ctx, pg.BoardFilter{TenantID: tenantID}, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Columns) != len(inventory.Statuses) || b.Total != 6 || len(b.Lanes) != 0 {
			t.Fatalf("board: %d columns, total %d, %d lanes", len(b.Columns), b.Total, len(b.Lanes))
		}
		for i, col := range b.Columns {
			if col.Status != inventory.Statuses[i] {
				t.Fatalf("column %d is %s, want %s", i, col.Status, inventory.Statuses[i])
			}
		}
		triage := column(t, b.Columns, inventory.Triage)
		// Privileged and open first, then non-compliant, at risk (by UPN).
		// The compliant and the disabled accounts entered verified.
		wantEqual(t, "triage in board order", cardIDs(triage), []string{"u-sync", "u-boardroom", "u-bob", "u-scanner"})
		if triage.Total != 4 || triage.More {
			t.Fatalf("triage total %d, more %v", triage.Total, triage.More)
		}
		wantEqual(t, "verified in board order", cardIDs(column(t, b.Columns, inventory.Verified)), []string{"u-alice", "u-carol"})
		for _, st := range inventory.Statuses[1:] {
			if col := column(t, b.Columns, st); st != inventory.Verified && (col.Total != 0 || len(col.Cards) != 0) {
				t.Fatalf("%s column %+v, want empty", st, col)
			}
		}
		first := triage.Cards[0]
		if first.UserPrincipalName != "Sync_DC01_abc@contoso.onmicrosoft.com" || first.Category != inventory.ServiceAccount ||
			first.Path != inventory.SecureAppModel || first.Compliance != inventory.NonCompliant ||
			len(first.Markers) != 2 || first.Version != 1 || first.DisplayName == "" {
			t.Fatalf("first card %+v", first)
		}

		for _, page := range []struct {
			offset int
			ids    []string
			more   bool
		}{
			{0, []string{"u-sync", "u-boardroom"}, true},
			{2, []string{"u-bob", "u-scanner"}, false},
			{4, nil, false},
		} {
			b, err := store.Board(ctx, pg.BoardFilter{TenantID: tenantID}, 2, map[inventory.Status]int{inventory.Triage: page.offset})
			if err != nil {
				t.Fatal(err)
			}
			col := column(t, b.Columns, inventory.Triage)
			wantEqual(t, fmt.Sprint("triage from ", page.offset), cardIDs(col), page.ids)
			if col.More != page.more || col.Total != 4 || col.Offset != page.offset {
				t.Fatalf("page from %d: more %v total %d offset %d", page.offset, col.More, col.Total, col.Offset)
			}
		}
	})
}

func TestBoardFilters(t *testing.T) {
	store, tm, ctx := newBoardAlone(t)
	now := time.Now().UTC()
	yesterday, tomorrow := now.AddDate(0, 0, -1), now.AddDate(0, 0, 1)
	due := func(id string, day time.Time) {
		c := card(t, store, id)
		if _, err := store.SetDueDate(ctx, tm.lead, tenantID, id, day, c.Version); err != nil {
			t.Fatal(err)
		}
	}
	assign(t, store, tm.lead, "u-bob", tm.engineer.ID)
	assign(t, store, tm.lead, "u-scanner", tm.engineer.ID)
	assign(t, store, tm.lead, "u-alice", tm.engineer2.ID)
	walk(t, store, tm.lead, "u-bob", inventory.Planned)
	walk(t, store, tm.lead, "u-scanner", inventory.Planned, inventory.InProgress, inventory.Remediated)
	due("u-bob", yesterday)
	due("u-scanner", yesterday) // remediated: the work is done, not overdue
	due("u-boardroom", tomorrow)

	all := func(b pg.Board) []string {
		var ids []string
		for _, col := range b.Columns {
			ids = append(ids, cardIDs(col)...)
		}
		return ids
	}
	bothWays(t, func(t *testing.T) {
		for _, c := range []struct {
			name string
			f    pg.BoardFilter
			want []string
		}{
			{"mine", pg.BoardFilter{Mine: tm.engineer.ID}, []string{"u-bob", "u-scanner"}},
			{"assignee", pg.BoardFilter{Assignee: tm.engineer2.ID}, []string{"u-alice"}},
			{"nobody's", pg.BoardFilter{Assignee: pg.AssigneeNobody}, []string{"u-sync", "u-boardroom", "u-carol"}},
			{"overdue", pg.BoardFilter{Overdue: true, Now: now}, []string{"u-bob"}},
			{"overdue in two days", pg.BoardFilter{Overdue: true, Now: now.AddDate(0, 0, 2)}, []string{"u-boardroom", "u-bob"}},
			{"search", pg.BoardFilter{Query: "SCAN"}, []string{"u-scanner"}},
			{"search by domain", pg.BoardFilter{Query: "contoso.onmicrosoft"}, []string{"u-sync", "u-bob"}},
			{"search with a wildcard character", pg.BoardFilter{Query: "100%"}, []string{"u-scanner"}},
			{"category", pg.BoardFilter{Category: string(inventory.ServiceAccount)}, []string{"u-sync", "u-scanner"}},
			{"path", pg.BoardFilter{Path: string(inventory.TenantSplit)}, []string{"u-boardroom"}},
			{"compliance", pg.BoardFilter{Compliance: string(inventory.AtRisk)}, []string{"u-bob", "u-scanner"}},
			{"marker", pg.BoardFilter{Marker: string(inventory.Privileged)}, []string{"u-sync", "u-alice"}},
			{"mine and overdue", pg.BoardFilter{Mine: tm.engineer.ID, Overdue: true, Now: now}, []string{"u-bob"}},
			{"nothing matches", pg.BoardFilter{Query: "nobody-at-all"}, nil},
		} {
			c.f.TenantID = tenantID
			b, err := store.Board(ctx, c.f, 0, nil)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			wantEqual(t, c.name, all(b), c.want)
			if b.Total != len(c.want) {
				t.Fatalf("%s: total %d, want %d", c.name, b.Total, len(c.want))
			}
		}
	})

	b, err := store.Board(ctx, pg.BoardFilter{TenantID: tenantID, Now: time.Now().AddDate(0, 0, 3)}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	bob := column(t, b.Columns, inventory.Planned).Cards[0]
	if bob.AccountID != "u-bob" || !bob.Overdue || bob.DaysInColumn != 3 || bob.AssigneeName != "Eve Engineer" ||
		!bob.DueDate.Equal(time.Date(yesterday.Year(), yesterday.Month(), yesterday.Day(), 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("bob's card three days on: %+v", bob)
	}

	for _, f := range []pg.BoardFilter{
		{Category: "robot"}, {Path: "teleport"}, {Compliance: "maybe"}, {Marker: "vip"},
		{Assignee: "dana"}, {Mine: "me"}, {Swimlane: "department"}, {},
	} {
		if f.Swimlane == "" && f.Category == "" && f.Path == "" && f.Compliance == "" && f.Marker == "" && f.Assignee == "" && f.Mine == "" {
			_, err := store.Board(ctx, pg.BoardFilter{}, 0, nil) // no tenant
			wantCode(t, err, inventory.EINVALID)
			continue
		}
		f.TenantID = tenantID
		_, err := store.Board(ctx, f, 0, nil)
		wantCode(t, err, inventory.EINVALID)
	}
	_, err = store.Board(ctx, pg.BoardFilter{TenantID: tenantID}, 0, map[inventory.Status]int{inventory.Triage: -1})
	wantCode(t, err, inventory.EINVALID)
}

func TestBoardSwimlanes(t *testing.T) {
	store, tm, ctx := newBoardAlone(t)
	walk(t, store, tm.lead, "u-scanner", inventory.Planned)
	bothWays(t, func(t *testing.T) {
		b, err := store.Board(ctx, pg.BoardFilter{TenantID: tenantID, Swimlane: pg.LaneByCategory}, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, l := range b.Lanes {
			keys = append(keys, l.Key)
		}
		wantEqual(t, "lanes", keys, []string{"office_worker", "service_account", "room_device", "guest"})
		service := b.Lanes[1]
		if service.Label != inventory.ServiceAccount.Label() || service.Total != 2 || len(service.Columns) != len(inventory.Statuses) {
			t.Fatalf("service account lane %+v", service)
		}
		wantEqual(t, "service accounts in triage", cardIDs(column(t, service.Columns, inventory.Triage)), []string{"u-sync"})
		wantEqual(t, "service accounts planned", cardIDs(column(t, service.Columns, inventory.Planned)), []string{"u-scanner"})
		wantEqual(t, "office workers verified", cardIDs(column(t, b.Lanes[0].Columns, inventory.Verified)), []string{"u-alice", "u-carol"})
		// The board's own columns carry the totals across lanes.
		if triage := column(t, b.Columns, inventory.Triage); triage.Total != 3 || len(triage.Cards) != 0 {
			t.Fatalf("triage across lanes %+v", triage)
		}
		b, err = store.Board(ctx, pg.BoardFilter{TenantID: tenantID, Swimlane: pg.LaneByPath, Compliance: string(inventory.NonCompliant)}, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		keys = nil
		for _, l := range b.Lanes {
			keys = append(keys, l.Key+":"+joinIDs(cardIDs(column(t, l.Columns, inventory.Triage))))
		}
		wantEqual(t, "non-compliant by path", keys, []string{"secure_app_model:u-sync", "tenant_split:u-boardroom"})
	})
}

func joinIDs(ids []string) string {
	out := ""
	for i, id := range ids {
		if i > 0 {
			out += ","
		}
		out += id
	}
	return out
}

// One card read by itself is the card the board shows, decorations and all;
// and a card the store returned after a change, put on the account's facts
// (BoardCard.With), is the card read afresh.
func TestBoardCardIsTheBoardsCard(t *testing.T) {
	store, tm, ctx := newBoardAlone(t)
	c := assign(t, store, tm.lead, "u-bob", tm.engineer.ID)
	c = walk(t, store, tm.lead, "u-bob", inventory.Planned)
	c, err := store.SetDueDate(ctx, tm.lead, tenantID, "u-bob", time.Now().AddDate(0, 0, -3), c.Version)
	if err != nil {
		t.Fatal(err)
	}

	later := time.Now().Add(50 * time.Hour) // two days in the column, overdue
	b, err := store.Board(ctx, pg.BoardFilter{TenantID: tenantID, Now: later}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, col := range b.Columns {
		for _, want := range col.Cards {
			got, err := store.BoardCard(ctx, tenantID, want.AccountID, later)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("BoardCard(%s) = %+v (%v)\nthe board shows %+v", want.AccountID, got, err, want)
			}
			if want.AccountID == "u-bob" && (want.DaysInColumn != 2 || !want.Overdue || want.AssigneeName == "") {
				t.Errorf("the fixture's card does not carry every decoration: %+v", want)
			}
			seen++
		}
	}
	if seen != b.Total || seen == 0 {
		t.Fatalf("compared %d cards of the board's %d", seen, b.Total)
	}
	if _, err := store.BoardCard(ctx, tenantID, "u-nobody", later); inventory.ErrorCode(err) != inventory.ENOTFOUND {
		t.Errorf("an unknown account: %v, want ENOTFOUND", err)
	}

	now := time.Now()
	before, err := store.BoardCard(ctx, tenantID, "u-bob", now.Add(50*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	moved, err := store.MoveCard(ctx, tm.engineer, tenantID, "u-bob", inventory.InProgress, before.Version, "")
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := store.BoardCard(ctx, tenantID, "u-bob", now)
	if err != nil {
		t.Fatal(err)
	}
	if got := before.With(moved, now); !reflect.DeepEqual(got, fresh) {
		t.Errorf("the moved card on the account's facts is %+v\nread afresh it is %+v", got, fresh)
	}
}

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
	ctx := t.Context()
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
	store, ctx := newStore(t)
	tenant := pgtest.SeedDemoOf(t, store, demo.Options{Users: 300, Seed: 1}).Snapshot.Tenant.ID
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
