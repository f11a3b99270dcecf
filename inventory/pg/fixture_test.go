package pg_test

import (
	"context"
	"errors"
	"io/fs"
	"reflect"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/migrations"
)

const tenantID = "11111111-2222-3333-4444-555555555555"

var asOf = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// newStore gives a test its own store, runs the test in parallel with the
// others, and gives the context its calls use.
func newStore(t *testing.T) (*pg.Store, context.Context) {
	t.Helper()
	store, _, ctx := newStoreAt(t)
	return store, ctx
}

// syncedFixture is newStore with the fixture tenant synced into it once.
func syncedFixture(t *testing.T) (*pg.Store, context.Context, *inventory.Snapshot) {
	t.Helper()
	store, ctx := newStore(t)
	snap := fixtureSnapshot()
	applySync(t, store, snap, "")
	return store, ctx, snap
}

// seededDemo is newStore with the demo tenant of users accounts synced
// into it (pgtest.SeedDemo); it gives the tenant's id too.
func seededDemo(t *testing.T, users int) (*pg.Store, context.Context, string) {
	t.Helper()
	store, _, ctx, tenant := seededDemoAt(t, users)
	return store, ctx, tenant
}

// seededDemoAt is seededDemo with the database's URL, as newStoreAt.
func seededDemoAt(t *testing.T, users int) (*pg.Store, string, context.Context, string) {
	t.Helper()
	store, url, ctx := newStoreAt(t)
	return store, url, ctx, pgtest.SeedDemo(t, store, users).Tenant.ID
}

// newStoreAt is newStore with the database's URL, for a test that opens a
// second store on it, as another process would.
func newStoreAt(t *testing.T) (*pg.Store, string, context.Context) {
	t.Helper()
	t.Parallel()
	store, url := pgtest.NewStore(t)
	return store, url, t.Context()
}

// fixtureSnapshot is a small tenant with one of each kind of account and
// every collection filled, users in UPN order (the order LoadSnapshot
// returns). The rules find Alice compliant; Bob (no registration) and the
// scanner (SMS only, SMTP without MFA) at risk; the boardroom (excluded by
// name) and the sync account (excluded through its group) non-compliant;
// Carol (disabled) not applicable.
func fixtureSnapshot() *inventory.Snapshot {
	day := asOf.Truncate(24 * time.Hour).Add(-24 * time.Hour)
	return &inventory.Snapshot{
		Tenant: inventory.Tenant{ID: tenantID, DisplayName: "Contoso Partner", Domains: []string{"contoso.com", "contoso.onmicrosoft.com"}},
		Users: []inventory.User{
			{ID: "u-alice", DisplayName: "Alice Admin", UserPrincipalName: "alice@contoso.com", Mail: "alice@contoso.com",
				UserType: "Member", AccountEnabled: true, CreatedDateTime: asOf.AddDate(-2, 0, 0), JobTitle: "CTO",
				Department: "IT", LicenseSKUs: []string{"sku-e5", "sku-p2"}, LastSignIn: asOf.Add(-time.Hour),
				LastNonInteractiveSignIn: asOf.Add(-time.Minute), LastSuccessfulSignIn: asOf.Add(-time.Hour)},
			{ID: "u-bob", DisplayName: "Bob Guest", UserPrincipalName: "bob_fabrikam.com#EXT#@contoso.onmicrosoft.com",
				Mail: "bob@fabrikam.com", UserType: "Guest", AccountEnabled: true},
			{ID: "u-boardroom", DisplayName: "Boardroom 4", UserPrincipalName: "boardroom4@contoso.com",
				Mail: "boardroom4@contoso.com", UserType: "Member", AccountEnabled: true},
			{ID: "u-carol", DisplayName: "Carol Former", UserPrincipalName: "carol@contoso.com", UserType: "Member",
				AccountEnabled: false, OnPremisesSyncEnabled: true},
			{ID: "u-scanner", DisplayName: "Scanner 100%", UserPrincipalName: "svc-scanner@contoso.com",
				UserType: "Member", AccountEnabled: true, LastNonInteractiveSignIn: asOf.Add(-2 * time.Hour)},
			{ID: "u-sync", DisplayName: "On-Premises Directory Synchronization Service Account",
				UserPrincipalName: "Sync_DC01_abc@contoso.onmicrosoft.com", UserType: "Member", AccountEnabled: true},
		},
		Registrations: map[string]inventory.Registration{
			"u-alice":   {IsMfaRegistered: true, IsMfaCapable: true, IsAdmin: true, MethodsRegistered: []string{"fido2", "microsoftAuthenticatorPush"}, DefaultMethod: "fido2"},
			"u-scanner": {IsMfaRegistered: true, IsMfaCapable: true, MethodsRegistered: []string{"mobilePhone"}, DefaultMethod: "sms"},
		},
		PerUserMFA: map[string]string{"u-scanner": "enforced", "u-alice": "disabled"},
		Policies: []inventory.Policy{
			{ID: "p-require-mfa", DisplayName: "Require MFA", State: "enabled", IncludeUsers: []string{"All"},
				ExcludeUsers: []string{"u-boardroom"}, ExcludeGroups: []string{"g-service"}, IncludeApplications: []string{"All"}, ClientAppTypes: []string{"all"},
				HasGrant: true, GrantOperator: "OR", BuiltInControls: []string{"mfa"},
				IncludeGuests: &inventory.GuestsOrExternalUsers{Types: []string{"b2bCollaborationGuest"}, ExternalTenantsAll: true}},
			{ID: "p-admins", DisplayName: "Admins strength", State: "enabledForReportingButNotEnforced",
				IncludeRoles: []string{inventory.RoleGlobalAdministrator}, IncludeApplications: []string{"All"},
				HasLocations: true, IncludeLocations: []string{"All"}, ExcludeLocations: []string{"loc-office"},
				HasGrant: true, AuthStrength: &inventory.AuthStrength{ID: "00000000-0000-0000-0000-000000000002",
					DisplayName: "Multifactor authentication", AllowedCombinations: []string{"fido2", "password,microsoftAuthenticatorPush"}}},
		},
		NamedLocations:   []inventory.NamedLocation{{ID: "loc-office", DisplayName: "Office", IsTrusted: true, Kind: "ip"}},
		SecurityDefaults: ptr(false),
		Roles: []inventory.DirectoryRole{
			{ID: "r-ga", TemplateID: inventory.RoleGlobalAdministrator, DisplayName: "Global Administrator", MemberIDs: []string{"u-alice"}},
			{ID: "r-sync", TemplateID: inventory.RoleDirectorySync, DisplayName: "Directory Synchronization Accounts", MemberIDs: []string{"u-sync"}},
		},
		Groups: []inventory.Group{
			{ID: "g-service", DisplayName: "ServiceAccounts", MemberUserIDs: []string{"u-scanner", "u-sync"}},
			{ID: "g-admins", DisplayName: "AdminAgents", MemberUserIDs: []string{"u-alice"}, MemberGroupIDs: []string{"g-empty"}},
			{ID: "g-empty", DisplayName: "Empty"},
		},
		Rooms: []inventory.Room{{ID: "room-1", DisplayName: "Boardroom 4", EmailAddress: "boardroom4@contoso.com"}},
		SignIns: map[string][]inventory.SignInFold{
			"u-scanner": {{Day: day, App: "Office 365 Exchange Online", ClientAppUsed: "Authenticated SMTP",
				Requirement: "singleFactorAuthentication", Success: true, Count: 41, First: day.Add(time.Hour), Last: day.Add(20 * time.Hour)}},
			"u-alice": {{Day: day, App: "Azure Portal", ClientAppUsed: "Browser", Interactive: true,
				Requirement: "multiFactorAuthentication", Success: true, Count: 3, First: day.Add(8 * time.Hour), Last: day.Add(9 * time.Hour)}},
		},
		Present: map[string]bool{inventory.CollUsers: true, inventory.CollRegistrations: true, inventory.CollPolicies: true,
			inventory.CollGroups: true, inventory.CollDirectoryRoles: true, inventory.CollRooms: true,
			inventory.CollNamedLocations: true, inventory.CollSecurityDefaults: true, inventory.CollSignIns: true,
			inventory.CollPerUserMFA: true, inventory.CollOrganization: true},
		Warnings: []inventory.Warning{{Source: "signIns.json", Field: "value[7].status", Message: "errorCode is not a number"}},
	}
}

