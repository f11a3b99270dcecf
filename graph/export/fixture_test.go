package export

import (
	"fmt"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// at parses an RFC 3339 time for expectations.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("bad time in test: %v", err)
	}
	return v.UTC()
}

// fixtureSnapshot is what testdata/tenant must decode to, written out by
// hand from the JSON files.
func fixtureSnapshot(t testing.TB) *inventory.Snapshot {
	f := false
	day := func(s string) time.Time { return at(t, s+"T00:00:00Z") }
	return &inventory.Snapshot{
		Tenant: inventory.Tenant{
			ID: "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f", DisplayName: "Fabrikam Partners",
			Domains: []string{"fabrikam.nl", "fabrikampartners.onmicrosoft.com", "fabrikam.example"},
		},
		Users: []inventory.User{
			{
				ID: "11111111-1111-4111-8111-111111111111", DisplayName: "Anna de Vries",
				UserPrincipalName: "anna@fabrikam.nl", Mail: "anna@fabrikam.nl", UserType: "Member",
				AccountEnabled: true, OnPremisesSyncEnabled: true, CreatedDateTime: at(t, "2021-03-04T09:10:11Z"),
				JobTitle: "Account manager", Department: "Sales",
				LicenseSKUs:              []string{"05e9a617-0261-4cee-bb44-138d3ef5d965", "f30db892-07e9-47e9-837c-80727f46fd3d"},
				LastSignIn:               at(t, "2026-10-30T08:15:02Z"),
				LastNonInteractiveSignIn: at(t, "2026-10-31T17:45:10.1234567Z"),
				LastSuccessfulSignIn:     at(t, "2026-10-31T17:45:10Z"),
			},
			{
				ID: "22222222-2222-4222-8222-222222222222", DisplayName: "svc-ticketing",
				UserPrincipalName: "svc-ticketing@fabrikam.nl", UserType: "Member", AccountEnabled: true,
				CreatedDateTime:          at(t, "2019-11-20T14:00:00Z"),
				LastNonInteractiveSignIn: at(t, "2026-11-01T03:00:00Z"),
			},
			{
				ID: "33333333-3333-4333-8333-333333333333", DisplayName: "Jo Guest",
				UserPrincipalName: "jo_contoso.com#EXT#@fabrikampartners.onmicrosoft.com", Mail: "jo@contoso.com",
				UserType: "Guest",
			},
			{
				ID: "44444444-4444-4444-8444-444444444444", DisplayName: "Boardroom 4",
				UserPrincipalName: "boardroom4@fabrikam.nl", Mail: "boardroom4@fabrikam.nl", UserType: "Member",
				AccountEnabled: true, CreatedDateTime: at(t, "2022-01-01T00:00:00Z"),
				LicenseSKUs: []string{"6070a4c8-34c6-4937-8dfb-39bbc6397a60"},
			},
		},
		Registrations: map[string]inventory.Registration{
			"11111111-1111-4111-8111-111111111111": {
				IsMfaRegistered: true, IsMfaCapable: true, IsAdmin: true,
				MethodsRegistered: []string{"microsoftAuthenticatorPush", "softwareOneTimePasscode", "mobilePhone"},
				DefaultMethod:     "microsoftAuthenticatorPush",
			},
			"22222222-2222-4222-8222-222222222222": {DefaultMethod: "none"},
		},
		PerUserMFA: map[string]string{
			"11111111-1111-4111-8111-111111111111": "disabled",
			"22222222-2222-4222-8222-222222222222": "enforced",
			"44444444-4444-4444-8444-444444444444": "someFutureState",
		},
		Policies: []inventory.Policy{
			{
				ID: "pol00001-0000-4000-8000-000000000001", DisplayName: "Require MFA for all users", State: "enabled",
				IncludeUsers: []string{"All"}, ExcludeUsers: []string{"55555555-5555-4555-8555-555555555555"},
				ExcludeGroups:       []string{"dddd0001-0000-4000-8000-000000000001"},
				IncludeApplications: []string{"All"}, ClientAppTypes: []string{"all"},
				HasGrant: true, GrantOperator: "OR", BuiltInControls: []string{"mfa"},
			},
			{
				ID: "pol00002-0000-4000-8000-000000000002", DisplayName: "MFA outside the office", State: "enabled",
				IncludeUsers: []string{"GuestsOrExternalUsers"}, IncludeGroups: []string{"dddd0002-0000-4000-8000-000000000002"},
				IncludeGuests: &inventory.GuestsOrExternalUsers{
					Types:             []string{"internalGuest", "b2bCollaborationGuest", "b2bCollaborationMember"},
					ExternalTenantIDs: []string{"9f1c0000-0000-4000-8000-000000000001", "9f1c0000-0000-4000-8000-000000000002"},
				},
				IncludeApplications: []string{"Office365", "MicrosoftAdminPortals"},
				ExcludeApplications: []string{"00000003-0000-0ff1-ce00-000000000000"},
				HasLocations:        true, IncludeLocations: []string{"All"}, ExcludeLocations: []string{"AllTrusted"},
				HasPlatforms: true, IncludePlatforms: []string{"all"}, ExcludePlatforms: []string{"iOS"},
				DeviceFilter:    "device.isCompliant -eq True",
				ClientAppTypes:  []string{"browser", "newType"},
				OtherConditions: []string{"applications.applicationFilter", "authenticationFlows", "insiderRiskLevels"},
				HasGrant:        true, GrantOperator: "AND", BuiltInControls: []string{"mfa", "someNewControl"},
			},
			{
				ID: "pol00003-0000-4000-8000-000000000003", DisplayName: "Admins: phishing-resistant MFA",
				State:        "enabledForReportingButNotEnforced",
				IncludeRoles: []string{inventory.RoleGlobalAdministrator}, ExcludeRoles: []string{inventory.RoleDirectorySync},
				ExcludeGuests:       &inventory.GuestsOrExternalUsers{Types: []string{"serviceProvider"}, ExternalTenantsAll: true},
				IncludeApplications: []string{"All"},
				SignInRiskLevels:    []string{"high", "medium"}, UserRiskLevels: []string{"high"},
				HasGrant: true, GrantOperator: "OR",
				AuthStrength: &inventory.AuthStrength{
					ID: "00000000-0000-0000-0000-000000000004", DisplayName: "Phishing-resistant MFA", RequirementsSatisfied: "mfa",
					AllowedCombinations: []string{"windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor"},
				},
				OtherGrants: []string{"customAuthenticationFactors:RSA SecurID", "termsOfUse:7a3b0000-0000-4000-8000-00000000000a"},
			},
			{
				ID: "pol00004-0000-4000-8000-000000000004", DisplayName: "Block legacy authentication",
				State: "enabledForSomethingNew", IncludeUsers: []string{"All"}, IncludeApplications: []string{"All"},
				ClientAppTypes: []string{"exchangeActiveSync", "other"},
			},
		},
		NamedLocations: []inventory.NamedLocation{
			{ID: "aaaa0001-0000-4000-8000-000000000001", DisplayName: "Office Amsterdam", IsTrusted: true, Kind: "ip"},
			{ID: "aaaa0002-0000-4000-8000-000000000002", DisplayName: "Benelux", Kind: "country"},
		},
		SecurityDefaults: &f,
		Roles: []inventory.DirectoryRole{
			{
				ID: "bbbb0001-0000-4000-8000-000000000001", TemplateID: inventory.RoleGlobalAdministrator,
				DisplayName: "Global Administrator",
				MemberIDs:   []string{"11111111-1111-4111-8111-111111111111", "cccc0001-0000-4000-8000-000000000001"},
			},
			{ID: "bbbb0002-0000-4000-8000-000000000002", TemplateID: inventory.RoleDirectorySync, DisplayName: "Directory Synchronization Accounts"},
		},
		Groups: []inventory.Group{
			{
				ID: "dddd0001-0000-4000-8000-000000000001", DisplayName: "ServiceAccounts",
				MemberUserIDs:  []string{"22222222-2222-4222-8222-222222222222", "44444444-4444-4444-8444-444444444444"},
				MemberGroupIDs: []string{"dddd0002-0000-4000-8000-000000000002"},
			},
			{ID: "dddd0002-0000-4000-8000-000000000002", DisplayName: "Scanners"},
		},
		Rooms: []inventory.Room{{ID: "ffff0001-0000-4000-8000-000000000001", DisplayName: "Boardroom 4", EmailAddress: "boardroom4@fabrikam.nl"}},
		SignIns: map[string][]inventory.SignInFold{
			"22222222-2222-4222-8222-222222222222": {
				{Day: day("2026-11-01"), App: "Office 365 Exchange Online", ClientAppUsed: "IMAP4",
					Requirement: "singleFactorAuthentication", Success: true, Count: 2,
					First: at(t, "2026-11-01T01:30:00Z"), Last: at(t, "2026-11-01T03:00:00Z")},
				{Day: day("2026-11-01"), App: "Office 365 Exchange Online", ClientAppUsed: "IMAP4",
					Requirement: "singleFactorAuthentication", Count: 1,
					First: at(t, "2026-11-01T02:10:00Z"), Last: at(t, "2026-11-01T02:10:00Z")},
				{Day: day("2026-10-31"), App: "Office 365 Exchange Online", ClientAppUsed: "IMAP4",
					Requirement: "singleFactorAuthentication", Success: true, Count: 1,
					First: at(t, "2026-10-31T23:59:59.9999999Z"), Last: at(t, "2026-10-31T23:59:59.9999999Z")},
			},
			"11111111-1111-4111-8111-111111111111": {
				{Day: day("2026-10-30"), App: "Microsoft 365 Admin Center", ClientAppUsed: "Browser", Interactive: true,
					Requirement: "multiFactorAuthentication", Success: true, Count: 2,
					First: at(t, "2026-10-30T08:15:02Z"), Last: at(t, "2026-10-30T09:00:00Z")},
				{Day: day("2026-11-02"), App: "Contoso Billing Sync", ClientAppUsed: "Mobile Apps and Desktop clients",
					Requirement: "singleFactorAuthentication", Success: true, Count: 1,
					First: at(t, "2026-11-02T06:00:00Z"), Last: at(t, "2026-11-02T06:00:00Z")},
			},
		},
		PartnerSignIns: map[string][]inventory.PartnerSignIn{
			"11111111-1111-4111-8111-111111111111": {
				{Day: day("2026-11-02"), AppID: "aaaa0009-0000-4000-8000-000000000009", App: "Contoso Billing Sync",
					ClientAppUsed: "Mobile Apps and Desktop clients", Requirement: "singleFactorAuthentication", Count: 1,
					First: at(t, "2026-11-02T06:00:00Z"), Last: at(t, "2026-11-02T06:00:00Z")},
			},
		},
		ServicePrincipals: []inventory.ServicePrincipal{
			{ID: "99990001-0000-4000-8000-000000000001", AppID: inventory.PartnerCenterAppID, DisplayName: "Microsoft Partner Center",
				PublisherName: "Microsoft Services", AppOwnerOrganizationID: "f8cdef31-a31e-4b4a-93e4-5f571e91255a"},
			{ID: "99990002-0000-4000-8000-000000000002", AppID: "aaaa0009-0000-4000-8000-000000000009", DisplayName: "Contoso Billing Sync",
				PublisherName: "Fabrikam", AppOwnerOrganizationID: "aaaaaaaa-0000-4000-8000-000000000000"},
		},
		PermissionGrants: []inventory.PermissionGrant{{ID: "grant-1", ClientID: "99990002-0000-4000-8000-000000000002",
			ResourceID: "99990001-0000-4000-8000-000000000001", ConsentType: "AllPrincipals", Scope: "user_impersonation"}},
		Present: allPresent(),
	}
}

