package demo

import (
	"fmt"
	"slices"

	"github.com/mfaboard/mfaboard/inventory"
)

// variation is a kind of policy partners add over the years: a title and
// what it sets on a policy that targets group (and excludes part of it).
type variation struct {
	title string // "%s" takes the target group's name
	state string
	apply func(g *generator, p *inventory.Policy, target, part string)
}

var variations = []variation{
	{"Require MFA for %s", stateEnabled, func(g *generator, p *inventory.Policy, target, part string) {
		p.IncludeGroups, p.ExcludeGroups = []string{target}, []string{part}
		grant(p, "OR", "mfa")
	}},
	{"Require MFA for %s (report-only)", stateReportOnly, func(g *generator, p *inventory.Policy, target, part string) {
		p.IncludeGroups = []string{target}
		grant(p, "OR", "mfa")
	}},
	{"Require compliant device for %s", stateEnabled, func(g *generator, p *inventory.Policy, target, part string) {
		p.IncludeGroups = []string{target}
		grant(p, "OR", "compliantDevice", "domainJoinedDevice")
	}},
	{"Require MFA on mobile for %s", stateEnabled, func(g *generator, p *inventory.Policy, target, part string) {
		p.IncludeGroups = []string{target}
		p.HasPlatforms, p.IncludePlatforms = true, []string{"android", "iOS"}
		grant(p, "OR", "mfa")
	}},
	{"Require MFA on unmanaged devices for %s", stateEnabled, func(g *generator, p *inventory.Policy, target, part string) {
		p.IncludeGroups = []string{target}
		p.DeviceFilter = `device.isCompliant -ne True -and device.trustType -ne "ServerAD"`
		grant(p, "OR", "mfa")
	}},
	{"Require MFA strength for %s", stateEnabled, func(g *generator, p *inventory.Policy, target, part string) {
		p.IncludeGroups, p.ExcludeGroups = []string{target}, []string{part}
		s := strengthMFA
		s.AllowedCombinations = slices.Clone(s.AllowedCombinations)
		p.HasGrant, p.GrantOperator, p.AuthStrength = true, "OR", &s
	}},
	{"Require MFA for Office 365 - %s", stateEnabled, func(g *generator, p *inventory.Policy, target, part string) {
		p.IncludeGroups = []string{target}
		p.IncludeApplications = []string{"Office365"}
		grant(p, "AND", "mfa")
	}},
	{"Block legacy authentication for %s", stateEnabled, func(g *generator, p *inventory.Policy, target, part string) {
		p.IncludeGroups = []string{target}
		p.ClientAppTypes = []string{"exchangeActiveSync", "other"}
		grant(p, "OR", "block")
	}},
	{"High user risk requires password change - %s", stateEnabled, func(g *generator, p *inventory.Policy, target, part string) {
		p.IncludeGroups = []string{target}
		p.UserRiskLevels = []string{"high"}
		grant(p, "AND", "mfa", "passwordChange")
	}},
	{"Require MFA outside HQ for %s", stateEnabled, func(g *generator, p *inventory.Policy, target, part string) {
		p.IncludeGroups = []string{target}
		p.HasLocations, p.IncludeLocations = true, []string{"All"}
		p.ExcludeLocations = []string{g.locationID(locationHQ)}
		grant(p, "OR", "mfa")
	}},
	{"Require MFA for %s (old)", stateDisabled, func(g *generator, p *inventory.Policy, target, part string) {
		p.IncludeGroups = []string{target}
		grant(p, "OR", "mfa")
	}},
	{"Block device code flow for %s", stateEnabled, func(g *generator, p *inventory.Policy, target, part string) {
		p.IncludeGroups = []string{target}
		p.OtherConditions = []string{"authenticationFlows"}
		grant(p, "OR", "block")
	}},
	{"Require MFA for all users except %s", stateEnabled, func(g *generator, p *inventory.Policy, target, part string) {
		p.IncludeUsers, p.ExcludeGroups = []string{"All"}, []string{target}
		grant(p, "OR", "mfa")
	}},
	{"Require MFA for guests and %s", stateEnabled, func(g *generator, p *inventory.Policy, target, part string) {
		p.IncludeUsers, p.IncludeGroups = []string{"GuestsOrExternalUsers"}, []string{target}
		p.ExcludeGroups = []string{part}
		grant(p, "OR", "mfa")
	}},
}

// guestVariation is the one kind whose title names a guest company rather
// than a group.
var guestVariation = variation{"Require MFA for guests from %s", stateEnabled, func(g *generator, p *inventory.Policy, target, part string) {
	// Names some tenants only: DOMAIN.md's case that cannot be matched.
	p.IncludeGuests = &inventory.GuestsOrExternalUsers{
		Types:             []string{"b2bCollaborationGuest", "b2bCollaborationMember"},
		ExternalTenantIDs: []string{g.idFor("externalTenant", p.DisplayName)},
	}
	grant(p, "OR", "mfa")
}}

func grant(p *inventory.Policy, operator string, controls ...string) {
	p.HasGrant, p.GrantOperator, p.BuiltInControls = true, operator, controls
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
