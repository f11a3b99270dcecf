package demo

import (
	"fmt"
	"slices"

	"github.com/mfaboard/mfaboard/inventory"
)

// variation is a kind of policy partners add over the years: a title, the
// grant it asks for, and how it aims at a group (and excludes part of it).
type variation struct {
	title    string // "%s" takes the target group's name
	state    string
	operator string   // the grant's operator
	controls []string // the grant's built-in controls
	aim      func(g *generator, p *inventory.Policy, target, part string)
}

var mfaOnly = []string{"mfa"}

// include aims a policy at the target group; includeExcept excludes part
// of it too.
func include(_ *generator, p *inventory.Policy, target, _ string) {
	p.IncludeGroups = []string{target}
}

func includeExcept(_ *generator, p *inventory.Policy, target, part string) {
	p.IncludeGroups, p.ExcludeGroups = []string{target}, []string{part}
}

var variations = []variation{
	{"Require MFA for %s", stateEnabled, "OR", mfaOnly, includeExcept},
	{"Require MFA for %s (report-only)", stateReportOnly, "OR", mfaOnly, include},
	{"Require compliant device for %s", stateEnabled, "OR", []string{"compliantDevice", "domainJoinedDevice"}, include},
	{"Require MFA on mobile for %s", stateEnabled, "OR", mfaOnly, func(g *generator, p *inventory.Policy, target, part string) {
		include(g, p, target, part)
		p.HasPlatforms, p.IncludePlatforms = true, []string{"android", "iOS"}
	}},
	{"Require MFA on unmanaged devices for %s", stateEnabled, "OR", mfaOnly, func(g *generator, p *inventory.Policy, target, part string) {
		include(g, p, target, part)
		p.DeviceFilter = `device.isCompliant -ne True -and device.trustType -ne "ServerAD"`
	}},
	{"Require MFA strength for %s", stateEnabled, "OR", nil, func(g *generator, p *inventory.Policy, target, part string) {
		includeExcept(g, p, target, part)
		s := strengthMFA
		s.AllowedCombinations = slices.Clone(s.AllowedCombinations)
		p.AuthStrength = &s
	}},
	{"Require MFA for Office 365 - %s", stateEnabled, "AND", mfaOnly, func(g *generator, p *inventory.Policy, target, part string) {
		include(g, p, target, part)
		p.IncludeApplications = []string{"Office365"}
	}},
	{"Block legacy authentication for %s", stateEnabled, "OR", []string{"block"}, func(g *generator, p *inventory.Policy, target, part string) {
		include(g, p, target, part)
		p.ClientAppTypes = []string{"exchangeActiveSync", "other"}
	}},
	{"High user risk requires password change - %s", stateEnabled, "AND", []string{"mfa", "passwordChange"}, func(g *generator, p *inventory.Policy, target, part string) {
		include(g, p, target, part)
		p.UserRiskLevels = []string{"high"}
	}},
	{"Require MFA outside HQ for %s", stateEnabled, "OR", mfaOnly, func(g *generator, p *inventory.Policy, target, part string) {
		include(g, p, target, part)
		p.HasLocations, p.IncludeLocations = true, []string{"All"}
		p.ExcludeLocations = []string{g.locationID(locationHQ)}
	}},
	{"Require MFA for %s (old)", stateDisabled, "OR", mfaOnly, include},
	{"Block device code flow for %s", stateEnabled, "OR", []string{"block"}, func(g *generator, p *inventory.Policy, target, part string) {
		include(g, p, target, part)
		p.OtherConditions = []string{"authenticationFlows"}
	}},
	{"Require MFA for all users except %s", stateEnabled, "OR", mfaOnly, func(_ *generator, p *inventory.Policy, target, _ string) {
		p.IncludeUsers, p.ExcludeGroups = []string{"All"}, []string{target}
	}},
	{"Require MFA for guests and %s", stateEnabled, "OR", mfaOnly, func(g *generator, p *inventory.Policy, target, part string) {
		includeExcept(g, p, target, part)
		p.IncludeUsers = []string{"GuestsOrExternalUsers"}
	}},
}

// guestVariation is the one kind whose title names a guest company rather
// than a group.
var guestVariation = variation{"Require MFA for guests from %s", stateEnabled, "OR", mfaOnly, func(g *generator, p *inventory.Policy, _, _ string) {
	// Names some tenants only: DOMAIN.md's case that cannot be matched.
	p.IncludeGuests = &inventory.GuestsOrExternalUsers{
		Types:             []string{"b2bCollaborationGuest", "b2bCollaborationMember"},
		ExternalTenantIDs: []string{g.idFor("externalTenant", p.DisplayName)},
	}
}}

// apply makes p the variation's policy for target (and part of it).
func (v variation) apply(g *generator, p *inventory.Policy, target, part string) {
	v.aim(g, p, target, part)
	p.HasGrant, p.GrantOperator, p.BuiltInControls = true, v.operator, slices.Clone(v.controls)
}

// policyVariations adds generated policies up to the asked count. Each
// targets a group tree's root and, where the kind excludes, a group nested
// somewhere below it, so that resolving nested groups decides who is
// covered.
func (g *generator) policyVariations() {
	var roots []int // indexes into genGroups
	for i, gg := range g.genGroups {
		if gg.level == 0 {
			roots = append(roots, i)
		}
	}
	for n := len(g.snap.Policies); n < g.opts.Policies; n++ {
		target, part, subject := g.variationTargets(roots)
		v := guestVariation
		if k := (n - DemoPolicies) % (len(variations) + 1); k < len(variations) {
			v = variations[k]
		} else {
			subject = pick(g, guestCompanies).name
		}
		name := fmt.Sprintf("CA%03d - "+v.title, n+1, subject)
		p := g.policy(name, v.state)
		v.apply(g, p, target, part)
	}
}

// variationTargets picks a generated tree's root and a group nested inside
// it, or, with no generated groups (or a tree of one), a department and the
// contractors.
func (g *generator) variationTargets(roots []int) (target, part, targetName string) {
	part = g.groupID(groupContractors)
	if len(roots) == 0 {
		name := deptGroupPrefix + departments[g.rng.IntN(len(departments))].Name
		return g.groupID(name), part, name
	}
	r := g.rng.IntN(len(roots))
	first, end := roots[r], len(g.genGroups)
	if r+1 < len(roots) {
		end = roots[r+1]
	}
	if end-first > 1 {
		inside := first + 1 + g.rng.IntN(end-first-1)
		part = g.snap.Groups[g.genGroups[inside].index].ID
	}
	root := g.snap.Groups[g.genGroups[first].index]
	return root.ID, part, root.DisplayName
}
