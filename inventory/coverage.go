package inventory

import (
	"slices"
	"strings"
)

// CauseKind sorts the reasons a policy does not cover an account, so the
// tenant view can add them up into gaps.
type CauseKind string

const (
	CausePolicyDisabled CauseKind = "policy_disabled"
	CauseReportOnly     CauseKind = "report_only"
	CauseUnknownState   CauseKind = "unknown_state"
	CauseNotIncluded    CauseKind = "not_included"
	CauseExcluded       CauseKind = "excluded"
	CauseApps           CauseKind = "apps"
	CauseLocations      CauseKind = "locations"
	CauseConditions     CauseKind = "conditions"
	CauseGrant          CauseKind = "grant"
)

// stateKinds are the causes that only the policy's state is behind: fixing
// the state alone would make the policy cover.
func (k CauseKind) isState() bool {
	return k == CausePolicyDisabled || k == CauseReportOnly || k == CauseUnknownState
}

// Cause is one reason a policy does not cover an account, in words that name
// the policy and the group, role or location behind it. Names are set off
// with asterisks (*CA001*) so a view can emphasise them.
type Cause struct {
	Kind CauseKind
	Text string
	// Via is the group, role, location or user the policy names that is
	// behind the cause, "" when none is; ViaKind says which ("group",
	// "role", "user", "guests", "location").
	Via     string
	ViaKind string
	// summary is the cause without the policy's name, for tenant gaps.
	summary string
}

// Coverage is the answer to "does this policy enforce MFA on this account?"
type Coverage struct {
	PolicyID string
	Policy   string // display name
	// Included is true when the policy's user conditions reach the account,
	// before exclusions.
	Included bool
	Covers   bool
	// RiskBased is true when the policy applies only to risky sign-ins or
	// users ("risk-based (Identity Protection)").
	RiskBased bool
	// AuthStrength is the strength the account must meet for the policy to
	// let it in, nil when plain MFA is enough.
	AuthStrength *AuthStrength
	// Causes lists every reason the policy does not cover, empty when it
	// does. Coverages of one policy may share it: read it, do not write.
	Causes []Cause
}

// Reasons returns the causes as sentences.
func (c Coverage) Reasons() []string {
	out := make([]string, len(c.Causes))
	for i, cause := range c.Causes {
		out[i] = cause.Text
	}
	return out
}

// CoverageOf applies DOMAIN.md §3 to one policy and one account: the policy
// covers when it is enabled, includes the account without excluding it, reaches
// every cloud app from every location, platform, device and client app, and
// its grant requires MFA. When it does not cover, every cause is given.
func CoverageOf(p Policy, a Account, d *Directory) Coverage {
	r := compilePolicy(&p, d)
	c := r.cover(&a, true)
	if !c.Included && len(c.Causes) == 0 {
		c.Causes = []Cause{{Kind: CauseNotIncluded, Text: r.ref + " does not include this account", summary: "does not include"}}
	}
	return c
}

// cover decides coverage. Without explain it stops at the first obstacle
// and writes no words: most accounts are covered or not included, and an
// assessment of a large tenant asks this of every policy for every account.
func (r *policyRule) cover(a *Account, explain bool) Coverage {
	c := Coverage{PolicyID: r.id, Policy: r.name, RiskBased: r.riskBased}
	inc, note := r.includes(a, explain)
	if !inc {
		if note != nil {
			c.Causes = []Cause{*note}
		}
		return c
	}
	c.Included = true
	switch {
	case !explain:
		excluded, _ := r.excludes(a, false)
		c.Covers = !excluded && len(r.static) == 0
	case !r.mfaIntent:
		c.Causes = slices.Clip(r.grant)
	default:
		_, causes := r.excludes(a, true)
		if causes == nil {
			// Most accounts share the policy's own causes: one slice for
			// all of them, clipped so an append by a reader copies it.
			c.Causes = slices.Clip(r.static)
		} else {
			c.Causes = append(causes, r.static...)
		}
		c.Covers = len(c.Causes) == 0
	}
	if c.Covers {
		c.AuthStrength = r.strength
	}
	return c
}

