package inventory

import (
	"fmt"
	"slices"
	"strings"
)

// tally adds the accounts up into the tenant verdict as they are assessed.
type tally struct {
	r       *run
	v       TenantVerdict
	gaps    map[*policyRule]*policyGap
	nowhere int // non-compliant accounts no policy requiring MFA includes
}

// policyGap is how one policy fails the non-compliant accounts.
type policyGap struct {
	excluded   int
	groups     map[string]bool
	roles      map[string]bool
	byName     int
	guests     int
	everyone   int
	wouldCover map[string]int // state summary → accounts only the state keeps out
	other      map[string]int // cause summary → accounts
}

func newTally(r *run) *tally {
	return &tally{r: r, gaps: make(map[*policyRule]*policyGap), v: TenantVerdict{
		TenantID:         r.snap.Tenant.ID,
		DisplayName:      r.snap.Tenant.DisplayName,
		Kind:             r.kind,
		AsOf:             r.asOf,
		Counts:           make(map[Compliance]int),
		ByCategory:       make(map[Category]int),
		ByPath:           make(map[Path]int),
		ByMarker:         make(map[Marker]int),
		PrivilegedCounts: make(map[Compliance]int),
		PrivilegedReady:  true,
	}}
}

// add counts one account. covs are its explained coverages when nothing
// enforces MFA on it.
func (t *tally) add(a *Assessment, covs []Coverage) {
	t.v.Count(a.Compliance, a.Category, a.Path, a.Markers, 1)
	if covs == nil {
		return
	}
	reached := false
	for i, c := range covs {
		if !t.r.rules[i].mfaIntent || (!c.Included && len(c.Causes) == 0) {
			continue
		}
		reached = true
		t.addCoverage(t.r.rules[i], &c)
	}
	if !reached {
		t.nowhere++
	}
}

func (t *tally) addCoverage(rule *policyRule, c *Coverage) {
	g := t.gaps[rule]
	if g == nil {
		g = &policyGap{groups: map[string]bool{}, roles: map[string]bool{}, wouldCover: map[string]int{}, other: map[string]int{}}
		t.gaps[rule] = g
	}
	excluded, stateOnly, state := false, true, ""
	seen := map[string]bool{}
	var byName, guests, everyone bool
	for _, cause := range c.Causes {
		switch {
		case cause.Kind == CauseExcluded:
			excluded = true
			switch cause.ViaKind {
			case "group":
				g.groups[cause.Via] = true
			case "role":
				g.roles[cause.Via] = true
			case "guests":
				guests = true
			case "user":
				if cause.Via == "All" {
					everyone = true
				} else {
					byName = true
				}
			}
		case cause.Kind.isState():
			state = cause.summary
		default:
			stateOnly = false
			if !seen[cause.summary] {
				seen[cause.summary] = true
				g.other[cause.summary]++
			}
		}
	}
	if excluded {
		stateOnly = false
		g.excluded++
		g.byName += b2i(byName)
		g.guests += b2i(guests)
		g.everyone += b2i(everyone)
	}
	if state != "" && stateOnly {
		g.wouldCover[state]++
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// verdict finishes the tenant's answer: readiness, gaps worst first, and
// what could not be checked.
func (t *tally) verdict() TenantVerdict {
	v := t.v
	v.Ready = Ready(v.Counts) && present(t.r.snap, CollUsers)
	for _, rule := range t.r.rules {
		g := t.gaps[rule]
		if g == nil {
			continue
		}
		if g.excluded > 0 {
			v.Gaps = append(v.Gaps, Gap{Policy: rule.name, Accounts: g.excluded,
				Description: rule.name + " excludes " + accounts(g.excluded) + g.exclusionWays()})
		}
		for summary, n := range g.wouldCover {
			v.Gaps = append(v.Gaps, Gap{Policy: rule.name, Accounts: n,
				Description: fmt.Sprintf("%s %s (would cover %s)", rule.name, summary, accounts(n))})
		}
		for summary, n := range g.other {
			v.Gaps = append(v.Gaps, Gap{Policy: rule.name, Accounts: n,
				Description: fmt.Sprintf("%s %s for %s", rule.name, summary, accounts(n))})
		}
	}
	if t.nowhere > 0 {
		v.Gaps = append(v.Gaps, Gap{Accounts: t.nowhere,
			Description: "no policy that requires MFA includes " + accounts(t.nowhere)})
	}
	slices.SortStableFunc(v.Gaps, func(a, b Gap) int {
		if a.Accounts != b.Accounts {
			return b.Accounts - a.Accounts
		}
		if c := strings.Compare(a.Policy, b.Policy); c != 0 {
			return c
		}
		return strings.Compare(a.Description, b.Description)
	})
	v.Unchecked = t.unchecked()
	return v
}

func (g *policyGap) exclusionWays() string {
	var ways []string
	if n := len(g.groups); n > 0 {
		ways = append(ways, "through "+plural(n, "group"))
	}
	if n := len(g.roles); n > 0 {
		ways = append(ways, "through "+plural(n, "role"))
	}
	if g.byName > 0 {
		ways = append(ways, fmt.Sprintf("%d by name", g.byName))
	}
	if g.guests > 0 {
		ways = append(ways, fmt.Sprintf("%d as guests", g.guests))
	}
	if g.everyone > 0 {
		ways = append(ways, "by excluding all users")
	}
	switch {
	case len(ways) == 0:
		return ""
	case len(ways) == 1 && g.byName == g.excluded:
		return " by name"
	case len(ways) == 1:
		return " " + ways[0]
	}
	return " " + strings.Join(ways[:len(ways)-1], ", ") + " and " + ways[len(ways)-1]
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func accounts(n int) string { return plural(n, "account") }

// uncheckedBecause says, per collection, what its absence leaves unchecked.
var uncheckedBecause = []struct{ coll, text string }{
	{CollUsers, "users were not available: no account could be assessed"},
	{CollRegistrations, "registration details were not available: MFA registration could not be checked, so no account can be compliant"},
	{CollPolicies, "Conditional Access policies were not available: coverage by policy could not be checked"},
	{CollNamedLocations, "named locations were not available: locations in reasons are named by id"},
	{CollSecurityDefaults, "security defaults were not available: enforcement by security defaults could not be checked"},
	{CollDirectoryRoles, "directory roles were not available: role holders (privileged, Directory Synchronization Accounts) and policy role targets could not be checked"},
	{CollGroups, "groups were not available: group targets of policies, room-device groups and Partner Center agent groups could not be checked"},
	{CollRooms, "rooms were not available: room accounts were recognised by group and name only"},
	{CollSignIns, "sign-in logs were not available: evidence of single-factor sign-ins could not be checked, nor legacy protocols (legacy_auth, app_password) or non-interactive use"},
	{CollPerUserMFA, "per-user MFA states were not available: enforcement by per-user MFA could not be checked"},
}

func (t *tally) unchecked() []string {
	var out []string
	s := t.r.snap
	for _, u := range uncheckedBecause {
		if !present(s, u.coll) {
			out = append(out, u.text)
		}
	}
	if present(s, CollSecurityDefaults) && s.SecurityDefaults == nil {
		out = append(out, "security defaults could not be read: enforcement by security defaults could not be checked")
	}
	return append(out, t.r.notes...)
}
