package inventory

import (
	"strings"
	"testing"
)

// coverageTenant is the directory the coverage table runs against.
func coverageTenant() *Snapshot {
	s := newSnapshot(
		person("u-plain"),
		person("u-contractor"),
		person("u-admin"),
		person("u-cycle"),
		withName(User{ID: "u-guest", UserType: "Guest", AccountEnabled: true}, "Jane Doe", "jane_fabrikam.com#EXT#@contoso.onmicrosoft.com"),
		withName(User{ID: "u-b2bmember", UserType: "Member", AccountEnabled: true}, "Tom Becker", "tom_northwind.com#EXT#@contoso.onmicrosoft.com"),
		withName(User{ID: "u-internalguest", UserType: "Guest", AccountEnabled: true}, "Ext Pieter", "ext.pieter@contoso.com"),
	)
	s.Groups = []Group{
		{ID: "g-excl", DisplayName: "MFA Exclusions", MemberGroupIDs: []string{"g-contr"}},
		{ID: "g-contr", DisplayName: "Contractors EU", MemberUserIDs: []string{"u-contractor"}},
		{ID: "g-cyc-a", DisplayName: "Cycle A", MemberGroupIDs: []string{"g-cyc-b"}, MemberUserIDs: []string{"u-cycle"}},
		{ID: "g-cyc-b", DisplayName: "Cycle B", MemberGroupIDs: []string{"g-cyc-a", "g-cyc-b"}},
	}
	s.Roles = []DirectoryRole{
		{ID: "role-obj-ga", TemplateID: RoleGlobalAdministrator, DisplayName: "Global Administrator", MemberIDs: []string{"u-admin"}},
	}
	s.NamedLocations = []NamedLocation{
		{ID: "loc-hq", DisplayName: "HQ network", IsTrusted: true, Kind: "ip"},
		{ID: "loc-no", DisplayName: "Norway", Kind: "country"},
	}
	return s
}

// coverageCase is one row of the coverage tables.
type coverageCase struct {
	name    string
	policy  Policy
	account string
	covers  bool
	// causes are fragments that must each appear in some cause.
	causes []string
	kinds  []CauseKind
}

// runCoverage checks each case against the coverage tenant.
func runCoverage(t *testing.T, tests []coverageCase) {
	t.Helper()
	s := coverageTenant()
	d := NewDirectory(s)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a Account
			for _, u := range s.Users {
				if u.ID == tt.account {
					a = d.Account(u)
				}
			}
			c := CoverageOf(tt.policy, a, d)
			if c.Covers != tt.covers {
				t.Fatalf("Covers = %v, want %v; causes %q", c.Covers, tt.covers, c.Reasons())
			}
			if tt.covers && len(c.Causes) != 0 {
				t.Errorf("a covering policy has causes %q", c.Reasons())
			}
			if !tt.covers && len(c.Causes) == 0 {
				t.Errorf("a policy that does not cover must say why")
			}
			for _, f := range tt.causes {
				if !hasReason(c.Reasons(), f) {
					t.Errorf("no cause contains %q; causes %q", f, c.Reasons())
				}
			}
			if tt.kinds != nil {
				var got []CauseKind
				for _, cause := range c.Causes {
					got = append(got, cause.Kind)
				}
				if !sameKinds(got, tt.kinds) {
					t.Errorf("kinds %v, want %v", got, tt.kinds)
				}
			}
		})
	}
}