// includes applies the include side of the user conditions. note explains
// a guest include that could not be matched from the data.
func (r *policyRule) includes(a *Account, explain bool) (bool, *Cause) {
	if r.include.all || r.include.hasUser(a) {
		return true, nil
	}
	if a.Guest != NotGuest && r.include.allGuests {
		return true, nil
	}
	if r.include.hasGroup(a) >= 0 || r.include.hasRole(a) != "" {
		return true, nil
	}
	if g := r.include.guests; g != nil && a.Guest != NotGuest && g.kinds[strings.ToLower(string(a.Guest))] {
		if g.allTenants {
			return true, nil
		}
		if explain {
			return false, &Cause{Kind: CauseNotIncluded, ViaKind: "guests", Via: string(a.Guest),
				Text: r.ref + " includes " + string(a.Guest) + " accounts of only some external tenants (" +
					strings.Join(g.tenants, ", ") + "), which cannot be matched from this data: it does not count",
				summary: "includes guests of only some external tenants"}
		}
	}
	return false, nil
}

// excludes applies the exclude side. Without explain it answers at the
// first exclusion found; with it, it lists every one.
func (r *policyRule) excludes(a *Account, explain bool) (bool, []Cause) {
	var causes []Cause
	add := func(c Cause) bool {
		causes = append(causes, c)
		return !explain
	}
	x := &r.exclude
	if x.all && add(Cause{Kind: CauseExcluded, ViaKind: "user", Via: "All",
		Text: r.ref + " excludes all users", summary: "excludes all users"}) {
		return true, nil
	}
	if x.hasUser(a) && add(Cause{Kind: CauseExcluded, ViaKind: "user", Via: a.UserPrincipalName,
		Text: "excluded from " + r.ref + " by name", summary: "excludes by name"}) {
		return true, nil
	}
	if a.Guest != NotGuest && x.allGuests && add(Cause{Kind: CauseExcluded, ViaKind: "guests", Via: "GuestsOrExternalUsers",
		Text:    r.ref + " excludes guests and external users (GuestsOrExternalUsers), and this account is a " + string(a.Guest),
		summary: "excludes guests and external users"}) {
		return true, nil
	}
	for _, g := range x.groups {
		if g.idx < 0 || !a.Groups.has(g.idx) {
			continue
		}
		if !explain {
			return true, nil
		}
		add(Cause{Kind: CauseExcluded, ViaKind: "group", Via: g.name, Text: r.excludedByGroup(a.Groups.chain(g.idx))})
	}
	for _, role := range x.roles {
		if !slices.Contains(a.RoleTemplateIDs, role.id) {
			continue
		}
		if !explain {
			return true, nil
		}
		add(Cause{Kind: CauseExcluded, ViaKind: "role", Via: role.name,
			Text: "excluded from " + r.ref + " by role *" + role.name + "*"})
	}
	if g := x.guests; g != nil && a.Guest != NotGuest && g.kinds[strings.ToLower(string(a.Guest))] {
		text := r.ref + " excludes " + string(a.Guest) + " accounts of every external tenant"
		if !g.allTenants {
			text = r.ref + " excludes " + string(a.Guest) + " accounts of some external tenants (" +
				strings.Join(g.tenants, ", ") + "); which tenant this account comes from cannot be read from this data, so it counts as excluded"
		}
		if add(Cause{Kind: CauseExcluded, ViaKind: "guests", Via: string(a.Guest), Text: text}) {
			return true, nil
		}
	}
	// Memberships that could not be read cannot prove an account is not
	// excluded; claiming coverage would be a guess.
	for _, u := range r.unknownExclusions {
		if add(u) {
			return true, nil
		}
	}
	return len(causes) > 0, causes
}

// excludedByGroup words an exclusion the way a fix reads it, the policy and
// the group it names first: "excluded from policy *CA001* by group *MFA
// Exclusions* (through group *Contractors EU*)". chain runs from the
// account's own group up to the excluded one.
func (r *policyRule) excludedByGroup(chain []string) string {
	if len(chain) == 0 {
		return "excluded from " + r.ref + " by a group"
	}
	text := "excluded from " + r.ref + " by group *" + chain[len(chain)-1] + "*"
	if len(chain) > 1 {
		text += " (through " + describeChain(chain[:len(chain)-1]) + ")"
	}
	return text
}
