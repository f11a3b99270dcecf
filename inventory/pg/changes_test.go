package pg_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// A sync records what moved since the last one, with its cause, in the
// sync's run; the first sync records nothing.
func TestSyncRecordsChanges(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	ctx := context.Background()
	first := pgtest.Sync(t, store, pgtest.ExcludedGroupTenant(), inventory.SyncOptions{Now: time.Now().UTC()})
	if cs, err := store.Changes(ctx, pg.ChangeFilter{RunID: first.RunID}); err != nil || len(cs) != 0 {
		t.Fatalf("the first sync records %d changes (%v), want none", len(cs), err)
	}
	second := pgtest.SyncAnnJoinsContractors(t, store)
	cs, err := store.Changes(ctx, pg.ChangeFilter{TenantID: "changes-tenant"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 {
		t.Fatalf("got %d changes, want Ann's: %+v", len(cs), cs)
	}
	c := cs[0]
	if c.RunID != second.RunID || c.UPN != "ann@changes.example" || c.From != inventory.Compliant ||
		c.To != inventory.NonCompliant || !c.Regression || c.Direction != inventory.Worse ||
		!slices.Equal(c.Causes, []string{"joined group *Contractors*, which *CA001* excludes"}) {
		t.Errorf("change: %+v", c)
	}
	lost, gained, err := store.LastSyncChanges(ctx, "changes-tenant")
	if err != nil || lost != 1 || gained != 0 {
		t.Errorf("last sync: %d lost, %d gained (%v), want 1 and 0", lost, gained, err)
	}
	if cs, _ := store.Changes(ctx, pg.ChangeFilter{Since: time.Now().Add(time.Hour)}); len(cs) != 0 {
		t.Errorf("changes since an hour ahead: %d", len(cs))
	}
}

// A failed sync records no change: ApplySync writes them in its own
// transaction. The run's last write (its success) is made to fail, after
// the changes are written.
func TestFailedSyncRecordsNoChanges(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	ctx := context.Background()
	pgtest.Sync(t, store, pgtest.ExcludedGroupTenant(), inventory.SyncOptions{})
	if _, err := store.Pool().Exec(ctx, `
		CREATE FUNCTION refuse_success() RETURNS trigger LANGUAGE plpgsql AS
		$$ BEGIN RAISE EXCEPTION 'the test refuses this run'; END $$;
		CREATE TRIGGER refuse_success BEFORE UPDATE ON sync_runs
		FOR EACH ROW WHEN (NEW.status = 'succeeded') EXECUTE FUNCTION refuse_success()`); err != nil {
		t.Fatal(err)
	}
	snap := pgtest.ExcludedGroupTenant()
	snap.Groups[0].MemberUserIDs = []string{"ann"}
	out, err := inventory.Sync(ctx, store, inventory.StaticSource{SourceName: pg.SourceFolder, Snapshot: snap}, inventory.SyncOptions{})
	if err == nil || !strings.Contains(err.Error(), "the test refuses this run") {
		t.Fatalf("the sync whose success was refused: %v", err)
	}
	if len(out.Result.Changes) != 0 {
		t.Errorf("a failed sync reports %d changes", len(out.Result.Changes))
	}
	if cs, err := store.Changes(ctx, pg.ChangeFilter{}); err != nil || len(cs) != 0 {
		t.Errorf("a failed sync recorded %d changes (%v)", len(cs), err)
	}
}
