package inventory

import (
	"cmp"
	"slices"
	"strings"
)

// The tenant split planner (issue 5): for the accounts on the tenant_split
// path, what would move to the production tenant, what they take with them
// (licences), what in the CSP tenant names them (groups, Conditional Access
// policies) and so must be rebuilt or cleaned up, and which of them already
// exist in a synced production tenant.

// SplitCandidate is an account on the tenant_split path as the store reads it.
type SplitCandidate struct {
	ID, UserPrincipalName, DisplayName, Mail string
	Category                                 Category
	Compliance                               Compliance
	Enabled                                  bool
	SKUs                                     []string   // assignedLicenses[].skuId
	Groups                                   []GroupRef // direct memberships
}

// GroupRef names a group.
type GroupRef struct {
	ID, DisplayName string
}

// ProductionMatch is an account of a production tenant that is the same
// mailbox or sign-in name as a split candidate.
type ProductionMatch struct {
	TenantID, TenantName string
	AccountID            string
	UserPrincipalName    string
	// By says which of the production account's names matched one of the
	// candidate's (its UPN or mail): "UPN" or "mail".
	By string
}

// PolicyMention is a Conditional Access policy that names an account, by
// its id or through a group it is a member of.
type PolicyMention struct {
	PolicyID, PolicyName string
	State                string // as written: enabled, disabled, enabledForReportingButNotEnforced
	Include              bool   // false: the policy excludes the account
	// Group is the group the policy names, "" when it names the account
	// itself; Nested is true when the account is in that group only through
	// another group.
	Group  string
	Nested bool
}

// String says how the policy names the account, for people and CSV cells:
// "Teams Rooms compliant device (enabled) includes it through group Rooms".
func (m PolicyMention) String() string {
	verb := "excludes it"
	if m.Include {
		verb = "includes it"
	}
	s := m.PolicyName + " (" + policyStateWords(m.State) + ") " + verb
	switch {
	case m.Group != "" && m.Nested:
		s += " through group " + m.Group + ", nested"
	case m.Group != "":
		s += " through group " + m.Group
	default:
		s += " by name"
	}
	return s
}

func policyStateWords(state string) string {
	switch state {
	case "enabledForReportingButNotEnforced":
		return "report-only"
	case "":
		return "state unknown"
	}
	return state
}

// SplitMove is one account that would move, with what goes or stays with it.
type SplitMove struct {
	SplitCandidate
	Licences     []Licence
	Policies     []PolicyMention
	InProduction []ProductionMatch
}

// Exists reports whether the account already has a counterpart in a
// production tenant.
func (m SplitMove) Exists() bool { return len(m.InProduction) > 0 }

// SplitCategory is the moves of one category.
type SplitCategory struct {
	Category Category
	Moves    []SplitMove
}

// SplitPlan is the whole move list, grouped by category.
type SplitPlan struct {
	Categories []SplitCategory // room devices first (splitCategoryOrder), empty ones left out
	Total      int
	// InProduction counts the moves that already exist in a production tenant.
	InProduction int
	// DeviceLicences counts the device licences (Teams Rooms and the like)
	// held by the moves: each needs a licence in the production tenant.
	DeviceLicences int
}

// splitCategoryOrder puts the room devices, the reason for a split, first;
// the others are on the path only because a person chose it.
var splitCategoryOrder = []Category{RoomDevice, ServiceAccount, OfficeWorker, GuestAccount}

// PlanSplit builds the move list. groups are all the tenant's groups (for
// nesting: a policy that names a parent group reaches the members of its
// member groups); policies are all its Conditional Access policies; matches
// are the production counterparts by candidate id. Moves are ordered by UPN
// within a category.
func PlanSplit(cands []SplitCandidate, groups []Group, policies []Policy, matches map[string][]ProductionMatch) SplitPlan {
	parents := map[string][]string{} // group id -> the groups it is a direct member of
	names := make(map[string]string, len(groups))
	for _, g := range groups {
		names[g.ID] = g.DisplayName
		for _, child := range g.MemberGroupIDs {
			parents[child] = append(parents[child], g.ID)
		}
	}
	byCategory := map[Category][]SplitMove{}
	var plan SplitPlan
	for _, c := range cands {
		m := SplitMove{SplitCandidate: c, Licences: LicencesOf(c.SKUs), InProduction: matches[c.ID]}
		m.Policies = policyMentions(c, groupsReaching(c.Groups, parents), names, policies)
		for _, l := range m.Licences {
			if l.Device {
				plan.DeviceLicences++
			}
		}
		if m.Exists() {
			plan.InProduction++
		}
		plan.Total++
		byCategory[c.Category] = append(byCategory[c.Category], m)
	}
	order := slices.Clone(splitCategoryOrder)
	for cat := range byCategory {
		if !slices.Contains(order, cat) { // a value added later: listed last, never dropped
			order = append(order, cat)
		}
	}
	slices.SortStableFunc(order[len(splitCategoryOrder):], func(a, b Category) int { return strings.Compare(string(a), string(b)) })
	for _, cat := range order {
		moves := byCategory[cat]
		if len(moves) == 0 {
			continue
		}
		slices.SortFunc(moves, func(a, b SplitMove) int {
			return cmp.Or(strings.Compare(strings.ToLower(a.UserPrincipalName), strings.ToLower(b.UserPrincipalName)), strings.Compare(a.ID, b.ID))
		})
		plan.Categories = append(plan.Categories, SplitCategory{Category: cat, Moves: moves})
	}
	return plan
}

// groupsReaching maps every group the account is in, directly or through
// nesting, to whether the membership is nested. Cycles, which Entra does
// not allow but an export could hold, end the walk.
func groupsReaching(direct []GroupRef, parents map[string][]string) map[string]bool {
	in := make(map[string]bool, len(direct))
	var queue []string
	for _, g := range direct {
		in[g.ID] = false
		queue = append(queue, g.ID)
	}
	for len(queue) > 0 {
		g := queue[0]
		queue = queue[1:]
		for _, p := range parents[g] {
			if _, seen := in[p]; !seen {
				in[p] = true
				queue = append(queue, p)
			}
		}
	}
	return in
}

// policyMentions lists the policies that name the account, in the policies'
// order; a policy that names it several ways is listed once per way, since
// each must be undone.
func policyMentions(c SplitCandidate, groups map[string]bool, names map[string]string, policies []Policy) []PolicyMention {
	var out []PolicyMention
	for _, p := range policies {
		for _, side := range []struct {
			include bool
			users   []string
			groups  []string
		}{{true, p.IncludeUsers, p.IncludeGroups}, {false, p.ExcludeUsers, p.ExcludeGroups}} {
			base := PolicyMention{PolicyID: p.ID, PolicyName: cmp.Or(p.DisplayName, p.ID), State: p.State, Include: side.include}
			if slices.Contains(side.users, c.ID) {
				out = append(out, base)
			}
			for _, g := range side.groups {
				if nested, ok := groups[g]; ok {
					m := base
					m.Group, m.Nested = cmp.Or(names[g], g), nested
					out = append(out, m)
				}
			}
		}
	}
	return out
}
