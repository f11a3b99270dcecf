package inventory

import (
	"slices"
	"strings"
)

// policyRule is a Conditional Access policy compiled once per run: the
// account-independent causes are worked out once, the user conditions are
// turned into look-ups.
type policyRule struct {
	id, name string
	ref      string // "policy *name*", how every reason names it
	include  userSet
	exclude  userSet
	// static holds the causes that do not depend on the account: state,
	// apps, locations, other conditions, grant.
	static []Cause
	// grant holds the grant's causes alone. A policy whose grant does not
	// ask for MFA at all (block, compliant device only) never aimed to
	// enforce it: that one cause is all there is to say about it.
	grant     []Cause
	mfaIntent bool
	// unknownExclusions are exclusions by groups or roles whose members
	// could not be read.
	unknownExclusions []Cause
	riskBased         bool
	strength          *AuthStrength
	// shown is the name as reasons show it, with the risk-based mark;
	// starred is the name set off as in every cause.
	shown, starred string
}

// userSet is one side (include or exclude) of a policy's user conditions.
type userSet struct {
	all       bool
	allGuests bool // GuestsOrExternalUsers in the user list
	users     map[string]bool
	groups    []groupRef
	roles     []roleRef
	guests    *guestSet
}

type groupRef struct {
	idx  int32 // -1 when the tenant has no such group
	name string
}

type roleRef struct{ id, name string } // id is a lower-case template id

type guestSet struct {
	kinds      map[string]bool // lower-case guestOrExternalUserTypes
	allTenants bool
	tenants    []string
}

func (s *userSet) hasUser(a *Account) bool {
	return len(s.users) > 0 && s.users[a.lowerID()]
}

func (s *userSet) hasGroup(a *Account) int32 {
	for _, g := range s.groups {
		if g.idx >= 0 && a.Groups.has(g.idx) {
			return g.idx
		}
	}
	return -1
}

func (s *userSet) hasRole(a *Account) string {
	for _, r := range s.roles {
		if slices.Contains(a.RoleTemplateIDs, r.id) {
			return r.id
		}
	}
	return ""
}

func newUserSet(users, groups, roles []string, guests *GuestsOrExternalUsers, d *Directory) userSet {
	var s userSet
	for _, u := range users {
		switch {
		case strings.EqualFold(u, "All"):
			s.all = true
		case strings.EqualFold(u, "None"), u == "":
			// None includes (or excludes) nobody.
		case strings.EqualFold(u, "GuestsOrExternalUsers"):
			s.allGuests = true
		default:
			if s.users == nil {
				s.users = make(map[string]bool, len(users))
			}
			s.users[strings.ToLower(u)] = true
		}
	}
	for _, g := range groups {
		if g != "" {
			s.groups = append(s.groups, groupRef{idx: d.groups.lookup(g), name: d.groupName(g)})
		}
	}
	for _, r := range roles {
		if r != "" {
			t := d.templateOf(r)
			s.roles = append(s.roles, roleRef{id: t, name: d.roleName(t)})
		}
	}
	if guests != nil {
		gs := &guestSet{kinds: make(map[string]bool), allTenants: guests.ExternalTenantsAll, tenants: guests.ExternalTenantIDs}
		for _, k := range guests.Types {
			gs.kinds[strings.ToLower(strings.TrimSpace(k))] = true
		}
		if len(gs.tenants) == 0 {
			gs.tenants = []string{"none named"}
		}
		s.guests = gs
	}
	return s
}

func compilePolicy(p *Policy, d *Directory) *policyRule {
	name := p.DisplayName
	if name == "" {
		name = p.ID
	}
	if name == "" {
		name = "(unnamed policy)"
	}
	r := &policyRule{id: p.ID, name: name, ref: "policy *" + name + "*"}
	r.include = newUserSet(p.IncludeUsers, p.IncludeGroups, p.IncludeRoles, p.IncludeGuests, d)
	r.exclude = newUserSet(p.ExcludeUsers, p.ExcludeGroups, p.ExcludeRoles, p.ExcludeGuests, d)
	if !d.groupsKnown && len(r.exclude.groups) > 0 {
		r.unknownExclusions = append(r.unknownExclusions, Cause{Kind: CauseExcluded, ViaKind: "group", Via: joinRefs(r.exclude.groups),
			Text: r.ref + " excludes groups (" + joinRefs(r.exclude.groups) + ") whose members could not be read (groups were not available): counted as excluded"})
	}
	if !d.rolesKnown && len(r.exclude.roles) > 0 {
		names := make([]string, len(r.exclude.roles))
		for i, ro := range r.exclude.roles {
			names[i] = ro.name
		}
		r.unknownExclusions = append(r.unknownExclusions, Cause{Kind: CauseExcluded, ViaKind: "role", Via: strings.Join(names, ", "),
			Text: r.ref + " excludes roles (" + strings.Join(names, ", ") + ") whose holders could not be read (directory roles were not available): counted as excluded"})
	}
	r.riskBased = len(p.SignInRiskLevels) > 0 || len(p.UserRiskLevels) > 0
	r.shown, r.starred = name, "*"+name+"*"
	if r.riskBased {
		r.shown = name + " [" + RiskBasedMark + "]"
	}
	r.static = append(r.static, r.stateCauses(p)...)
	r.static = append(r.static, r.appCauses(p)...)
	r.static = append(r.static, r.locationCauses(p, d)...)
	r.static = append(r.static, r.conditionCauses(p)...)
	r.grant = r.grantCauses(p)
	r.static = append(r.static, r.grant...)
	return r
}