func allPresent() map[string]bool {
	p := map[string]bool{}
	for _, c := range inventory.Collections {
		p[c] = true
	}
	return p
}

func TestReadSnapshotDecodesTheFixtureTenant(t *testing.T) {
	t.Parallel()
	got, err := ReadSnapshot("testdata/tenant")
	if err != nil {
		t.Fatal(err)
	}
	warnings := got.Warnings
	got.Warnings = nil
	want := fixtureSnapshot(t)
	assertSnapshotsEqual(t, got, want)

	// What cannot make a verdict better is a warning, and the item is kept:
	// a policy state Graph may add later counts as not enforcing.
	wantWarnings := []struct{ source, field, says string }{
		{"conditionalAccessPolicies.json", "value[3].state", `"enabledForSomethingNew" is not one of`},
	}
	if len(warnings) != len(wantWarnings) {
		t.Fatalf("got %d warnings, want %d:\n%s", len(warnings), len(wantWarnings), listWarnings(warnings))
	}
	for i, w := range wantWarnings {
		g := warnings[i]
		if g.Source != w.source || g.Field != w.field || !strings.Contains(g.Message, w.says) {
			t.Errorf("warning %d = %q, want %s %s: …%s…", i, g.String(), w.source, w.field, w.says)
		}
	}
}