// TestCoverageOfUsers: who a policy includes and excludes.
func TestCoverageOfUsers(t *testing.T) {
	t.Parallel()
	const ca = "CA001 - Require MFA for all users"
	runCoverage(t, []coverageCase{
		{name: "all users, all apps, mfa", policy: requireMFA(ca), account: "u-plain", covers: true},
		{name: "all users include guests", policy: requireMFA(ca), account: "u-guest", covers: true},
		{name: "None includes nobody", account: "u-plain",
			policy: requireMFA(ca, func(p *Policy) { p.IncludeUsers = []string{"None"} }),
			causes: []string{"policy *" + ca + "* does not include this account"}, kinds: []CauseKind{CauseNotIncluded}},
		{name: "user by id, ids ignore case", account: "u-plain", covers: true,
			policy: requireMFA(ca, func(p *Policy) { p.IncludeUsers = []string{"U-PLAIN"} })},
		{name: "another user by id", account: "u-admin",
			policy: requireMFA(ca, func(p *Policy) { p.IncludeUsers = []string{"u-plain"} }), kinds: []CauseKind{CauseNotIncluded}},
		{name: "include nested group", account: "u-contractor", covers: true,
			policy: requireMFA(ca, func(p *Policy) { p.IncludeUsers = nil; p.IncludeGroups = []string{"g-excl"} })},
		{name: "include group reaches no outsider", account: "u-plain",
			policy: requireMFA(ca, func(p *Policy) { p.IncludeUsers = nil; p.IncludeGroups = []string{"g-excl"} }), kinds: []CauseKind{CauseNotIncluded}},
		{name: "include through a group cycle", account: "u-cycle", covers: true,
			policy: requireMFA(ca, func(p *Policy) { p.IncludeUsers = nil; p.IncludeGroups = []string{"g-cyc-b"} })},
		{name: "exclude nested group", account: "u-contractor",
			policy: requireMFA(ca, func(p *Policy) { p.ExcludeGroups = []string{"g-excl"} }),
			causes: []string{"excluded from policy *" + ca + "* by group *MFA Exclusions* (through group *Contractors EU*)"},
			kinds:  []CauseKind{CauseExcluded}},
		{name: "exclude direct group", account: "u-contractor",
			policy: requireMFA(ca, func(p *Policy) { p.ExcludeGroups = []string{"g-contr"} }),
			causes: []string{"excluded from policy *" + ca + "* by group *Contractors EU*"}},
		{name: "exclude group spares others", account: "u-plain", covers: true,
			policy: requireMFA(ca, func(p *Policy) { p.ExcludeGroups = []string{"g-excl"} })},
		{name: "exclude unknown group spares everyone", account: "u-plain", covers: true,
			policy: requireMFA(ca, func(p *Policy) { p.ExcludeGroups = []string{"g-deleted"} })},
		{name: "include role by template id", account: "u-admin", covers: true,
			policy: requireMFA(ca, func(p *Policy) { p.IncludeUsers = nil; p.IncludeRoles = []string{RoleGlobalAdministrator} })},
		{name: "include role reaches no one else", account: "u-plain",
			policy: requireMFA(ca, func(p *Policy) { p.IncludeUsers = nil; p.IncludeRoles = []string{RoleGlobalAdministrator} }), kinds: []CauseKind{CauseNotIncluded}},
		{name: "exclude role by template id", account: "u-admin",
			policy: requireMFA(ca, func(p *Policy) { p.ExcludeRoles = []string{RoleGlobalAdministrator} }),
			causes: []string{"excluded from policy *" + ca + "* by role *Global Administrator*"}},
		{name: "exclude role named by its object id", account: "u-admin",
			policy: requireMFA(ca, func(p *Policy) { p.ExcludeRoles = []string{"role-obj-ga"} }),
			causes: []string{"by role *Global Administrator*"}},
		{name: "exclude by name", account: "u-plain",
			policy: requireMFA(ca, func(p *Policy) { p.ExcludeUsers = []string{"u-plain"} }),
			causes: []string{"excluded from policy *" + ca + "* by name"}},
		{name: "exclude All", account: "u-plain",
			policy: requireMFA(ca, func(p *Policy) { p.ExcludeUsers = []string{"All"} }),
			causes: []string{"excludes all users"}},
		{name: "exclude None excludes nobody", account: "u-plain", covers: true,
			policy: requireMFA(ca, func(p *Policy) { p.ExcludeUsers = []string{"None"} })},

		// Guests and external users.
		{name: "GuestsOrExternalUsers includes a b2b guest", account: "u-guest", covers: true,
			policy: requireMFA(ca, func(p *Policy) { p.IncludeUsers = []string{"GuestsOrExternalUsers"} })},
		{name: "GuestsOrExternalUsers includes a b2b member", account: "u-b2bmember", covers: true,
			policy: requireMFA(ca, func(p *Policy) { p.IncludeUsers = []string{"GuestsOrExternalUsers"} })},
		{name: "GuestsOrExternalUsers includes an internal guest", account: "u-internalguest", covers: true,
			policy: requireMFA(ca, func(p *Policy) { p.IncludeUsers = []string{"GuestsOrExternalUsers"} })},
		{name: "GuestsOrExternalUsers does not include a member", account: "u-plain",
			policy: requireMFA(ca, func(p *Policy) { p.IncludeUsers = []string{"GuestsOrExternalUsers"} }), kinds: []CauseKind{CauseNotIncluded}},
		{name: "GuestsOrExternalUsers excludes an internal guest", account: "u-internalguest",
			policy: requireMFA(ca, func(p *Policy) { p.ExcludeUsers = []string{"GuestsOrExternalUsers"} }),
			causes: []string{"excludes guests and external users (GuestsOrExternalUsers), and this account is a internalGuest"}},
		{name: "GuestsOrExternalUsers exclusion spares members", account: "u-plain", covers: true,
			policy: requireMFA(ca, func(p *Policy) { p.ExcludeUsers = []string{"GuestsOrExternalUsers"} })},
		{name: "guest object includes its kind", account: "u-guest", covers: true,
			policy: requireMFA(ca, func(p *Policy) {
				p.IncludeUsers = nil
				p.IncludeGuests = &GuestsOrExternalUsers{Types: []string{"b2bCollaborationGuest"}, ExternalTenantsAll: true}
			})},
		{name: "guest object does not include other kinds", account: "u-b2bmember",
			policy: requireMFA(ca, func(p *Policy) {
				p.IncludeUsers = nil
				p.IncludeGuests = &GuestsOrExternalUsers{Types: []string{"b2bCollaborationGuest"}, ExternalTenantsAll: true}
			}), kinds: []CauseKind{CauseNotIncluded}},
		{name: "guest object includes b2b members", account: "u-b2bmember", covers: true,
			policy: requireMFA(ca, func(p *Policy) {
				p.IncludeUsers = nil
				p.IncludeGuests = &GuestsOrExternalUsers{Types: []string{"b2bCollaborationMember", "b2bDirectConnectUser"}, ExternalTenantsAll: true}
			})},
		{name: "guest object includes internal guests", account: "u-internalguest", covers: true,
			policy: requireMFA(ca, func(p *Policy) {
				p.IncludeUsers = nil
				p.IncludeGuests = &GuestsOrExternalUsers{Types: []string{"internalGuest"}, ExternalTenantsAll: true}
			})},
		{name: "guest object of enumerated tenants does not include", account: "u-guest",
			policy: requireMFA(ca, func(p *Policy) {
				p.IncludeUsers = nil
				p.IncludeGuests = &GuestsOrExternalUsers{Types: []string{"b2bCollaborationGuest"}, ExternalTenantIDs: []string{"tenant-fabrikam"}}
			}),
			causes: []string{"of only some external tenants (tenant-fabrikam), which cannot be matched from this data"},
			kinds:  []CauseKind{CauseNotIncluded}},
		{name: "guest object excludes its kind", account: "u-guest",
			policy: requireMFA(ca, func(p *Policy) {
				p.ExcludeGuests = &GuestsOrExternalUsers{Types: []string{"internalGuest", "b2bCollaborationGuest"}, ExternalTenantsAll: true}
			}),
			causes: []string{"excludes b2bCollaborationGuest accounts of every external tenant"}, kinds: []CauseKind{CauseExcluded}},
		{name: "guest object of enumerated tenants excludes, saying so", account: "u-guest",
			policy: requireMFA(ca, func(p *Policy) {
				p.ExcludeGuests = &GuestsOrExternalUsers{Types: []string{"b2bCollaborationGuest"}, ExternalTenantIDs: []string{"t-1", "t-2"}}
			}),
			causes: []string{"of some external tenants (t-1, t-2)", "cannot be read from this data, so it counts as excluded"}},
		{name: "guest exclusion spares members", account: "u-plain", covers: true,
			policy: requireMFA(ca, func(p *Policy) {
				p.ExcludeGuests = &GuestsOrExternalUsers{Types: []string{"b2bCollaborationGuest", "b2bCollaborationMember", "internalGuest"}, ExternalTenantsAll: true}
			})},

		// Every cause, not only the first.
		{name: "every cause is listed", account: "u-contractor",
			policy: requireMFA("CA009", func(p *Policy) {
				p.State = "enabledForReportingButNotEnforced"
				p.ExcludeGroups = []string{"g-excl"}
				p.ExcludeUsers = []string{"u-contractor"}
				p.HasLocations, p.IncludeLocations, p.ExcludeLocations = true, []string{"All"}, []string{"AllTrusted"}
				p.BuiltInControls = []string{"mfa", "compliantDevice"}
			}),
			causes: []string{"is report-only", "by name", "through group *Contractors EU*", "AllTrusted", "compliant device"},
			kinds:  []CauseKind{CauseExcluded, CauseExcluded, CauseReportOnly, CauseLocations, CauseGrant}},
	})
}

