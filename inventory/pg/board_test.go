package pg_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
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
