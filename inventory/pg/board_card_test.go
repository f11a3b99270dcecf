package pg_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// One card read by itself is the card the board shows, decorations and all;
// and a card the store returned after a change, put on the account's facts
// (BoardCard.With), is the card read afresh.
func TestBoardCardIsTheBoardsCard(t *testing.T) {
	store, tm := newBoard(t)
	ctx := context.Background()
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