func sameKinds(a, b []CauseKind) bool {
	count := map[CauseKind]int{}
	for _, k := range a {
		count[k]++
	}
	for _, k := range b {
		count[k]--
	}
	for _, n := range count {
		if n != 0 {
			return false
		}
	}
	return true
}

func TestCoverageMarksRiskAndStrength(t *testing.T) {
	t.Parallel()
	s := coverageTenant()
	d := NewDirectory(s)
	a := d.Account(s.Users[0])
	risky := CoverageOf(requireMFA("CA008", func(p *Policy) { p.UserRiskLevels = []string{"high"} }), a, d)
	if !risky.Covers || !risky.RiskBased {
		t.Errorf("user-risk policy: covers %v, risk-based %v", risky.Covers, risky.RiskBased)
	}
	if plain := CoverageOf(requireMFA("CA001"), a, d); plain.RiskBased || plain.AuthStrength != nil {
		t.Errorf("plain MFA policy marked risk-based or strength: %+v", plain)
	}
	strength := &AuthStrength{DisplayName: "Phishing-resistant MFA", AllowedCombinations: []string{"fido2"}}
	tests := []struct {
		name     string
		controls []string
		operator string
		want     *AuthStrength
	}{
		{"strength alone", nil, "OR", strength},
		{"strength AND mfa", []string{"mfa"}, "AND", strength},
		{"strength OR mfa: plain MFA is enough", []string{"mfa"}, "OR", nil},
	}
	for _, tt := range tests {
		c := CoverageOf(requireMFA("CA006", func(p *Policy) {
			p.BuiltInControls, p.GrantOperator, p.AuthStrength = tt.controls, tt.operator, strength
		}), a, d)
		if !c.Covers || c.AuthStrength != tt.want {
			t.Errorf("%s: covers %v, strength %v, want %v", tt.name, c.Covers, c.AuthStrength, tt.want)
		}
	}
}

