package export

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// decodeItems feeds items of one collection to a fresh Decoder.
func decodeItems(t *testing.T, collection string, items ...string) *inventory.Snapshot {
	t.Helper()
	d := NewDecoder()
	if err := d.Begin(collection); err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if err := d.Add(collection, json.RawMessage(it)); err != nil {
			t.Fatal(err)
		}
	}
	return d.Snapshot()
}

func TestDecodeUserDates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		written string
		want    time.Time
	}{
		{`"0001-01-01T00:00:00Z"`, time.Time{}},
		{`""`, time.Time{}},
		{`null`, time.Time{}},
		{`"2026-01-02T03:04:05Z"`, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		{`"2026-01-02T03:04:05.1234567Z"`, time.Date(2026, 1, 2, 3, 4, 5, 123456700, time.UTC)},
		{`"2026-01-02T03:04:05"`, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		{`"2026-01-02T05:04:05+02:00"`, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
	} {
		t.Run(tc.written, func(t *testing.T) {
			s := decodeItems(t, inventory.CollUsers, fmt.Sprintf(
				`{"id":"u1","accountEnabled":true,"createdDateTime":%[1]s,"signInActivity":{"lastSignInDateTime":%[1]s,"lastNonInteractiveSignInDateTime":%[1]s,"lastSuccessfulSignInDateTime":%[1]s}}`,
				tc.written))
			if len(s.Warnings) != 0 {
				t.Fatalf("warnings: %v", s.Warnings)
			}
			u := s.Users[0]
			for name, got := range map[string]time.Time{
				"createdDateTime": u.CreatedDateTime, "lastSignIn": u.LastSignIn,
				"lastNonInteractive": u.LastNonInteractiveSignIn, "lastSuccessful": u.LastSuccessfulSignIn,
			} {
				if got != tc.want {
					t.Errorf("%s = %v, want %v", name, got, tc.want)
				}
			}
		})
	}
}

// A field only shown on the account page (never read by a rule) of the
// wrong type is read as empty with a warning; the account is kept.
func TestDecodeUserDisplayOnlyFieldsAreHarmless(t *testing.T) {
	t.Parallel()
	s := decodeItems(t, inventory.CollUsers,
		`{"id":"u1","userPrincipalName":"a@b.nl","accountEnabled":false,"jobTitle":5,"department":["x"],"onPremisesSyncEnabled":"yes","assignedLicenses":"all","createdDateTime":"last year","somethingNew":{"deep":[1,2,"\u0000"]}}`,
		`{"id":"u2","userPrincipalName":"c@b.nl","accountEnabled":true,"jobTitle":"Engineer","assignedLicenses":[{"skuId":"s1"},{"skuId":5}]}`)
	if len(s.Users) != 2 || s.Users[0].UserPrincipalName != "a@b.nl" || s.Users[0].AccountEnabled || s.Users[0].JobTitle != "" ||
		s.Users[1].JobTitle != "Engineer" || s.Users[1].LicenseSKUs != nil {
		t.Fatalf("users = %+v", s.Users)
	}
	want := []string{
		"users.json value[0].onPremisesSyncEnabled: must be a boolean, found a string; read as empty (it is only shown, never used in a verdict)",
		"users.json value[0].jobTitle: must be a string, found a number; read as empty (it is only shown, never used in a verdict)",
		"users.json value[0].department: must be a string, found an array; read as empty (it is only shown, never used in a verdict)",
		"users.json value[0].assignedLicenses: must be a list, found a string; read as empty (it is only shown, never used in a verdict)",
		"users.json value[0].createdDateTime: must be a date-time such as 2026-11-02T08:15:00Z, found \"last year\"; read as empty (it is only shown, never used in a verdict)",
		"users.json value[1].assignedLicenses.skuId: must be a string, found a number; read as empty (it is only shown, never used in a verdict)",
	}
	if got := warningStrings(s.Warnings); !reflect.DeepEqual(got, want) {
		t.Errorf("warnings:\n got %q\nwant %q", got, want)
	}
}

// Every field a rule reads is checked for its type, and an item that fails
// refuses the whole source with one sentence naming the file, the item and
// the field: skipping it could hide an exclusion or a single-factor
// sign-in and make a verdict better than its data.
func TestDecodeRefusesItemsTheRulesCannotTrust(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", maxTextLength+1)
	for _, tc := range []struct {
		name, collection string
		items            []string
		says             string
	}{
		{"group members a string", inventory.CollGroups,
			[]string{`{"id":"g0","members":[]}`, `{"id":"g1","members":[]}`, `{"id":"g2","members":[]}`, `{"id":"a0000000-0000-4000-8000-000000000001","displayName":"Contractors","members":"oops"}`},
			"groups.json: item 4 (value[3], id a0000000-0000-4000-8000-000000000001): members must be a list, found a string"},
		{"group member without id", inventory.CollGroups, []string{`{"id":"g1","members":[{"@odata.type":"#microsoft.graph.user"}]}`},
			"groups.json: item 1 (value[0], id g1): members[0].id is missing"},
		{"group without id", inventory.CollGroups, []string{`{"displayName":"no id","members":[]}`},
			"groups.json: item 1 (value[0]): id is missing"},
		{"sign-in isInteractive a string", inventory.CollSignIns,
			[]string{`{"id":"e1","userId":"u1","createdDateTime":"2026-11-01T00:00:00Z","isInteractive":"no","authenticationRequirement":"singleFactorAuthentication","status":{"errorCode":0}}`},
			"signIns.json: item 1 (value[0], id e1): isInteractive must be a boolean, found a string"},
		{"sign-in error code a string", inventory.CollSignIns,
			[]string{`{"userId":"u1","createdDateTime":"2026-11-01T00:00:00Z","status":{"errorCode":"0"}}`},
			"signIns.json: item 1 (value[0]): status.errorCode must be a number, found a string"},
		{"sign-in without error code", inventory.CollSignIns, []string{`{"userId":"u1","createdDateTime":"2026-11-01T00:00:00Z","status":{}}`},
			"status.errorCode is missing"},
		{"sign-in without date", inventory.CollSignIns, []string{`{"userId":"u1","status":{"errorCode":0}}`}, "createdDateTime is missing"},
		{"sign-in bad date", inventory.CollSignIns, []string{`{"userId":"u1","createdDateTime":"soon","status":{"errorCode":0}}`},
			`createdDateTime must be a date-time such as 2026-11-02T08:15:00Z, found "soon"`},
		{"sign-in without user", inventory.CollSignIns, []string{`{"createdDateTime":"2026-11-01T00:00:00Z","status":{"errorCode":0}}`}, "userId is missing"},
		{"accountEnabled a string", inventory.CollUsers, []string{`{"id":"u9","userPrincipalName":"bg@x.nl","accountEnabled":"yes"}`},
			"users.json: item 1 (value[0], id u9): accountEnabled must be a boolean, found a string"},
		{"display name a number", inventory.CollUsers, []string{`{"id":"u1","displayName":5,"accountEnabled":true}`}, "displayName must be a string, found a number"},
		{"signInActivity a string", inventory.CollUsers, []string{`{"id":"u1","signInActivity":"yesterday"}`}, "signInActivity must be an object, found a string"},
		{"last sign-in not a date", inventory.CollUsers, []string{`{"id":"u1","signInActivity":{"lastSignInDateTime":"last Tuesday"}}`},
			`signInActivity.lastSignInDateTime must be a date-time such as 2026-11-02T08:15:00Z, found "last Tuesday"`},
		{"user without id", inventory.CollUsers, []string{`{"userPrincipalName":"noid@x.nl"}`}, "users.json: item 1 (value[0]): id is missing"},
		{"role without template", inventory.CollDirectoryRoles, []string{`{"id":"r1","displayName":"Global Administrator","members":[]}`},
			"roleTemplateId is missing: the role cannot be identified"},
		{"registration without id", inventory.CollRegistrations, []string{`{"isMfaRegistered":true}`},
			"id is missing: the registration cannot be tied to an account"},
		{"per-user MFA without id", inventory.CollPerUserMFA, []string{`{"perUserMfaState":"enforced"}`},
			"id is missing: the per-user MFA state cannot be tied to an account"},
		{"user not an object", inventory.CollUsers, []string{`{"id":"u1"}`, `"not an account"`}, "users.json: item 2 (value[1]): must be a JSON object, found a string"},
		{"user null", inventory.CollUsers, []string{`null`}, "must be a JSON object, found null"},
		{"NUL in a display name", inventory.CollUsers, []string{`{"id":"u1","displayName":"Ann\u0000a"}`},
			`users.json: item 1 (value[0], id u1): displayName holds a NUL character (\u0000), which is not text`},
		{"NUL in a job title", inventory.CollUsers, []string{`{"id":"u1","jobTitle":"\u0000"}`}, "jobTitle holds a NUL character"},
		{"overlong display name", inventory.CollUsers, []string{`{"id":"u1","displayName":"` + long + `"}`},
			"users.json: item 1 (value[0], id u1): displayName is 4097 bytes long; Graph never writes text longer than 4096 bytes"},
		{"registration isMfaRegistered a string", inventory.CollRegistrations, []string{`{"id":"u1","isMfaRegistered":"true"}`},
			"userRegistrationDetails.json: item 1 (value[0], id u1): isMfaRegistered must be a boolean, found a string"},
		{"registration isAdmin a string", inventory.CollRegistrations, []string{`{"id":"u1","isAdmin":"no"}`}, "isAdmin must be a boolean"},
		{"methods not a list", inventory.CollRegistrations, []string{`{"id":"u1","methodsRegistered":"mobilePhone"}`}, "methodsRegistered must be a list, found a string"},
		{"policy users not a list", inventory.CollPolicies, []string{`{"id":"p1","state":"enabled","conditions":{"users":{"includeUsers":"All"}}}`},
			"conditionalAccessPolicies.json: item 1 (value[0], id p1): conditions.users.includeUsers must be a list of strings, found a string"},
		{"policy exclusion with a number", inventory.CollPolicies, []string{`{"id":"p1","conditions":{"users":{"excludeGroups":["g1",7]}}}`},
			"conditions.users.excludeGroups must be a list of strings; an entry is not a string"},
		{"policy not an object", inventory.CollPolicies, []string{`42`}, "conditionalAccessPolicies.json: item 1 (value[0]): must be a JSON object, found a number"},
		{"policy grant controls a list", inventory.CollPolicies, []string{`{"id":"p1","grantControls":["mfa"]}`}, "grantControls must be an object, found an array"},
		{"NUL in a policy exclusion", inventory.CollPolicies, []string{`{"id":"p1","conditions":{"users":{"excludeUsers":["u\u0000"]}}}`},
			"conditions.users.excludeUsers[0] holds a NUL character"},
		{"role members an object", inventory.CollDirectoryRoles, []string{`{"id":"r1","roleTemplateId":"t","members":{"id":"u1"}}`}, "members must be a list, found an object"},
		{"security defaults a string", inventory.CollSecurityDefaults, []string{`{"isEnabled":"true"}`},
			"securityDefaults.json: isEnabled must be a boolean, found a string"},
		{"per-user state a number", inventory.CollPerUserMFA, []string{`{"id":"u1","perUserMfaState":1}`}, "perUserMfaState must be a string, found a number"},
		{"room email a list", inventory.CollRooms, []string{`{"id":"r1","emailAddress":["a@b"]}`}, "emailAddress must be a string, found an array"},
		{"hostile id", inventory.CollGroups, []string{`{"id":"\u001b[2Jevil","members":"x"}`}, "id ?[2Jevil): members must be a list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder()
			var err error
			for _, it := range tc.items {
				if err = d.Add(tc.collection, json.RawMessage(it)); err != nil {
					break
				}
			}
			wantInvalid(t, err, tc.says)
		})
	}
}

// Without accountEnabled in the $select every account would read as
// disabled and the tenant as ready; they read as enabled, with one warning.
func TestDecodeUserWithoutAccountEnabled(t *testing.T) {
	t.Parallel()
	s := decodeItems(t, inventory.CollUsers, `{"id":"u1"}`, `{"id":"u2","accountEnabled":null}`, `{"id":"u3","accountEnabled":false}`)
	if !s.Users[0].AccountEnabled || !s.Users[1].AccountEnabled || s.Users[2].AccountEnabled {
		t.Errorf("enabled = %v %v %v, want true true false", s.Users[0].AccountEnabled, s.Users[1].AccountEnabled, s.Users[2].AccountEnabled)
	}
	if len(s.Warnings) != 1 || s.Warnings[0].Field != "accountEnabled" || !strings.Contains(s.Warnings[0].Message, "missing on 2 user(s)") {
		t.Errorf("warnings = %v", s.Warnings)
	}
}

func TestDecodePolicyKeepsWhatGraphAddsLater(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		conditions string
		grant      string
		check      func(p inventory.Policy) bool
		note       string // a warning that must name this field, or ""
	}{
		{"unknown builtInControls kept", `{}`, `{"operator":"OR","builtInControls":["mfa","someNewControl"]}`,
			func(p inventory.Policy) bool {
				return reflect.DeepEqual(p.BuiltInControls, []string{"mfa", "someNewControl"})
			}, ""},
		{"unknown clientAppTypes kept", `{"clientAppTypes":["browser","newType"]}`, `null`,
			func(p inventory.Policy) bool {
				return reflect.DeepEqual(p.ClientAppTypes, []string{"browser", "newType"}) && !p.HasGrant
			}, ""},
		{"new top-level condition named", `{"authenticationFlows":{"transferMethods":"deviceCodeFlow"},"insiderRiskLevels":null,"servicePrincipalRiskLevels":[]}`, `null`,
			func(p inventory.Policy) bool {
				return reflect.DeepEqual(p.OtherConditions, []string{"authenticationFlows"})
			}, ""},
		{"new user condition named", `{"users":{"includeUsers":["All"],"includeAgents":["All"]}}`, `null`,
			func(p inventory.Policy) bool {
				return reflect.DeepEqual(p.OtherConditions, []string{"users.includeAgents"})
			}, ""},
		{"device states named beside the filter", `{"devices":{"includeDeviceStates":["All"],"deviceFilter":{"mode":"include","rule":"device.trustType -eq \"AzureAD\""}}}`, `null`,
			func(p inventory.Policy) bool {
				return p.DeviceFilter == `device.trustType -eq "AzureAD"` && reflect.DeepEqual(p.OtherConditions, []string{"devices.includeDeviceStates"})
			}, ""},
		{"empty objects set nothing", `{"clientApplications":{"@odata.type":"#microsoft.graph.conditionalAccessClientApplications","includeServicePrincipals":[],"servicePrincipalFilter":null},"locations":{},"platforms":{"includePlatforms":[],"excludePlatforms":[]},"devices":null}`, `null`,
			func(p inventory.Policy) bool { return p.OtherConditions == nil && !p.HasLocations && !p.HasPlatforms }, ""},
		{"guest types as a list, tenants absent", `{"users":{"includeGuestsOrExternalUsers":{"guestOrExternalUserTypes":["internalGuest"," b2bDirectConnectUser "]}}}`, `null`,
			func(p inventory.Policy) bool {
				g := p.IncludeGuests
				return g != nil && g.ExternalTenantsAll && reflect.DeepEqual(g.Types, []string{"internalGuest", "b2bDirectConnectUser"})
			}, ""},
		{"unknown membership kind", `{"users":{"excludeGuestsOrExternalUsers":{"guestOrExternalUserTypes":"internalGuest","externalTenants":{"membershipKind":"someNewKind"}}}}`, `null`,
			func(p inventory.Policy) bool { return p.ExcludeGuests != nil && !p.ExcludeGuests.ExternalTenantsAll },
			"conditions.users.excludeGuestsOrExternalUsers.externalTenants.membershipKind"},
		{"new grant control named", `{}`, `{"operator":"OR","builtInControls":[],"someNewGrant":{"id":"x"},"termsOfUse":[]}`,
			func(p inventory.Policy) bool {
				return p.HasGrant && reflect.DeepEqual(p.OtherGrants, []string{"someNewGrant"})
			}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := decodeItems(t, inventory.CollPolicies, fmt.Sprintf(
				`{"id":"p","displayName":"P","state":"enabled","sessionControls":{"signInFrequency":null},"conditions":%s,"grantControls":%s}`,
				tc.conditions, tc.grant))
			if len(s.Policies) != 1 {
				t.Fatalf("policy skipped: %v", s.Warnings)
			}
			if !tc.check(s.Policies[0]) {
				t.Errorf("policy = %+v", s.Policies[0])
			}
			var fields []string
			for _, w := range s.Warnings {
				fields = append(fields, w.Field)
			}
			want := []string(nil)
			if tc.note != "" {
				want = []string{"value[0]." + tc.note}
			}
			if !reflect.DeepEqual(fields, want) {
				t.Errorf("warnings = %v, want fields %v", s.Warnings, want)
			}
		})
	}
}

