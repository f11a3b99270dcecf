package pg

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// ApplySync writes a whole sync in one transaction: the tenant, its
// accounts (those gone from the snapshot are marked removed, never deleted;
// one that comes back is unmarked), its directory objects (replaced
// wholesale), the assessment of every account, the board (a card in triage
// for every account found, and the moves inventory.AfterSync makes, each
// with its audit event by "sync"; cards_sync.go), and the run's success
// with its counts, warnings and tenant verdict. On any error nothing is written
// and the previous state stays as it was; the caller then records the
// failure with FailRun.
//
// kind sets the tenant's kind; "" keeps the kind it has (mixed for a new
// tenant). res must hold exactly one assessment per snapshot user.
// Overrides are not touched: they live apart and survive every sync.
func (s *Store) ApplySync(ctx context.Context, runID int64, snap *inventory.Snapshot, kind inventory.TenantKind, res inventory.Result) error {
	if err := validateSync(snap, kind, res); err != nil {
		return err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("store: apply sync: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()

	// A sync adds hundreds of thousands of GIN entries (trigrams, markers,
	// group members): a larger pending list and more work memory let
	// PostgreSQL merge them in a few big sorted batches.
	if _, err := tx.Exec(ctx, `SET LOCAL work_mem = '64MB'; SET LOCAL gin_pending_list_limit = '32MB'`); err != nil {
		return fmt.Errorf("store: apply sync: %w", err)
	}
	if err := claimRun(ctx, tx, runID); err != nil {
		return err
	}
	counts := snapshotCounts(snap)
	if err := upsertTenant(ctx, tx, runID, snap, kind); err != nil {
		return fmt.Errorf("store: apply sync: tenant: %w", err)
	}
	changes, err := syncAccounts(ctx, tx, runID, snap)
	if err != nil {
		return fmt.Errorf("store: apply sync: accounts: %w", err)
	}
	counts["accounts_new"] = changes.added
	counts["accounts_removed"] = changes.removed
	counts["accounts_returned"] = changes.returned
	if err := replaceDirectory(ctx, tx, snap); err != nil {
		return fmt.Errorf("store: apply sync: %w", err)
	}
	if err := replaceIntegrations(ctx, tx, snap); err != nil {
		return fmt.Errorf("store: apply sync: %w", err)
	}
	if err := writeAssessments(ctx, tx, snap.Tenant.ID, runID, res.Tenant.AsOf, res.Accounts); err != nil {
		return fmt.Errorf("store: apply sync: assessments: %w", err)
	}
	counts["assessments"] = len(res.Accounts)
	if err := recordChanges(ctx, tx, runID, snap.Tenant.ID, res.Changes); err != nil { // changes.go
		return err
	}
	if err := storeCounts(ctx, tx, snap.Tenant.ID, countsOf(res.Accounts)); err != nil {
		return fmt.Errorf("store: apply sync: %w", err)
	}
	if counts["cards_created"], counts["cards_moved"], err = syncCards(ctx, tx, snap.Tenant.ID); err != nil {
		return fmt.Errorf("store: apply sync: board: %w", err)
	}
	// --- The readiness trend (issue 5; trends.go): the day's counts. ---
	if err := recordTrend(ctx, tx, snap.Tenant.ID, res.Tenant.AsOf, res.Tenant); err != nil {
		return fmt.Errorf("store: apply sync: trend: %w", err)
	}
	if err := finishRun(ctx, tx, runID, snap, counts, res.Tenant); err != nil {
		return fmt.Errorf("store: apply sync: finish run: %w", err)
	}
	if err := settle(ctx, tx); err != nil {
		return fmt.Errorf("store: apply sync: settle: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("store: apply sync: commit: %w", err)
	}
	s.releaseRun(runID) // the run is finished and committed; on an error FailRun releases it
	// The board counts its columns from an index alone (cards_count) only
	// where the visibility map says the cards are settled; a sync has just
	// unsettled every card it created or refreshed, and autovacuum may take
	// minutes to come. Vacuuming now (it cannot run inside the transaction)
	// keeps the board fast from the moment the sync is done. It changes no
	// data: if it fails the board is merely slower until autovacuum runs.
	_, _ = s.pool.Exec(ctx, `VACUUM cards`)
	return nil
}

// validateSync turns a snapshot the schema would refuse into a sentence
// before any write.
func validateSync(snap *inventory.Snapshot, kind inventory.TenantKind, res inventory.Result) error {
	if snap == nil {
		return inventory.Errorf(inventory.EINVALID, "there is no snapshot to store")
	}
	if snap.Tenant.ID == "" {
		return inventory.Errorf(inventory.EINVALID, "the snapshot does not name its tenant")
	}
	if kind != "" {
		if _, err := inventory.ParseTenantKind(string(kind)); err != nil {
			return err
		}
	}
	users := make(map[string]bool, len(snap.Users))
	for i, u := range snap.Users {
		if u.ID == "" {
			return inventory.Errorf(inventory.EINVALID, "user %d of the snapshot (%s) has no id", i+1, u.UserPrincipalName)
		}
		if users[u.ID] {
			return inventory.Errorf(inventory.EINVALID, "the snapshot lists user %s twice", u.ID)
		}
		users[u.ID] = true
	}
	assessed := make(map[string]bool, len(res.Accounts))
	for _, a := range res.Accounts {
		if !users[a.UserID] {
			return inventory.Errorf(inventory.EINVALID, "the assessment names user %q, who is not in the snapshot", a.UserID)
		}
		if assessed[a.UserID] {
			return inventory.Errorf(inventory.EINVALID, "the assessment judges user %s twice", a.UserID)
		}
		assessed[a.UserID] = true
	}
	if len(assessed) != len(users) {
		for _, u := range snap.Users {
			if !assessed[u.ID] {
				return inventory.Errorf(inventory.EINVALID, "the assessment has no verdict on user %s (%s)", u.ID, u.UserPrincipalName)
			}
		}
	}
	ids := func(what string, n int, id func(int) string) error {
		seen := make(map[string]bool, n)
		for i := range n {
			v := id(i)
			if v == "" {
				return inventory.Errorf(inventory.EINVALID, "%s %d of the snapshot has no id", what, i+1)
			}
			if seen[v] {
				return inventory.Errorf(inventory.EINVALID, "the snapshot lists %s %s twice", what, v)
			}
			seen[v] = true
		}
		return nil
	}
	for _, err := range []error{
		ids("policy", len(snap.Policies), func(i int) string { return snap.Policies[i].ID }),
		ids("named location", len(snap.NamedLocations), func(i int) string { return snap.NamedLocations[i].ID }),
		ids("group", len(snap.Groups), func(i int) string { return snap.Groups[i].ID }),
		ids("directory role", len(snap.Roles), func(i int) string { return snap.Roles[i].ID }),
		ids("room", len(snap.Rooms), func(i int) string { return snap.Rooms[i].ID }),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// claimRun locks the run row for the transaction and checks it is running,
// so two applies of one run cannot both succeed.
func claimRun(ctx context.Context, tx pgx.Tx, runID int64) error {
	var status string
	err := tx.QueryRow(ctx, `SELECT status FROM sync_runs WHERE id = $1 FOR UPDATE`, runID).Scan(&status)
	if errors.Is(err, pgx.ErrNoRows) {
		return inventory.Errorf(inventory.ENOTFOUND, "sync run %d does not exist", runID)
	}
	if err != nil {
		return fmt.Errorf("store: apply sync: run: %w", err)
	}
	if status != RunRunning {
		return inventory.Errorf(inventory.ECONFLICT, "sync run %d has already %s", runID, status)
	}
	return nil
}

func upsertTenant(ctx context.Context, tx pgx.Tx, runID int64, snap *inventory.Snapshot, kind inventory.TenantKind) error {
	warnings, err := encodeWarnings(snap.Warnings)
	if err != nil {
		return err
	}
	var present []string
	for _, c := range inventory.Collections {
		if snap.Present[c] {
			present = append(present, c)
		}
	}
	// Collections this build does not know yet are kept too.
	for c, ok := range snap.Present {
		if ok && !isKnownCollection(c) {
			present = append(present, c)
		}
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO tenants (id, display_name, domains, kind, security_defaults, present, warnings,
		                     last_synced_at, last_run_id)
		VALUES ($1, $2, $3, coalesce(nullif($4, ''), 'mixed'), $5, $6, $7, clock_timestamp(), $8)
		ON CONFLICT (id) DO UPDATE SET
			display_name = excluded.display_name,
			domains = excluded.domains,
			kind = CASE WHEN $4 = '' THEN tenants.kind ELSE excluded.kind END,
			security_defaults = excluded.security_defaults,
			present = excluded.present,
			warnings = excluded.warnings,
			last_synced_at = excluded.last_synced_at,
			last_run_id = excluded.last_run_id`,
		snap.Tenant.ID, snap.Tenant.DisplayName, nonNil(snap.Tenant.Domains), string(kind),
		snap.SecurityDefaults, nonNil(present), warnings, runID)
	return err
}

func isKnownCollection(c string) bool {
	for _, k := range inventory.Collections {
		if k == c {
			return true
		}
	}
	return false
}

// snapshotCounts counts what the source had, per collection.
func snapshotCounts(snap *inventory.Snapshot) map[string]int {
	folds := 0
	for _, fs := range snap.SignIns {
		folds += len(fs)
	}
	return map[string]int{
		"users":           len(snap.Users),
		"registrations":   len(snap.Registrations),
		"per_user_mfa":    len(snap.PerUserMFA),
		"policies":        len(snap.Policies),
		"named_locations": len(snap.NamedLocations),
		"directory_roles": len(snap.Roles),
		"groups":          len(snap.Groups),
		"rooms":           len(snap.Rooms),
		"sign_in_folds":   folds,
		"warnings":        len(snap.Warnings),
	}
}

func finishRun(ctx context.Context, tx pgx.Tx, runID int64, snap *inventory.Snapshot, counts map[string]int, verdict inventory.TenantVerdict) error {
	warnings := make([]string, len(snap.Warnings))
	for i, w := range snap.Warnings {
		warnings[i] = w.String()
	}
	_, err := tx.Exec(ctx, `
		UPDATE sync_runs
		SET status = 'succeeded', finished_at = clock_timestamp(), tenant_id = $2,
		    counts = $3, warnings = $4, verdict = $5
		WHERE id = $1`, runID, snap.Tenant.ID, counts, warnings, verdict)
	return err
}

// settle leaves the tables ready to be read at full speed the moment the
// sync commits: it merges the GIN pending lists the sync filled (a search
// scans a pending list entry by entry), and refreshes the planner's
// statistics on the columns the account list filters on (a first sync takes
// a table from nothing to 100,000 rows; autovacuum would notice only later).
func settle(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `
		SELECT gin_clean_pending_list(i.indexrelid)
		FROM pg_index i
		JOIN pg_class c ON c.oid = i.indexrelid
		JOIN pg_am am ON am.oid = c.relam
		WHERE am.amname = 'gin' AND pg_has_role(c.relowner, 'USAGE') -- only an owner may
		  AND i.indrelid IN ('accounts'::regclass, 'assessments'::regclass,
		                     'groups'::regclass, 'directory_roles'::regclass, 'cards'::regclass)`)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `
		ANALYZE accounts (tenant_id, id, upn, display_name, mail, removed_at, last_sign_in,
		                  last_non_interactive_sign_in);
		ANALYZE assessments (tenant_id, account_id, category, path, compliance, markers);
		ANALYZE cards`)
	return err
}
