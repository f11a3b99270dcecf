package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
)

// assessedAt is the moment the tests assess at; the sign-in window ends here.
var assessedAt = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// testTenant is a small tenant written the way Graph writes it: users
// beyond one page, groups with fewer than, exactly and more than the 20
// members $expand returns, a nested group, a role with 25 holders, a policy
// and a sign-in with enum values the SDK does not know, and one sign-in
// older than the window (which must not arrive).
func testTenant(tb testing.TB, users int) export.Folder {
	tb.Helper()
	f := export.Folder{}
	add := func(coll, format string, args ...any) {
		raw := fmt.Sprintf(format, args...)
		if !json.Valid([]byte(raw)) {
			tb.Fatalf("test tenant: invalid JSON in %s: %s", coll, raw)
		}
		f[coll] = append(f[coll], json.RawMessage(raw))
	}
	userID := func(i int) string { return fmt.Sprintf("00000000-0000-0000-0000-%012d", i) }
	member := func(i int) string {
		return fmt.Sprintf(`{"@odata.type":"#microsoft.graph.user","id":%q,"displayName":"User %d","userPrincipalName":"user%d@contoso.example"}`, userID(i), i, i)
	}
	members := func(from, n int) string {
		var parts []string
		for i := from; i < from+n; i++ {
			parts = append(parts, member(i))
		}
		return strings.Join(parts, ",")
	}

	add(inventory.CollOrganization, `{"id":"11111111-1111-1111-1111-111111111111","displayName":"Contoso","verifiedDomains":[{"name":"contoso.example","isDefault":true}]}`)
	for i := 1; i <= users; i++ {
		add(inventory.CollUsers, `{"id":%q,"displayName":"User %d","userPrincipalName":"user%d@contoso.example","mail":null,"userType":"Member","accountEnabled":true,"onPremisesSyncEnabled":null,"createdDateTime":"2024-01-02T03:04:05Z","assignedLicenses":[],"signInActivity":{"lastSignInDateTime":"2026-11-01T10:00:00Z","lastNonInteractiveSignInDateTime":"0001-01-01T00:00:00Z"}}`, userID(i), i, i)
		add(inventory.CollRegistrations, `{"id":%q,"userPrincipalName":"user%d@contoso.example","isAdmin":false,"isMfaRegistered":%t,"isMfaCapable":true,"methodsRegistered":["microsoftAuthenticatorPush","someFutureMethod"],"defaultMfaMethod":"none"}`, userID(i), i, i%3 != 0)
		state := []string{"disabled", "enabled", "enforced", "someFutureState"}[i%4]
		add(inventory.CollPerUserMFA, `{"id":%q,"perUserMfaState":%q}`, userID(i), state)
	}
	add(inventory.CollPolicies, `{"id":"p-1","displayName":"Require MFA","state":"enabled","conditions":{"users":{"includeUsers":["All"],"excludeUsers":[],"includeGroups":[],"excludeGroups":["g-big"],"includeRoles":[],"excludeRoles":[]},"applications":{"includeApplications":["All"],"excludeApplications":[]},"clientAppTypes":["all"],"locations":null,"platforms":null},"grantControls":{"operator":"OR","builtInControls":["mfa","someNewControl"],"customAuthenticationFactors":[],"termsOfUse":[],"authenticationStrength":null}}`)
	add(inventory.CollPolicies, `{"id":"p-2","displayName":"Legacy","state":"enabledForReportingButNotEnforced","conditions":{"users":{"includeUsers":["GuestsOrExternalUsers"]},"applications":{"includeApplications":["Office365"]},"clientAppTypes":["exchangeActiveSync","someNewClientApp"]},"grantControls":{"operator":"AND","builtInControls":["block"]}}`)
	add(inventory.CollNamedLocations, `{"@odata.type":"#microsoft.graph.ipNamedLocation","id":"loc-1","displayName":"Office","isTrusted":true,"ipRanges":[{"@odata.type":"#microsoft.graph.iPv4CidrRange","cidrAddress":"192.0.2.0/24"}]}`)
	add(inventory.CollSecurityDefaults, `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#policies/identitySecurityDefaultsEnforcementPolicy/$entity","id":"00000000-0000-0000-0000-000000000005","displayName":"Security Defaults","isEnabled":false}`)
	add(inventory.CollDirectoryRoles, `{"id":"r-ga","displayName":"Global Administrator","roleTemplateId":"62e90394-69f5-4237-9190-012177145e10","members":[%s]}`, members(1, 25))
	add(inventory.CollDirectoryRoles, `{"id":"r-sync","displayName":"Directory Synchronization Accounts","roleTemplateId":"d29b2b05-8046-44ba-8758-1e26182fcf32","members":[%s]}`, members(26, 1))
	add(inventory.CollGroups, `{"id":"g-small","displayName":"Small","securityEnabled":true,"members":[%s,{"@odata.type":"#microsoft.graph.group","id":"g-big","displayName":"Big"}]}`, members(1, 3))
	add(inventory.CollGroups, `{"id":"g-twenty","displayName":"Exactly twenty","securityEnabled":true,"members":[%s]}`, members(10, 20))
	add(inventory.CollGroups, `{"id":"g-big","displayName":"Big","securityEnabled":true,"members":[%s]}`, members(1, min(users, 45)))
	add(inventory.CollGroups, `{"id":"g-empty","displayName":"Empty","securityEnabled":true,"members":[]}`)
	add(inventory.CollRooms, `{"id":"room-1","displayName":"Boardroom 4","emailAddress":"boardroom4@contoso.example","capacity":12}`)
	add(inventory.CollSignIns, `{"id":"s-1","createdDateTime":"2026-11-10T08:00:00Z","userId":%q,"appDisplayName":"Office 365 Exchange Online","clientAppUsed":"IMAP4","isInteractive":false,"authenticationRequirement":"singleFactorAuthentication","status":{"errorCode":0},"signInEventTypes":["nonInteractiveUser"]}`, userID(2))
	add(inventory.CollServicePrincipals, `{"id":"sp-pc","appId":%q,"displayName":"Microsoft Partner Center","publisherName":"Microsoft Services","appOwnerOrganizationId":null}`, inventory.PartnerCenterAppID)
	add(inventory.CollPermissionGrants, `{"clientId":"sp-tool","consentType":"AllPrincipals","id":"grant-1","principalId":null,"resourceId":"sp-pc","scope":"user_impersonation"}`)
	add(inventory.CollSignIns, `{"id":"s-2","createdDateTime":"2026-11-19T09:30:00Z","userId":%q,"appDisplayName":"Azure Portal","clientAppUsed":"Browser","isInteractive":true,"authenticationRequirement":"someFutureRequirement","status":{"errorCode":0},"signInEventTypes":["interactiveUser"]}`, userID(1))
	return f
}

