package pg_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/migrations"
)

// Each test has a database of its own and waits on it more than it
// computes: more of them run at once than go test's default (pgtest.Run).
func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

const tenantID = "11111111-2222-3333-4444-555555555555"

var asOf = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// newStore gives a test its own store, runs the test in parallel with the
// others, and gives the context its calls use (the test's own).
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

// team is the dashboard's users of a workflow test, as actors.
type team struct {
	lead, lead2, engineer, engineer2, manager inventory.Actor
}

// newBoard is newStore (a parallel test on a database of its own) with the
// fixture tenant stored (every account in triage after its first sync) and
// a team of users.
func newBoard(t *testing.T) (*pg.Store, team, context.Context) {
	t.Helper()
	t.Parallel()
	return newBoardAlone(t)
}

// newBoardAlone is newBoard for a test that runs alone, not in parallel:
// bothWays switches how the whole package reads the board.
func newBoardAlone(t *testing.T) (*pg.Store, team, context.Context) {
	t.Helper()
	store, _ := pgtest.NewStore(t)
	applySync(t, store, fixtureSnapshot(), "")
	return store, newTeam(t, store), t.Context()
}

func newTeam(t testing.TB, store *pg.Store) team {
	t.Helper()
	add := func(email, name string, role inventory.Role) inventory.Actor {
		u, err := store.CreateUser(t.Context(), inventory.CLIActor, email, name, role, "$argon2id$test")
		if err != nil {
			t.Fatalf("CreateUser %s: %v", email, err)
		}
		return inventory.Actor{ID: u.ID, Name: u.Name(), Role: u.Role}
	}
	return team{
		lead:      add("dana@example.com", "Dana Lead", inventory.SecurityLead),
		lead2:     add("lee@example.com", "Lee Second", inventory.SecurityLead),
		engineer:  add("eve@example.com", "Eve Engineer", inventory.Engineer),
		engineer2: add("erin@example.com", "Erin Other", inventory.Engineer),
		manager:   add("max@example.com", "Max Manager", inventory.Management),
	}
}

// card reads a card, failing the test on an error.
func card(t *testing.T, store *pg.Store, accountID string) inventory.Card {
	t.Helper()
	c, err := store.Card(t.Context(), tenantID, accountID)
	if err != nil {
		t.Fatalf("Card %s: %v", accountID, err)
	}
	return c
}

// walk moves a card through statuses as the lead, failing on a refusal.
func walk(t *testing.T, store *pg.Store, lead inventory.Actor, accountID string, to ...inventory.Status) inventory.Card {
	t.Helper()
	c := card(t, store, accountID)
	for _, st := range to {
		var err error
		if c, err = store.MoveCard(t.Context(), lead, tenantID, accountID, st, c.Version, ""); err != nil {
			t.Fatalf("move %s to %s: %v", accountID, st, err)
		}
	}
	return c
}

// assign gives a card to a user as the lead.
func assign(t *testing.T, store *pg.Store, lead inventory.Actor, accountID, userID string) inventory.Card {
	t.Helper()
	c := card(t, store, accountID)
	c, err := store.Assign(t.Context(), lead, tenantID, accountID, userID, c.Version)
	if err != nil {
		t.Fatalf("assign %s: %v", accountID, err)
	}
	return c
}

// events returns an account's events, oldest first.
func events(t *testing.T, store *pg.Store, accountID string) []pg.AuditEvent {
	t.Helper()
	var out []pg.AuditEvent
	err := store.StreamAudit(t.Context(), pg.AuditFilter{TenantID: tenantID, AccountID: accountID},
		func(e pg.AuditEvent) error {
			out = append(out, e)
			return nil
		})
	if err != nil {
		t.Fatalf("StreamAudit %s: %v", accountID, err)
	}
	return out
}

// lastEvent returns an account's newest event.
func lastEvent(t *testing.T, store *pg.Store, accountID string) pg.AuditEvent {
	t.Helper()
	evs := events(t, store, accountID)
	if len(evs) == 0 {
		t.Fatalf("%s has no events", accountID)
	}
	return evs[len(evs)-1]
}

// wantEvent fails unless e is action by actor from → to.
func wantEvent(t *testing.T, e pg.AuditEvent, actor inventory.Actor, action, from, to string) {
	t.Helper()
	if e.ActorID != actor.ID || e.ActorName != actor.Name || e.Action != action || e.From != from || e.To != to ||
		e.TenantID != tenantID || e.At.IsZero() {
		t.Fatalf("event = %+v, want %s by %s (%s) from %q to %q", e, action, actor.Name, actor.ID, from, to)
	}
}

// wantPgError fails unless err is a PostgreSQL error with code whose
// message contains text.
func wantPgError(t *testing.T, err error, code, text string) {
	t.Helper()
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != code || !strings.Contains(pe.Message, text) {
		t.Fatalf("got error %v, want PostgreSQL error %s containing %q", err, code, text)
	}
}