func listWarnings(ws []inventory.Warning) string {
	var b strings.Builder
	for _, w := range ws {
		b.WriteString("  " + w.String() + "\n")
	}
	return b.String()
}

// assertSnapshotsEqual reports where two snapshots differ, path by path
// (Users[3].LastSignIn, Registrations[u1].MethodsRegistered), so a failure
// names the part that differs rather than printing two whole tenants.
func assertSnapshotsEqual(t *testing.T, got, want *inventory.Snapshot) {
	t.Helper()
	var diffs []string
	diffValues("", reflect.ValueOf(*got), reflect.ValueOf(*want), &diffs)
	for _, d := range diffs {
		t.Error(d)
	}
}

// maxDiffs bounds what one comparison reports.
const maxDiffs = 20

func diffValues(path string, g, w reflect.Value, diffs *[]string) {
	if len(*diffs) >= maxDiffs || reflect.DeepEqual(g.Interface(), w.Interface()) {
		return
	}
	switch {
	case g.Kind() == reflect.Struct && g.Type() != reflect.TypeOf(time.Time{}):
		for i := 0; i < g.NumField(); i++ {
			diffValues(joinPath(path, g.Type().Field(i).Name), g.Field(i), w.Field(i), diffs)
		}
		return
	case g.Kind() == reflect.Pointer && !g.IsNil() && !w.IsNil():
		diffValues(path, g.Elem(), w.Elem(), diffs)
		return
	case g.Kind() == reflect.Slice && g.Len() == w.Len() && g.Len() > 0:
		for i := 0; i < g.Len(); i++ {
			diffValues(fmt.Sprintf("%s[%d]", path, i), g.Index(i), w.Index(i), diffs)
		}
		return
	case g.Kind() == reflect.Map && !g.IsNil() && !w.IsNil():
		keys := map[string]reflect.Value{}
		for _, k := range append(g.MapKeys(), w.MapKeys()...) {
			keys[fmt.Sprint(k.Interface())] = k
		}
		for _, name := range slices.Sorted(maps.Keys(keys)) {
			gv, wv := g.MapIndex(keys[name]), w.MapIndex(keys[name])
			at := fmt.Sprintf("%s[%s]", path, name)
			switch {
			case !gv.IsValid():
				*diffs = append(*diffs, at+": missing")
			case !wv.IsValid():
				*diffs = append(*diffs, fmt.Sprintf("%s: unexpected %+v", at, gv.Interface()))
			default:
				diffValues(at, gv, wv, diffs)
			}
		}
		return
	}
	*diffs = append(*diffs, fmt.Sprintf("%s:\n got  %#v\n want %#v", path, g.Interface(), w.Interface()))
}

// throughFolder writes snap into a new export folder with the folder writer
// and reads the folder back, as sync --from does.
func throughFolder(t *testing.T, snap *inventory.Snapshot) *inventory.Snapshot {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "export")
	w, err := NewFolderWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := EncodeSnapshot(snap).Feed(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSnapshot(dir)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// throughDecoder encodes snap as Graph JSON and decodes it again.
func throughDecoder(t *testing.T, snap *inventory.Snapshot) *inventory.Snapshot {
	t.Helper()
	d := NewDecoder()
	if err := EncodeSnapshot(snap).Feed(d); err != nil {
		t.Fatal(err)
	}
	return d.Snapshot()
}

// wantInvalid fails the test unless err is wrong input (EINVALID: exit 2)
// whose sentence says says.
func wantInvalid(t *testing.T, err error, says string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), says) {
		t.Fatalf("err = %v, want one containing %q", err, says)
	}
	if inventory.ErrorCode(err) != inventory.EINVALID {
		t.Errorf("code = %s, want invalid (exit 2)", inventory.ErrorCode(err))
	}
}