func TestDecodeDirectoryObjects(t *testing.T) {
	t.Parallel()
	s := decodeItems(t, inventory.CollGroups,
		`{"id":"g1","members":[{"@odata.type":"#microsoft.graph.user","id":"u1"},{"id":"u2"},{"@odata.type":"#microsoft.graph.group","id":"g2"},{"@odata.type":"#microsoft.graph.servicePrincipal","id":"sp"}]}`)
	want := []inventory.Group{{ID: "g1", MemberUserIDs: []string{"u1", "u2"}, MemberGroupIDs: []string{"g2"}}}
	if !reflect.DeepEqual(s.Groups, want) {
		t.Errorf("groups = %+v, want %+v", s.Groups, want)
	}

	s = decodeItems(t, inventory.CollNamedLocations, `{"@odata.type":"#microsoft.graph.compliantNetworkNamedLocation","id":"l1","displayName":"GSA"}`)
	if s.NamedLocations[0].Kind != "compliantNetwork" {
		t.Errorf("kind = %q, want it kept as written", s.NamedLocations[0].Kind)
	}

	d := NewDecoder()
	if err := d.Add(inventory.CollSecurityDefaults, json.RawMessage(`{"id":"x","isEnabled":null}`)); err == nil || err.Error() != "securityDefaults.json: isEnabled is missing, so whether security defaults are on is not known" {
		t.Errorf("security defaults without isEnabled: err = %v", err)
	}

	s = decodeItems(t, inventory.CollOrganization, `{"id":"t1","verifiedDomains":[]}`, `{"id":"t2"}`)
	if s.Tenant.ID != "t1" || len(s.Warnings) != 1 || s.Warnings[0].Field != "value[1]" {
		t.Errorf("tenant = %+v, warnings %v", s.Tenant, s.Warnings)
	}
}

