package pg_test

import (
	"testing"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// migrated applies every migration to a database migratedTo left behind,
// and opens the store on it.
func migrated(t *testing.T, url string) *pg.Store {
	t.Helper()
	if err := pg.Migrate(t.Context(), url); err != nil {
		t.Fatal(err)
	}
	store, err := pg.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	return store
}

// TestMigrationBoardSeverity: a board stored before 00010 has its
// compliant and disabled triage cards moved to verified (each with its
// event by the sync), its blocked card given the reason it was blocked
// with, and its ranks made inventory.BoardRank.
func TestMigrationBoardSeverity(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, url := migratedTo(t, 7)
	// As the store wrote them before: every card in triage but one blocked,
	// ranked the old way (privileged first whatever the verdict).
	if _, err := db.ExecContext(ctx, `
		INSERT INTO cards (tenant_id, account_id, status, updated_by, upn, upn_key, compliance, markers, rank) VALUES
			('t1', 'ok', 'triage', 'sync', 'ok@t1', 'ok@t1', 'compliant', '{privileged}', 2),
			('t1', 'off', 'triage', 'sync', 'off@t1', 'off@t1', 'not_applicable', '{disabled}', 5),
			('t1', 'nc', 'triage', 'sync', 'nc@t1', 'nc@t1', 'non_compliant', '{}', 3),
			('t1', 'bl', 'blocked', 'lead', 'bl@t1', 'bl@t1', 'at_risk', '{break_glass}', 1);
		INSERT INTO audit_events (actor_id, tenant_id, account_id, action, from_value, to_value, reason) VALUES
			('lead', 't1', 'bl', 'move', 'in_progress', 'blocked', 'the first reason'),
			('lead', 't1', 'bl', 'move', 'blocked', 'in_progress', ''),
			('lead', 't1', 'bl', 'move', 'in_progress', 'blocked', 'waiting for the FIDO2 keys')`); err != nil {
		t.Fatal(err)
	}
	store := migrated(t, url)
	want := map[string]struct {
		status inventory.Status
		reason string
		rank   int
	}{
		"ok":  {inventory.Verified, "the sync found the account compliant", 4},
		"off": {inventory.Verified, "the sync found the account disabled (not applicable)", 5},
		"nc":  {inventory.Triage, "", 2},
		"bl":  {inventory.Blocked, "waiting for the FIDO2 keys", 1},
	}
	for id, w := range want {
		c, err := store.Card(ctx, "t1", id)
		if err != nil {
			t.Fatal(err)
		}
		var rank int
		if err := db.QueryRowContext(ctx, `SELECT rank FROM cards WHERE account_id = $1`, id).Scan(&rank); err != nil {
			t.Fatal(err)
		}
		if c.Status != w.status || c.StatusReason != w.reason || rank != w.rank {
			t.Errorf("%s after the migration: %s %q rank %d, want %s %q rank %d", id, c.Status, c.StatusReason, rank, w.status, w.reason, w.rank)
		}
		if rank != inventory.BoardRank(c.Markers, c.Compliance) {
			t.Errorf("%s: the migration ranks it %d, inventory.BoardRank %d", id, rank, inventory.BoardRank(c.Markers, c.Compliance))
		}
		if w.status != inventory.Verified {
			continue
		}
		evs, _, err := store.Audit(ctx, pg.AuditFilter{TenantID: "t1", AccountID: id})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 1 || evs[0].Action != inventory.ActionMove || evs[0].From != "triage" || evs[0].To != "verified" ||
			evs[0].ActorID != inventory.SyncActor.ID || evs[0].Reason != w.reason {
			t.Errorf("%s's record after the migration: %+v", id, evs)
		}
	}
}