// without returns a copy of snap without the user id.
func without(snap *inventory.Snapshot, id string) *inventory.Snapshot {
	out := *snap
	out.Users = nil
	for _, u := range snap.Users {
		if u.ID != id {
			out.Users = append(out.Users, u)
		}
	}
	return &out
}

// applySync syncs snap as of asOf through the one sync use case (the real
// rules on the stored inputs) and returns its run id.
func applySync(t testing.TB, store *pg.Store, snap *inventory.Snapshot, kind inventory.TenantKind) int64 {
	t.Helper()
	return pgtest.Sync(t, store, snap, inventory.SyncOptions{Kind: kind, Now: asOf}).RunID
}

// wantCode fails unless err is a domain error with code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	var e *inventory.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("got error %q (code %s), want code %s", err, inventory.ErrorCode(err), code)
	}
}

// wantEqual fails with both values when they differ.
func wantEqual[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}

// dumpTenant reads every row the store keeps for the test tenant (runs
// aside) as JSON text, to compare the whole state before and after.
func dumpTenant(t *testing.T, store *pg.Store) map[string][]string {
	t.Helper()
	queries := map[string]string{
		"tenants":         `SELECT to_jsonb(x)::text FROM tenants x WHERE id = $1`,
		"accounts":        `SELECT to_jsonb(x)::text FROM accounts x WHERE tenant_id = $1 ORDER BY id`,
		"assessments":     `SELECT to_jsonb(x)::text FROM assessments x WHERE tenant_id = $1 ORDER BY account_id`,
		"overrides":       `SELECT to_jsonb(x)::text FROM overrides x WHERE tenant_id = $1 ORDER BY account_id`,
		"policies":        `SELECT to_jsonb(x)::text FROM policies x WHERE tenant_id = $1 ORDER BY id`,
		"named_locations": `SELECT to_jsonb(x)::text FROM named_locations x WHERE tenant_id = $1 ORDER BY id`,
		"groups":          `SELECT to_jsonb(x)::text FROM groups x WHERE tenant_id = $1 ORDER BY id`,
		"directory_roles": `SELECT to_jsonb(x)::text FROM directory_roles x WHERE tenant_id = $1 ORDER BY id`,
		"rooms":           `SELECT to_jsonb(x)::text FROM rooms x WHERE tenant_id = $1 ORDER BY id`,
	}
	out := map[string][]string{}
	for table, q := range queries {
		rows, err := store.Pool().Query(t.Context(), q, tenantID)
		if err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatalf("dump %s: %v", table, err)
			}
			out[table] = append(out[table], s)
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
	}
	if len(out["accounts"]) == 0 {
		t.Fatal("dump: the tenant has no accounts")
	}
	return out
}

// migrationFiles lists the migrations embedded in the binary.
func migrationFiles() ([]string, error) {
	return fs.Glob(migrations.FS, "*.sql")
}