// An automation account with many kinds of events goes past the linear
// scan to the per-account index; the folds must be the same either way.
func TestSignInFoldingManyKinds(t *testing.T) {
	t.Parallel()
	d := NewDecoder()
	d.Begin(inventory.CollSignIns)
	const apps, rounds = 40, 3
	for r := 0; r < rounds; r++ {
		for a := 0; a < apps; a++ {
			ev := fmt.Sprintf(`{"userId":"svc","createdDateTime":"2026-11-01T%02d:%02d:00Z","appDisplayName":"app %d","clientAppUsed":"Other clients","isInteractive":false,"authenticationRequirement":"singleFactorAuthentication","status":{"errorCode":0}}`, 10+r, a, a)
			d.Add(inventory.CollSignIns, json.RawMessage(ev))
		}
	}
	folds := d.Snapshot().SignIns["svc"]
	if len(folds) != apps {
		t.Fatalf("%d folds, want %d", len(folds), apps)
	}
	for a, f := range folds {
		first := time.Date(2026, 11, 1, 10, a, 0, 0, time.UTC)
		last := time.Date(2026, 11, 1, 10+rounds-1, a, 0, 0, time.UTC)
		if f.App != fmt.Sprintf("app %d", a) || f.Count != rounds || f.First != first || f.Last != last || !f.Success || f.Interactive {
			t.Errorf("fold %d = %+v", a, f)
		}
	}
}

