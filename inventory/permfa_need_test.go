package inventory

import (
	"maps"
	"slices"
	"testing"
)

// perUserStates are the states a per-user read could bring back, an
// unknown one included; "" stands for "not read".
var perUserStates = []string{"", "disabled", "enabled", "enforced", "someFutureState"}

// complianceWith assesses the snapshot with the account's per-user state
// set to state ("" leaves it out).
func complianceWith(t *testing.T, s *Snapshot, id, state string) Compliance {
	t.Helper()
	c := *s
	c.PerUserMFA = maps.Clone(s.PerUserMFA)
	delete(c.PerUserMFA, id)
	if state != "" {
		c.PerUserMFA[id] = state
	}
	return assessOne(t, &c, inputs(), id).Compliance
}

func TestPerUserMFASkips(t *testing.T) {
	strength := &AuthStrength{ID: "s-1", DisplayName: "Phishing-resistant MFA", AllowedCombinations: []string{"fido2"}}
	cases := []struct {
		name   string
		edit   func(*Snapshot)
		skip   map[string]string // id → reason; every other account must be read
		change []string          // accounts whose verdict a per-user state does change
	}{
		{
			name: "security defaults on",
			edit: func(s *Snapshot) { s.SecurityDefaults = ptr(true) },
			skip: map[string]string{
				"alice": "security defaults enforce MFA",
				"bob":   "security defaults enforce MFA",
				"off":   "the account is disabled",
			},
			// Security defaults exclude the Entra Connect account: its
			// per-user state can still enforce MFA on it.
			change: []string{"sync"},
		},
		{
			name: "a plain MFA policy that excludes a group",
			edit: func(s *Snapshot) {
				s.Groups = []Group{{ID: "g-ex", DisplayName: "Excluded", MemberUserIDs: []string{"bob"}}}
				s.Policies = []Policy{requireMFA("CA001", func(p *Policy) { p.ExcludeGroups = []string{"g-ex"} })}
			},
			skip: map[string]string{
				"alice": "CA001 enforces MFA",
				"sync":  "CA001 enforces MFA",
				"off":   "the account is disabled",
			},
			change: []string{"bob"},
		},
		{
			name: "report-only and disabled policies enforce nothing",
			edit: func(s *Snapshot) {
				s.Policies = []Policy{
					requireMFA("CA-report", func(p *Policy) { p.State = "enabledForReportingButNotEnforced" }),
					requireMFA("CA-off", func(p *Policy) { p.State = "disabled" }),
				}
			},
			skip:   map[string]string{"off": "the account is disabled"},
			change: []string{"alice", "bob", "sync"},
		},
		{
			name: "a policy that only demands an authentication strength",
			edit: func(s *Snapshot) {
				s.Policies = []Policy{requireMFA("CA-strength", func(p *Policy) {
					p.BuiltInControls, p.AuthStrength = nil, strength
				})}
			},
			skip: map[string]string{"off": "the account is disabled"},
			// alice cannot meet the strength with push: at_risk, unless a
			// per-user state enforces MFA on her too.
			change: []string{"alice"},
		},
		{
			name: "mfa OR compliant device does not count",
			edit: func(s *Snapshot) {
				s.Policies = []Policy{requireMFA("CA-or", func(p *Policy) { p.BuiltInControls = []string{"mfa", "compliantDevice"} })}
			},
			skip:   map[string]string{"off": "the account is disabled"},
			change: []string{"alice", "bob", "sync"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			off := person("off")
			off.AccountEnabled = false
			s := newSnapshot(person("alice"), person("bob"), withName(person("sync"), "On-Premises Directory Synchronization Service Account", "Sync_SRV01_abc@contoso.onmicrosoft.com"), off)
			registered(s, "alice", "microsoftAuthenticatorPush")
			registered(s, "bob", "microsoftAuthenticatorPush")
			registered(s, "sync", "microsoftAuthenticatorPush")
			tc.edit(s)

			got := PerUserMFASkips(s)
			if !maps.Equal(got, tc.skip) {
				t.Errorf("skips %v, want %v", got, tc.skip)
			}
			for _, u := range s.Users {
				verdicts := map[Compliance]bool{}
				for _, state := range perUserStates {
					verdicts[complianceWith(t, s, u.ID, state)] = true
				}
				_, skipped := got[u.ID]
				if skipped && len(verdicts) != 1 {
					t.Errorf("%s is skipped, yet its per-user state changes its verdict: %v", u.ID, slices.Collect(maps.Keys(verdicts)))
				}
				if slices.Contains(tc.change, u.ID) && len(verdicts) < 2 {
					t.Errorf("%s: the case says a per-user state changes its verdict, but it is always %v", u.ID, slices.Collect(maps.Keys(verdicts)))
				}
			}
		})
	}
}

func TestPerUserMFASkipsWithoutPolicies(t *testing.T) {
	s := newSnapshot(person("alice"))
	s.SecurityDefaults = nil // could not be read
	delete(s.Present, CollPolicies)
	if got := PerUserMFASkips(s); len(got) != 0 {
		t.Errorf("with neither policies nor security defaults known, every state must be read; skips %v", got)
	}
	if got := PerUserMFASkips(nil); len(got) != 0 {
		t.Errorf("a nil snapshot skips %v", got)
	}
}
