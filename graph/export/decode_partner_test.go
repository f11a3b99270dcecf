package export

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mfaboard/mfaboard/inventory"
)

func TestPartnerCollectionsWarnAndLeaveOutWhatTheyCannotRead(t *testing.T) {
	t.Parallel()
	d := NewDecoder()
	feed := func(coll string, items ...string) {
		t.Helper()
		for _, it := range items {
			if err := d.Add(coll, json.RawMessage(it)); err != nil {
				t.Fatalf("%s %s refused the source: %v (display-only: must be a warning)", coll, it, err)
			}
		}
	}
	feed(inventory.CollServicePrincipals,
		`{"id":"sp1","appId":"`+inventory.PartnerCenterAppID+`","displayName":"Microsoft Partner Center","servicePrincipalType":"Application"}`,
		`{"appId":"x","displayName":"No id"}`,
		`{"id":"sp3","displayName":42}`)
	feed(inventory.CollPermissionGrants,
		`{"id":"g1","clientId":"sp2","resourceId":"sp1","consentType":"Principal","principalId":"u1","scope":"user_impersonation"}`,
		`{"id":"g2","clientId":"sp2","consentType":"AllPrincipals"}`)
	feed(inventory.CollSignIns,
		`{"userId":"u1","createdDateTime":"2026-11-02T06:00:00Z","appId":"app-2","appDisplayName":"Billing","resourceId":"`+inventory.PartnerCenterAppID+`","clientAppUsed":"Browser","authenticationRequirement":"singleFactorAuthentication","status":{"errorCode":900421}}`,
		`{"userId":"u1","createdDateTime":"2026-11-02T07:00:00Z","appId":"`+inventory.PartnerCenterAppID+`","appDisplayName":"Microsoft Partner Center","clientAppUsed":"Browser","isInteractive":true,"authenticationRequirement":"multiFactorAuthentication","status":{"errorCode":0}}`,
		`{"userId":"u1","createdDateTime":"2026-11-02T08:00:00Z","appId":"app-9","appDisplayName":"Teams","resourceId":"00000003-0000-0000-c000-000000000000","clientAppUsed":"Browser","status":{"errorCode":0}}`)
	s := d.Snapshot()
	if len(s.ServicePrincipals) != 1 || s.ServicePrincipals[0].ID != "sp1" {
		t.Errorf("service principals %+v", s.ServicePrincipals)
	}
	if len(s.PermissionGrants) != 1 || s.PermissionGrants[0].PrincipalID != "u1" || s.PermissionGrants[0].AdminConsent() {
		t.Errorf("grants %+v", s.PermissionGrants)
	}
	if len(s.Warnings) != 3 {
		t.Fatalf("want 3 warnings, got:\n%s", listWarnings(s.Warnings))
	}
	for _, w := range s.Warnings {
		if !strings.Contains(w.Message, "left out") {
			t.Errorf("warning %q does not say the item is left out", w)
		}
	}
	pcs := s.PartnerSignIns["u1"]
	if len(pcs) != 2 || pcs[0].Portal || pcs[0].ErrorCode != inventory.ErrPartnerCenterNoMFA || pcs[0].AppID != "app-2" || !pcs[1].Portal || !pcs[1].MFA() {
		t.Errorf("partner sign-ins %+v (the Teams sign-in is not Partner Center's)", pcs)
	}
	if len(s.SignIns["u1"]) != 3 {
		t.Errorf("every event is sign-in evidence as well: %+v", s.SignIns["u1"])
	}
}