// oldSignIn is a sign-in before the 30-day window; the filter keeps it out.
const oldSignIn = `{"id":"s-old","createdDateTime":"2026-09-01T08:00:00Z","userId":"00000000-0000-0000-0000-000000000001","appDisplayName":"Old","clientAppUsed":"Browser","isInteractive":true,"authenticationRequirement":"multiFactorAuthentication","status":{"errorCode":0}}`

// served is the folder an emulator serves for want: the expected items
// plus what Graph holds but a sync must not bring back.
func served(want export.Folder) export.Folder {
	f := export.Folder{}
	for k, v := range want {
		f[k] = append([]json.RawMessage(nil), v...)
	}
	f[inventory.CollSignIns] = append(f[inventory.CollSignIns], json.RawMessage(oldSignIn))
	return f
}

// recorder is a Sink that keeps what it receives and checks the Sink
// contract: Begin once per collection, Add only after Begin.
type recorder struct {
	mu    sync.Mutex
	got   export.Folder
	order []string
}

func newRecorder() *recorder { return &recorder{got: export.Folder{}} }

func (r *recorder) Begin(collection string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.got[collection]; ok {
		return fmt.Errorf("Begin(%s) called twice", collection)
	}
	r.got[collection] = []json.RawMessage{}
	r.order = append(r.order, collection)
	return nil
}

func (r *recorder) Add(collection string, item json.RawMessage) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.got[collection]; !ok {
		return fmt.Errorf("Add(%s) before Begin", collection)
	}
	if !json.Valid(item) {
		return fmt.Errorf("Add(%s) of invalid JSON %q", collection, item)
	}
	r.got[collection] = append(r.got[collection], append(json.RawMessage(nil), item...))
	return nil
}

// sameItems fails the test unless got holds exactly want's objects
// (compared as JSON values, in any order: batches and member listings
// finish in any order).
func sameItems(t *testing.T, collection string, got, want []json.RawMessage) {
	t.Helper()
	g, w := canonical(t, got), canonical(t, want)
	if len(g) != len(w) {
		t.Errorf("%s: got %d items, want %d", collection, len(g), len(w))
	}
	for i := 0; i < len(g) && i < len(w); i++ {
		if g[i] != w[i] {
			t.Errorf("%s: item differs:\n got %s\nwant %s", collection, g[i], w[i])
			return
		}
	}
}

func canonical(t *testing.T, items []json.RawMessage) []string {
	t.Helper()
	out := make([]string, len(items))
	for i, it := range items {
		var v any
		dec := json.NewDecoder(bytes.NewReader(it))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("item %q: %v", it, err)
		}
		b, _ := json.Marshal(v) // maps marshal with sorted keys
		out[i] = string(b)
	}
	sort.Strings(out)
	return out
}

func canonicalObject(t *testing.T, item json.RawMessage) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(item, &m); err != nil {
		t.Fatalf("item %q is not an object: %v", item, err)
	}
	return m
}
