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

// An account is never dropped for a bad secondary field: it is kept with
// what could be read, and the field is named.
func TestDecodeUserKeepsAccountWithBadField(t *testing.T) {
	s := decodeItems(t, inventory.CollUsers,
		`{"id":"u1","displayName":5,"userPrincipalName":"a@b.nl","accountEnabled":false}`,
		`{"id":"u2","userPrincipalName":"c@b.nl","accountEnabled":true,"signInActivity":"yesterday"}`)
	if len(s.Users) != 2 || s.Users[0].UserPrincipalName != "a@b.nl" || s.Users[0].AccountEnabled || s.Users[1].UserPrincipalName != "c@b.nl" {
		t.Fatalf("users = %+v", s.Users)
	}
	want := []string{
		"users.json value[0].displayName: is a number, expected a string; read as empty, the account is kept",
		"users.json value[1].signInActivity: is a string, expected an object; read as empty, the account is kept",
	}
	if got := warningStrings(s.Warnings); !reflect.DeepEqual(got, want) {
		t.Errorf("warnings:\n got %q\nwant %q", got, want)
	}
}

// Without accountEnabled in the $select every account would read as
// disabled and the tenant as ready; they read as enabled, with one warning.
func TestDecodeUserWithoutAccountEnabled(t *testing.T) {
	s := decodeItems(t, inventory.CollUsers, `{"id":"u1"}`, `{"id":"u2","accountEnabled":null}`, `{"id":"u3","accountEnabled":false}`)
	if !s.Users[0].AccountEnabled || !s.Users[1].AccountEnabled || s.Users[2].AccountEnabled {
		t.Errorf("enabled = %v %v %v, want true true false", s.Users[0].AccountEnabled, s.Users[1].AccountEnabled, s.Users[2].AccountEnabled)
	}
	if len(s.Warnings) != 1 || s.Warnings[0].Field != "accountEnabled" || !strings.Contains(s.Warnings[0].Message, "missing on 2 user(s)") {
		t.Errorf("warnings = %v", s.Warnings)
	}
}

func TestDecodePolicyKeepsWhatGraphAddsLater(t *testing.T) {
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
	s := decodeItems(t, inventory.CollGroups,
		`{"id":"g1","members":[{"@odata.type":"#microsoft.graph.user","id":"u1"},{"id":"u2"},{"@odata.type":"#microsoft.graph.group","id":"g2"},{"@odata.type":"#microsoft.graph.servicePrincipal","id":"sp"},{"@odata.type":"#microsoft.graph.user"}]}`,
		`{"displayName":"no id","members":[]}`)
	want := []inventory.Group{{ID: "g1", MemberUserIDs: []string{"u1", "u2"}, MemberGroupIDs: []string{"g2"}}}
	if !reflect.DeepEqual(s.Groups, want) {
		t.Errorf("groups = %+v, want %+v", s.Groups, want)
	}
	if got := warningStrings(s.Warnings); len(got) != 1 || !strings.HasPrefix(got[0], "groups.json value[1].id: is missing") {
		t.Errorf("warnings = %q", got)
	}

	s = decodeItems(t, inventory.CollNamedLocations, `{"@odata.type":"#microsoft.graph.compliantNetworkNamedLocation","id":"l1","displayName":"GSA"}`)
	if s.NamedLocations[0].Kind != "compliantNetwork" {
		t.Errorf("kind = %q, want it kept as written", s.NamedLocations[0].Kind)
	}

	s = decodeItems(t, inventory.CollSecurityDefaults, `{"id":"x","isEnabled":null}`)
	if s.SecurityDefaults != nil || len(s.Warnings) != 1 || s.Warnings[0].Field != "isEnabled" {
		t.Errorf("security defaults = %v, warnings %v", s.SecurityDefaults, s.Warnings)
	}

	s = decodeItems(t, inventory.CollOrganization, `{"id":"t1","verifiedDomains":[]}`, `{"id":"t2"}`)
	if s.Tenant.ID != "t1" || len(s.Warnings) != 1 || s.Warnings[0].Field != "value[1]" {
		t.Errorf("tenant = %+v, warnings %v", s.Tenant, s.Warnings)
	}
}

func TestDecodeSignInsThatCannotBeFolded(t *testing.T) {
	s := decodeItems(t, inventory.CollSignIns,
		`{"userId":"u1","status":{"errorCode":0}}`,
		`{"userId":"u1","createdDateTime":"soon","status":{"errorCode":0}}`,
		`{"userId":"u1","createdDateTime":"2026-11-01T00:00:00Z","status":{}}`,
		`{"userId":"u1","createdDateTime":"2026-11-01T00:00:00Z","status":{"errorCode":"0"}}`)
	if len(s.SignIns) != 0 {
		t.Errorf("folded %v", s.SignIns)
	}
	want := []string{"value[0].createdDateTime", "value[1].createdDateTime", "value[2].status.errorCode", "value[3].status.errorCode"}
	var got []string
	for _, w := range s.Warnings {
		got = append(got, w.Field)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warning fields = %v, want %v (%v)", got, want, s.Warnings)
	}
}

// An automation account with many kinds of events goes past the linear
// scan to the per-account index; the folds must be the same either way.
func TestSignInFoldingManyKinds(t *testing.T) {
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
	items := make([]string, maxWarningsPerFile+10)
	for i := range items {
		items[i] = `"not an object"`
	}
	s := decodeItems(t, inventory.CollRooms, items...)
	if len(s.Warnings) != maxWarningsPerFile+1 {
		t.Fatalf("%d warnings, want %d", len(s.Warnings), maxWarningsPerFile+1)
	}
	if last := s.Warnings[maxWarningsPerFile]; last.Source != "rooms.json" || last.Message != "10 more problem(s) of this file not listed" {
		t.Errorf("summary = %q", last.String())
	}
}

func TestDecoderRefusesUnknownCollections(t *testing.T) {
	d := NewDecoder()
	if err := d.Begin("servicePrincipals"); err == nil {
		t.Error("Begin accepted an unknown collection")
	}
	if err := d.Add("servicePrincipals", json.RawMessage(`{}`)); err == nil {
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