func TestCoverageWhenMembershipCannotBeRead(t *testing.T) {
	t.Parallel()
	s := coverageTenant()
	delete(s.Present, CollGroups)
	delete(s.Present, CollDirectoryRoles)
	s.Groups, s.Roles = nil, nil
	d := NewDirectory(s)
	a := d.Account(s.Users[0]) // u-plain, in no group
	c := CoverageOf(requireMFA("CA001", func(p *Policy) { p.ExcludeGroups = []string{"g-excl"} }), a, d)
	if c.Covers || !hasReason(c.Reasons(), "whose members could not be read (groups were not available): counted as excluded") {
		t.Errorf("groups unknown: covers %v, %q", c.Covers, c.Reasons())
	}
	c = CoverageOf(requireMFA("CA002", func(p *Policy) { p.ExcludeRoles = []string{RoleGlobalAdministrator} }), a, d)
	if c.Covers || !hasReason(c.Reasons(), "Global Administrator", "directory roles were not available") {
		t.Errorf("roles unknown: covers %v, %q", c.Covers, c.Reasons())
	}
	if c := CoverageOf(requireMFA("CA001"), a, d); !c.Covers {
		t.Errorf("a policy without group or role exclusions still covers: %q", c.Reasons())
	}
}

func TestCauseTextsNameThePolicy(t *testing.T) {
	t.Parallel()
	s := coverageTenant()
	d := NewDirectory(s)
	a := d.Account(s.Users[1])
	c := CoverageOf(requireMFA("", func(p *Policy) { p.ID = ""; p.ExcludeGroups = []string{"g-contr"} }), a, d)
	if c.Covers || !strings.Contains(c.Causes[0].Text, "*(unnamed policy)*") {
		t.Errorf("an unnamed policy still gets a name in reasons: %q", c.Reasons())
	}
	if c.Causes[0].Via != "Contractors EU" || c.Causes[0].ViaKind != "group" {
		t.Errorf("via = %q (%s), want the excluded group", c.Causes[0].Via, c.Causes[0].ViaKind)
	}
}
