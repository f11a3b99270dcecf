package export

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// fullSnapshot is the fixture tenant plus the fields the fixture leaves out,
// so every field of the Snapshot goes through the encoder.
func fullSnapshot(t testing.TB) *inventory.Snapshot {
	s := fixtureSnapshot(t)
	s.Policies[3].State = "disabled" // the fixture's unknown state would warn
	s.Policies = append(s.Policies, inventory.Policy{
		ID: "pol00006", DisplayName: "Everything else", State: "enabled",
		IncludeUsers: []string{"All"}, ExcludeUsers: []string{"u9"},
		IncludeGroups: []string{"g1"}, ExcludeGroups: []string{"g2"},
		IncludeRoles: []string{inventory.RoleGlobalAdministrator}, ExcludeRoles: []string{inventory.RoleDirectorySync},
		IncludeGuests:       &inventory.GuestsOrExternalUsers{Types: []string{"b2bCollaborationGuest"}, ExternalTenantsAll: true},
		ExcludeGuests:       &inventory.GuestsOrExternalUsers{Types: []string{"internalGuest", "serviceProvider"}, ExternalTenantIDs: []string{"t9"}},
		IncludeApplications: []string{"All"}, ExcludeApplications: []string{"app1"},
		HasLocations: true, IncludeLocations: []string{"All"}, ExcludeLocations: []string{"aaaa0001-0000-4000-8000-000000000001"},
		HasPlatforms: true, IncludePlatforms: []string{"android", "iOS"}, ExcludePlatforms: []string{"linux"},
		DeviceFilter:     `device.model -startsWith "Surface Hub"`,
		ClientAppTypes:   []string{"browser", "mobileAppsAndDesktopClients", "exchangeActiveSync", "other"},
		SignInRiskLevels: []string{"low"}, UserRiskLevels: []string{"medium"},
		OtherConditions: []string{
			"applications.includeAuthenticationContextClassReferences", "applications.includeUserActions",
			"clientApplications", "devices.includeDeviceStates", "servicePrincipalRiskLevels", "somethingNew", "users.includeAgents",
		},
		HasGrant: true, GrantOperator: "AND", BuiltInControls: []string{"mfa", "compliantDevice", "someNewControl"},
		AuthStrength: &inventory.AuthStrength{ID: "as1", DisplayName: "Passwordless", RequirementsSatisfied: "mfa", AllowedCombinations: []string{"fido2", "password,microsoftAuthenticatorPush"}},
		OtherGrants:  []string{"customAuthenticationFactors:Duo", "someNewGrant", "termsOfUse:tou1", "termsOfUse:tou2"},
	})
	s.NamedLocations = append(s.NamedLocations,
		inventory.NamedLocation{ID: "l3", DisplayName: "Untyped"},
		inventory.NamedLocation{ID: "l4", DisplayName: "Global Secure Access", Kind: "compliantNetwork", IsTrusted: true})
	s.Roles[1].MemberIDs = []string{"dddd0002-0000-4000-8000-000000000002", "22222222-2222-4222-8222-222222222222"}
	s.Registrations["33333333-3333-4333-8333-333333333333"] = inventory.Registration{
		IsMfaRegistered: true, IsMfaCapable: true, MethodsRegistered: []string{"mobilePhone", "officePhone"}, DefaultMethod: "mobilePhone",
	}
	// An account whose per-user state a sync did not ask for.
	s.PerUserMFANotRead = map[string]string{"33333333-3333-4333-8333-333333333333": "Require MFA for all users enforces MFA"}
	s.SignIns["44444444-4444-4444-8444-444444444444"] = append(s.SignIns["44444444-4444-4444-8444-444444444444"], inventory.SignInFold{
		Day: at(t, "2026-10-20T00:00:00Z"), App: "Microsoft Teams", ClientAppUsed: "Mobile Apps and Desktop clients",
		Interactive: false, Requirement: "singleFactorAuthentication", Success: true, Count: 7,
		First: at(t, "2026-10-20T06:00:00Z"), Last: at(t, "2026-10-20T18:30:00.5Z"),
	})
	return s
}

// Every field of a snapshot comes back, whether its Graph JSON goes
// straight into the decoder or through the folder writer and reader.
func TestEncodedSnapshotComesBack(t *testing.T) {
	t.Parallel()
	for name, through := range map[string]func(*testing.T, *inventory.Snapshot) *inventory.Snapshot{
		"decoder": throughDecoder, "folder": throughFolder,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want := fullSnapshot(t)
			got := through(t, want)
			if len(got.Warnings) != 0 {
				t.Fatalf("warnings:\n%s", listWarnings(got.Warnings))
			}
			assertSnapshotsEqual(t, got, want)
		})
	}
}

// Only the collections the snapshot had are written, so "missing" stays
// missing through an export.
func TestEncodeLeavesOutMissingCollections(t *testing.T) {
	t.Parallel()
	s := &inventory.Snapshot{
		Users:   []inventory.User{{ID: "u1", AccountEnabled: true}},
		Present: map[string]bool{inventory.CollUsers: true, inventory.CollSecurityDefaults: true},
	}
	f := EncodeSnapshot(s)
	if len(f) != 2 || len(f[inventory.CollUsers]) != 1 || f[inventory.CollSecurityDefaults] == nil || len(f[inventory.CollSecurityDefaults]) != 0 {
		t.Fatalf("folder = %v", f)
	}
	d := NewDecoder()
	f.Feed(d)
	if got := d.Snapshot(); !reflect.DeepEqual(got.Present, s.Present) || got.SecurityDefaults != nil {
		t.Errorf("present = %v, security defaults %v", got.Present, got.SecurityDefaults)
	}
}

