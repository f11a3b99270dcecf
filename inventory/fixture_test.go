package inventory

import (
	"strings"
	"testing"
	"time"
)

// asOf is the moment every rule test assesses at.
var asOf = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// allPresent records every collection as read.
func allPresent() map[string]bool {
	p := map[string]bool{}
	for _, c := range Collections {
		p[c] = true
	}
	return p
}

// newSnapshot is a tenant with every collection present, security defaults
// off and nothing else.
func newSnapshot(users ...User) *Snapshot {
	return &Snapshot{
		Tenant:           Tenant{ID: "tenant-1", DisplayName: "Contoso Partners"},
		Users:            users,
		Registrations:    map[string]Registration{},
		PerUserMFA:       map[string]string{},
		SignIns:          map[string][]SignInFold{},
		SecurityDefaults: ptr(false),
		Present:          allPresent(),
	}
}

// person is an enabled member who signs in interactively.
func person(id string) User {
	return User{
		ID: id, DisplayName: "Person " + strings.ToUpper(id), UserPrincipalName: id + "@contoso.com",
		Mail: id + "@contoso.com", UserType: "Member", AccountEnabled: true,
		LastSignIn: asOf.Add(-48 * time.Hour),
	}
}

func withName(u User, display, upn string) User {
	u.DisplayName, u.UserPrincipalName = display, upn
	return u
}

// registered gives an account registration details with these methods.
func registered(s *Snapshot, id string, methods ...string) {
	s.Registrations[id] = Registration{IsMfaRegistered: len(methods) > 0, IsMfaCapable: len(methods) > 0, MethodsRegistered: methods}
}

// requireMFA is the policy every partner starts with: enabled, all users,
// all cloud apps, grant MFA.
func requireMFA(name string, edits ...func(*Policy)) Policy {
	p := Policy{
		ID: "id-" + name, DisplayName: name, State: "enabled",
		IncludeUsers: []string{"All"}, IncludeApplications: []string{"All"},
		ClientAppTypes: []string{"all"},
		HasGrant:       true, GrantOperator: "OR", BuiltInControls: []string{"mfa"},
	}
	for _, e := range edits {
		e(&p)
	}
	return p
}

func inputs() Inputs {
	return Inputs{Settings: DefaultSettings(KindMixed), AsOf: asOf}
}

// assessOne assesses a snapshot and returns the account with this id.
func assessOne(t *testing.T, s *Snapshot, in Inputs, id string) Assessment {
	t.Helper()
	res := Assess(s, in)
	for _, a := range res.Accounts {
		if a.UserID == id {
			return a
		}
	}
	t.Fatalf("no assessment for %s", id)
	return Assessment{}
}

// fold is one day of successful sign-ins.
func fold(at time.Time, app, client string, interactive bool, requirement string) SignInFold {
	return SignInFold{
		Day: at.Truncate(24 * time.Hour), App: app, ClientAppUsed: client, Interactive: interactive,
		Requirement: requirement, Success: true, Count: 1, First: at, Last: at,
	}
}

const (
	mfaReq    = "multiFactorAuthentication"
	singleReq = "singleFactorAuthentication"
)

// hasReason reports whether some reason contains every fragment.
func hasReason(reasons []string, fragments ...string) bool {
	for _, r := range reasons {
		all := true
		for _, f := range fragments {
			if !strings.Contains(r, f) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

func hasMarker(a Assessment, m Marker) bool {
	for _, x := range a.Markers {
		if x == m {
			return true
		}
	}
	return false
}
