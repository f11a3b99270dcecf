package pgtest

import (
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// ExcludedGroupTenant is the tenant of the "what changed" tests (issue 13
// §4): two registered people, Ann and Bob, and policy CA001 requiring MFA
// of all users but group Contractors, which is empty. Both are compliant.
func ExcludedGroupTenant() *inventory.Snapshot {
	present := map[string]bool{}
	for _, c := range inventory.Collections {
		present[c] = true
	}
	off := false
	person := func(id, name string) inventory.User {
		return inventory.User{ID: id, DisplayName: name, UserPrincipalName: id + "@changes.example",
			UserType: "Member", AccountEnabled: true}
	}
	reg := inventory.Registration{IsMfaRegistered: true, IsMfaCapable: true, MethodsRegistered: []string{"microsoftAuthenticatorPush"}}
	return &inventory.Snapshot{
		Tenant:           inventory.Tenant{ID: "changes-tenant", DisplayName: "Changes Ltd", Domains: []string{"changes.example"}},
		Users:            []inventory.User{person("ann", "Ann Archer"), person("bob", "Bob Baker")},
		Registrations:    map[string]inventory.Registration{"ann": reg, "bob": reg},
		PerUserMFA:       map[string]string{},
		SignIns:          map[string][]inventory.SignInFold{},
		SecurityDefaults: &off,
		Groups:           []inventory.Group{{ID: "g-contractors", DisplayName: "Contractors"}},
		Policies: []inventory.Policy{{
			ID: "p-ca001", DisplayName: "CA001", State: "enabled",
			IncludeUsers: []string{"All"}, ExcludeGroups: []string{"g-contractors"},
			IncludeApplications: []string{"All"}, ClientAppTypes: []string{"all"},
			HasGrant: true, GrantOperator: "OR", BuiltInControls: []string{"mfa"},
		}},
		Present: present,
	}
}

// SyncAnnJoinsContractors syncs ExcludedGroupTenant, adds Ann to the
// excluded group Contractors and syncs again: the second sync records Ann
// going from compliant to non-compliant. It returns the second sync.
func SyncAnnJoinsContractors(tb testing.TB, store *pg.Store) inventory.SyncOutcome {
	tb.Helper()
	now := time.Now().UTC()
	Sync(tb, store, ExcludedGroupTenant(), inventory.SyncOptions{Now: now.Add(-time.Hour)})
	snap := ExcludedGroupTenant()
	snap.Groups[0].MemberUserIDs = []string{"ann"}
	return Sync(tb, store, snap, inventory.SyncOptions{Now: now})
}