// The encoder writes Graph's own shape, which other Graph clients (and the
// emulator's SDK client) read: probe the paths a real response has.
func TestEncodeWritesGraphShape(t *testing.T) {
	t.Parallel()
	f := EncodeSnapshot(fullSnapshot(t))
	for _, tc := range []struct {
		collection string
		index      int
		path       []string
		want       any
	}{
		{inventory.CollPolicies, 0, []string{"conditions", "users", "includeUsers"}, []any{"All"}},
		{inventory.CollPolicies, 0, []string{"conditions", "applications", "includeApplications"}, []any{"All"}},
		{inventory.CollPolicies, 0, []string{"grantControls", "builtInControls"}, []any{"mfa"}},
		{inventory.CollPolicies, 0, []string{"conditions", "locations"}, nil},
		{inventory.CollPolicies, 1, []string{"conditions", "users", "includeGuestsOrExternalUsers", "guestOrExternalUserTypes"}, "internalGuest,b2bCollaborationGuest,b2bCollaborationMember"},
		{inventory.CollPolicies, 1, []string{"conditions", "users", "includeGuestsOrExternalUsers", "externalTenants", "membershipKind"}, "enumerated"},
		{inventory.CollPolicies, 3, []string{"grantControls"}, nil},
		{inventory.CollUsers, 0, []string{"signInActivity", "lastSignInDateTime"}, "2026-10-30T08:15:02Z"},
		{inventory.CollUsers, 0, []string{"assignedLicenses"}, []any{map[string]any{"disabledPlans": []any{}, "skuId": "05e9a617-0261-4cee-bb44-138d3ef5d965"}, map[string]any{"disabledPlans": []any{}, "skuId": "f30db892-07e9-47e9-837c-80727f46fd3d"}}},
		{inventory.CollGroups, 0, []string{"members"}, []any{
			map[string]any{"@odata.type": "#microsoft.graph.user", "id": "22222222-2222-4222-8222-222222222222", "displayName": "svc-ticketing", "userPrincipalName": "svc-ticketing@fabrikam.nl"},
			map[string]any{"@odata.type": "#microsoft.graph.user", "id": "44444444-4444-4444-8444-444444444444", "displayName": "Boardroom 4", "userPrincipalName": "boardroom4@fabrikam.nl"},
			map[string]any{"@odata.type": "#microsoft.graph.group", "id": "dddd0002-0000-4000-8000-000000000002"},
		}},
		{inventory.CollNamedLocations, 0, []string{"@odata.type"}, "#microsoft.graph.ipNamedLocation"},
		{inventory.CollSecurityDefaults, 0, []string{"isEnabled"}, false},
		{inventory.CollOrganization, 0, []string{"verifiedDomains"}, nil}, // checked below
	} {
		var v any
		if err := json.Unmarshal(f[tc.collection][tc.index], &v); err != nil {
			t.Fatal(err)
		}
		for _, key := range tc.path {
			m, _ := v.(map[string]any)
			v = m[key]
		}
		if tc.collection == inventory.CollOrganization {
			domains, _ := v.([]any)
			if len(domains) != 3 || domains[0].(map[string]any)["isDefault"] != true {
				t.Errorf("verifiedDomains = %v", v)
			}
			continue
		}
		if !reflect.DeepEqual(v, tc.want) {
			t.Errorf("%s[%d].%v = %#v, want %#v", tc.collection, tc.index, tc.path, v, tc.want)
		}
	}

	// Sign-in folds become events: Count of them, spread from First to Last.
	var events []struct {
		ID                        string    `json:"id"`
		UserID                    string    `json:"userId"`
		UserPrincipalName         string    `json:"userPrincipalName"`
		CreatedDateTime           time.Time `json:"createdDateTime"`
		AppDisplayName            string    `json:"appDisplayName"`
		ClientAppUsed             string    `json:"clientAppUsed"`
		IsInteractive             bool      `json:"isInteractive"`
		AuthenticationRequirement string    `json:"authenticationRequirement"`
		Status                    struct {
			ErrorCode int `json:"errorCode"`
		} `json:"status"`
	}
	raw, _ := json.Marshal(f[inventory.CollSignIns])
	if err := json.Unmarshal(raw, &events); err != nil {
		t.Fatal(err)
	}
	if len(events) != 2+1+1+2+1+7 {
		t.Fatalf("%d events, want 14", len(events))
	}
	ids := map[string]bool{}
	var boardroom []time.Time
	for _, e := range events {
		ids[e.ID] = true
		if e.UserID == "44444444-4444-4444-8444-444444444444" {
			boardroom = append(boardroom, e.CreatedDateTime)
			if e.UserPrincipalName != "boardroom4@fabrikam.nl" || e.ClientAppUsed != "Mobile Apps and Desktop clients" || e.Status.ErrorCode != 0 {
				t.Errorf("event = %+v", e)
			}
		}
		if e.UserID == "22222222-2222-4222-8222-222222222222" && e.CreatedDateTime.Equal(at(t, "2026-11-01T02:10:00Z")) && e.Status.ErrorCode == 0 {
			t.Errorf("a failed sign-in was written with error code 0: %+v", e)
		}
	}
	if len(ids) != len(events) {
		t.Errorf("event ids are not unique: %d ids for %d events", len(ids), len(events))
	}
	if len(boardroom) != 7 || !boardroom[0].Equal(at(t, "2026-10-20T06:00:00Z")) || !boardroom[6].Equal(at(t, "2026-10-20T18:30:00.5Z")) {
		t.Errorf("boardroom events at %v", boardroom)
	}
	for i := 1; i < len(boardroom); i++ {
		if boardroom[i].Before(boardroom[i-1]) {
			t.Errorf("events not spread in order: %v", boardroom)
		}
	}
}