func joinRefs(gs []groupRef) string {
	names := make([]string, len(gs))
	for i, g := range gs {
		names[i] = g.name
	}
	return strings.Join(names, ", ")
}

func (r *policyRule) cause(kind CauseKind, summary, why string) Cause {
	text := r.ref + " " + summary
	if why != "" {
		text += ": " + why
	}
	return Cause{Kind: kind, Text: text, summary: summary}
}

// stateCauses: only "enabled" enforces; report-only, disabled and any
// state Graph may add later do not.
func (r *policyRule) stateCauses(p *Policy) []Cause {
	switch {
	case strings.EqualFold(p.State, "enabled"):
		return nil
	case strings.EqualFold(p.State, "enabledForReportingButNotEnforced"):
		return []Cause{r.cause(CauseReportOnly, "is report-only", "")}
	case strings.EqualFold(p.State, "disabled"):
		return []Cause{r.cause(CausePolicyDisabled, "is disabled", "")}
	case p.State == "":
		return []Cause{r.cause(CauseUnknownState, "has no state", "a policy is enforced only when its state is enabled")}
	}
	return []Cause{r.cause(CauseUnknownState, "has state "+quote(p.State), "a policy is enforced only when its state is enabled")}
}

// includeCauses judges a condition's include list: All reaches every
// sign-in, an empty list none (none: why), and anything else only what it
// lists (some says which and why that falls short).
func (r *policyRule) includeCauses(kind CauseKind, include []string, none, why string, some func() (string, string)) []Cause {
	switch {
	case containsFold(include, "All"):
		return nil
	case len(include) == 0:
		return []Cause{r.cause(kind, none, why)}
	}
	summary, short := some()
	return []Cause{r.cause(kind, summary, short)}
}

func (r *policyRule) appCauses(p *Policy) []Cause {
	out := r.includeCauses(CauseApps, p.IncludeApplications, "targets no cloud apps", "only user actions or authentication contexts, not every sign-in", func() (string, string) {
		return "covers only selected apps (" + strings.Join(p.IncludeApplications, ", ") + ")", "not every cloud app"
	})
	if len(p.ExcludeApplications) > 0 {
		out = append(out, r.cause(CauseApps, "excludes apps ("+strings.Join(p.ExcludeApplications, ", ")+")", "sign-ins to them go without MFA"))
	}
	return out
}

func (r *policyRule) locationCauses(p *Policy, d *Directory) []Cause {
	if !p.HasLocations {
		return nil
	}
	out := r.includeCauses(CauseLocations, p.IncludeLocations, "names no included location", "it reaches no sign-in", func() (string, string) {
		names := make([]string, len(p.IncludeLocations))
		for i, l := range p.IncludeLocations {
			names[i] = locationLabel(l, d)
		}
		return "applies only at some locations (" + strings.Join(names, ", ") + ")", "sign-ins from anywhere else go without MFA"
	})
	for _, l := range p.ExcludeLocations {
		_, trusted := d.locationName(l)
		if strings.EqualFold(l, "AllTrusted") || trusted {
			out = append(out, r.cause(CauseLocations, "excludes trusted locations ("+locationLabel(l, d)+")", "an internal network is not a safe place"))
			continue
		}
		out = append(out, r.cause(CauseLocations, "excludes location "+locationLabel(l, d), "sign-ins from there go without MFA"))
	}
	return out
}

func locationLabel(id string, d *Directory) string {
	switch {
	case strings.EqualFold(id, "AllTrusted"):
		return "AllTrusted"
	case strings.EqualFold(id, "All"):
		return "all locations"
	}
	n, _ := d.locationName(id)
	return "*" + n + "*"
}

// allClientApps are the four client app types that together mean "all".
var allClientApps = []string{"browser", "mobileAppsAndDesktopClients", "exchangeActiveSync", "other"}

func (r *policyRule) conditionCauses(p *Policy) []Cause {
	var out []Cause
	if p.HasPlatforms && !(containsFold(p.IncludePlatforms, "all") && len(p.ExcludePlatforms) == 0) {
		switch {
		case len(p.ExcludePlatforms) > 0:
			out = append(out, r.cause(CauseConditions, "excludes platforms "+strings.Join(p.ExcludePlatforms, ", "), "sign-ins from them go without MFA"))
		case len(p.IncludePlatforms) == 0:
			out = append(out, r.cause(CauseConditions, "names no included platform", "it reaches no sign-in"))
		}
		if len(p.IncludePlatforms) > 0 && !containsFold(p.IncludePlatforms, "all") {
			out = append(out, r.cause(CauseConditions, "applies only to platforms "+strings.Join(p.IncludePlatforms, ", "), "other platforms go without MFA"))
		}
	}
	if p.DeviceFilter != "" {
		out = append(out, r.cause(CauseConditions, "has a device filter ("+p.DeviceFilter+")", "devices on the wrong side of it go without MFA"))
	}
	if len(p.ClientAppTypes) > 0 && !containsFold(p.ClientAppTypes, "all") {
		var missing []string
		for _, t := range allClientApps {
			if !containsFold(p.ClientAppTypes, t) {
				missing = append(missing, t)
			}
		}
		if len(missing) > 0 {
			out = append(out, r.cause(CauseConditions, "applies only to client apps "+strings.Join(p.ClientAppTypes, ", "),
				strings.Join(missing, ", ")+" go without MFA"))
		}
	}
	for _, c := range p.OtherConditions {
		out = append(out, r.cause(CauseConditions, "has a condition mfaboard cannot evaluate ("+c+")", "it cannot be assumed to reach every sign-in"))
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