func TestDecoderWarningsAreBoundedPerFile(t *testing.T) {
	t.Parallel()
	items := make([]string, maxWarningsPerFile+10)
	for i := range items {
		items[i] = fmt.Sprintf(`{"id":"u%d","accountEnabled":true,"jobTitle":5}`, i)
	}
	s := decodeItems(t, inventory.CollUsers, items...)
	if len(s.Users) != len(items) || len(s.Warnings) != maxWarningsPerFile+1 {
		t.Fatalf("%d users, %d warnings, want %d and %d", len(s.Users), len(s.Warnings), len(items), maxWarningsPerFile+1)
	}
	if last := s.Warnings[maxWarningsPerFile]; last.Source != "users.json" || last.Message != "10 more problem(s) of this file not listed" {
		t.Errorf("summary = %q", last.String())
	}
}

func TestDecoderRefusesUnknownCollections(t *testing.T) {
	t.Parallel()
	d := NewDecoder()
	if err := d.Begin("applications"); err == nil {
		t.Error("Begin accepted an unknown collection")
	}
	if err := d.Add("applications", json.RawMessage(`{}`)); err == nil {
		t.Error("Add accepted an unknown collection")
	}
	d.Warn(inventory.Warning{Source: "GET /reports/authenticationMethods/userRegistrationDetails", Message: "403 Forbidden"})
	if w := d.Snapshot().Warnings; len(w) != 1 || w[0].Message != "403 Forbidden" {
		t.Errorf("source warning lost: %v", w)
	}
}

func warningStrings(ws []inventory.Warning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.String())
	}
	return out
}
