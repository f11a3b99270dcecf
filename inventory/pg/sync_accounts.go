package pg

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// accountChanges is what a sync changed in the tenant's account list.
type accountChanges struct {
	added, removed, returned int
}

// accountColumns are the columns a sync writes, in the order of
// accountRow; the staging table has exactly these.
var accountColumns = []string{
	"id", "upn", "display_name", "mail", "user_type", "account_enabled", "on_prem_sync",
	"created_at_graph", "job_title", "department", "licenses",
	"last_sign_in", "last_non_interactive_sign_in", "last_successful_sign_in",
	"registration", "per_user_mfa", "sign_ins", "per_user_mfa_not_read",
}

// accountColumnsSQL is accountColumns as a list in SQL.
var accountColumnsSQL = strings.Join(accountColumns, ", ")

// syncAccounts copies the snapshot's users into a staging table and merges
// them into accounts in one statement, then marks removed every account of
// the tenant this run did not see.
func syncAccounts(ctx context.Context, tx pgx.Tx, runID int64, snap *inventory.Snapshot) (accountChanges, error) {
	var ch accountChanges
	err := stageRows(ctx, tx, "staging_accounts", `
			id text, upn text, display_name text, mail text, user_type text,
			account_enabled boolean, on_prem_sync boolean, created_at_graph timestamptz,
			job_title text, department text, licenses text[],
			last_sign_in timestamptz, last_non_interactive_sign_in timestamptz,
			last_successful_sign_in timestamptz,
			registration jsonb, per_user_mfa text, sign_ins jsonb, per_user_mfa_not_read text`,
		accountColumns, len(snap.Users), func(i int) ([]any, error) { return accountRow(snap, &snap.Users[i]) })
	if err != nil {
		return ch, err
	}
	err = tx.QueryRow(ctx, `
		SELECT count(*) FROM accounts a
		WHERE a.tenant_id = $1 AND a.removed_at IS NOT NULL
		  AND EXISTS (SELECT 1 FROM staging_accounts s WHERE s.id = a.id)`,
		snap.Tenant.ID).Scan(&ch.returned)
	if err != nil {
		return ch, fmt.Errorf("count returning: %w", err)
	}
	cols := accountColumnsSQL
	err = tx.QueryRow(ctx, `
		WITH merged AS (
			INSERT INTO accounts (tenant_id, `+cols+`, first_seen_run, last_seen_run)
			SELECT $1, `+cols+`, $2, $2
			FROM staging_accounts
			ON CONFLICT (tenant_id, id) DO UPDATE SET
				`+fromExcluded(accountColumns[1:], "last_seen_run")+`,
				removed_at = NULL
			RETURNING first_seen_run
		)
		SELECT count(*) FILTER (WHERE first_seen_run = $2) FROM merged`,
		snap.Tenant.ID, runID).Scan(&ch.added)
	if err != nil {
		return ch, fmt.Errorf("merge: %w", err)
	}
	tag, err := tx.Exec(ctx, `
		UPDATE accounts SET removed_at = now()
		WHERE tenant_id = $1 AND removed_at IS NULL AND last_seen_run <> $2`,
		snap.Tenant.ID, runID)
	if err != nil {
		return ch, fmt.Errorf("mark removed: %w", err)
	}
	ch.removed = int(tag.RowsAffected())
	return ch, nil
}

// accountRow is one user as a row of staging_accounts.
func accountRow(snap *inventory.Snapshot, u *inventory.User) ([]any, error) {
	var registration, signIns []byte
	if r, ok := snap.Registrations[u.ID]; ok {
		b, err := encodeRegistration(r)
		if err != nil {
			return nil, fmt.Errorf("registration of %s: %w", u.ID, err)
		}
		registration = b
	}
	if folds, ok := snap.SignIns[u.ID]; ok {
		b, err := encodeSignIns(folds)
		if err != nil {
			return nil, fmt.Errorf("sign-ins of %s: %w", u.ID, err)
		}
		signIns = b
	}
	var perUser, notRead any
	if state, ok := snap.PerUserMFA[u.ID]; ok {
		perUser = state
	}
	if why, ok := snap.PerUserMFANotRead[u.ID]; ok {
		notRead = why
	}
	return []any{
		u.ID, u.UserPrincipalName, u.DisplayName, u.Mail, u.UserType, u.AccountEnabled,
		u.OnPremisesSyncEnabled, timeOrNull(u.CreatedDateTime), u.JobTitle, u.Department,
		nonNil(u.LicenseSKUs), timeOrNull(u.LastSignIn), timeOrNull(u.LastNonInteractiveSignIn),
		timeOrNull(u.LastSuccessfulSignIn), registration, perUser, signIns, notRead,
	}, nil
}

// storedAccount is a row of accountColumns read back: the user, and what
// a snapshot keeps of it by id (nil where the sync had none).
type storedAccount struct {
	inventory.User
	registration     *inventory.Registration
	perUser, notRead *string
	signIns          []inventory.SignInFold
}

// scanAccount reads what accountRow wrote: a row whose first columns are
// accountColumns, and the columns after them into more.
func scanAccount(row pgx.Row, more ...any) (storedAccount, error) {
	var (
		a                             storedAccount
		u                             = &a.User
		created, last, lastNI, lastOK *time.Time
		registration, signIns         []byte
	)
	err := row.Scan(append([]any{&u.ID, &u.UserPrincipalName, &u.DisplayName, &u.Mail, &u.UserType,
		&u.AccountEnabled, &u.OnPremisesSyncEnabled, &created, &u.JobTitle, &u.Department,
		&u.LicenseSKUs, &last, &lastNI, &lastOK, &registration, &a.perUser, &signIns, &a.notRead}, more...)...)
	if err != nil {
		return a, err
	}
	u.CreatedDateTime = timeFromNull(created)
	u.LastSignIn = timeFromNull(last)
	u.LastNonInteractiveSignIn = timeFromNull(lastNI)
	u.LastSuccessfulSignIn = timeFromNull(lastOK)
	u.LicenseSKUs = nilIfEmpty(u.LicenseSKUs)
	if a.registration, err = decodeRegistration(registration); err != nil {
		return a, fmt.Errorf("registration of %s: %w", u.ID, err)
	}
	if a.signIns, err = decodeSignIns(signIns); err != nil {
		return a, fmt.Errorf("sign-ins of %s: %w", u.ID, err)
	}
	return a, nil
}
