package pgtest

import (
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// The What-If tenant: three accounts and one policy, as the dashboard synced
// it (Synced) and as it stands in Entra since (Drifted), so that Microsoft's
// engine — in tests the emulator's test double, serving Drifted — and
// mfaboard's verdict, read from Synced, agree on one account and disagree
// both ways on the others:
//   - Alice is in *Staff* through the nested group *Sales*: both apply
//     *CA001*;
//   - Bob joined *MFA exempt* after the sync: mfaboard counts *CA001*,
//     Microsoft no longer applies it;
//   - Carol joined *Sales* after the sync: Microsoft applies *CA001*,
//     mfaboard says it does not include her.
const (
	WhatIfTenantID = "44444444-4444-4444-4444-444444444444"
	WhatIfAlice    = "a0000000-0000-0000-0000-00000000000a"
	WhatIfBob      = "b0000000-0000-0000-0000-00000000000b"
	WhatIfCarol    = "c0000000-0000-0000-0000-00000000000c"
)

// WhatIfTenant returns the tenant as synced and as drifted since.
func WhatIfTenant(asOf time.Time) (synced, drifted *inventory.Snapshot) {
	build := func(exempt, sales []string) *inventory.Snapshot {
		off := false
		s := &inventory.Snapshot{
			Tenant:           inventory.Tenant{ID: WhatIfTenantID, DisplayName: "Fabrikam What-If", Domains: []string{"fabrikam.example"}},
			SecurityDefaults: &off,
			Registrations:    map[string]inventory.Registration{},
			PerUserMFA:       map[string]string{},
			Present:          map[string]bool{},
		}
		for _, c := range inventory.Collections {
			s.Present[c] = true
		}
		for _, u := range []struct{ id, name string }{{WhatIfAlice, "alice"}, {WhatIfBob, "bob"}, {WhatIfCarol, "carol"}} {
			s.Users = append(s.Users, inventory.User{ID: u.id, DisplayName: u.name, UserPrincipalName: u.name + "@fabrikam.example",
				UserType: "Member", AccountEnabled: true, CreatedDateTime: asOf.AddDate(-1, 0, 0), LastSignIn: asOf.AddDate(0, 0, -1)})
			s.Registrations[u.id] = inventory.Registration{IsMfaRegistered: true, IsMfaCapable: true, MethodsRegistered: []string{"microsoftAuthenticatorPush"}}
			s.PerUserMFA[u.id] = "disabled"
		}
		s.Groups = []inventory.Group{
			{ID: "g-sales", DisplayName: "Sales", MemberUserIDs: sales},
			{ID: "g-staff", DisplayName: "Staff", MemberGroupIDs: []string{"g-sales"}},
			{ID: "g-exempt", DisplayName: "MFA exempt", MemberUserIDs: exempt},
		}
		s.Policies = []inventory.Policy{{
			ID: "ca-001", DisplayName: "CA001", State: "enabled",
			IncludeUsers: []string{WhatIfBob}, IncludeGroups: []string{"g-staff"}, ExcludeGroups: []string{"g-exempt"},
			IncludeApplications: []string{"All"}, ClientAppTypes: []string{"all"},
			HasGrant: true, GrantOperator: "OR", BuiltInControls: []string{"mfa"},
		}}
		return s
	}
	return build(nil, []string{WhatIfAlice}), build([]string{WhatIfBob}, []string{WhatIfAlice, WhatIfCarol})
}
