package inventory

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
)

// candidate is a fix being gathered: the accounts it touches (indices into
// Snapshot.Users) and the change it makes to a copy of the tenant.
type candidate struct {
	kind   FixKind
	key    string // what makes two accounts' fixes the same fix
	target FixTarget
	docs   string
	title  func(n int) string
	users  []int
	change func(t *subTenant)
	// clients are the legacy clients named in the title, gathered from
	// every account filed under the fix.
	clients []string
	// same names the exclusion a fix removes whatever the policy ("group|
	// <id>"): the same exclusion in several policies is one fix, made in
	// whichever policy resolves most.
	same string
}

func (c *candidate) id() string {
	h := fnv.New64a()
	h.Write([]byte(c.key))
	return fmt.Sprintf("%s-%012x", strings.ReplaceAll(string(c.kind), "_", "-"), h.Sum64()&0xffffffffffff)
}

// finder walks the open accounts once and files each under the fixes that
// address the causes of its verdict, as the rules find them.
type finder struct {
	s     *Snapshot
	r     *run
	byKey map[string]*candidate
	order []*candidate
}

// findFixes files the open accounts (indices into s.Users) under their
// fixes. The rules run on the part of the tenant that holds the open
// accounts alone, so that the group graph costs them, not the tenant.
func findFixes(s *Snapshot, in Inputs, res Result, open []int, memberOf map[string][]int32) []*candidate {
	part := newSubTenant(s, in, open, memberOf)
	f := &finder{s: s, r: newRun(&part.snap, part.in), byKey: map[string]*candidate{}}
	for _, i := range open {
		a := &res.Accounts[i]
		touched := false
		if a.Compliance == NonCompliant {
			touched = f.policyFixes(i)
		}
		touched = f.pathFixes(i, a) || touched
		if !touched {
			f.file(i, FixReview, "review", func(c *candidate) {
				c.docs = docsPartnerRequirements
				c.title = func(n int) string {
					return fmt.Sprintf("Review %s by hand: no single change explains %s verdict", accounts(n), theirOrIts(n))
				}
			})
		}
	}
	return f.order
}

// file adds account i to the fix of key, making it with init on first use.
func (f *finder) file(i int, kind FixKind, key string, init func(c *candidate)) *candidate {
	key = string(kind) + "|" + key
	c, ok := f.byKey[key]
	if !ok {
		c = &candidate{kind: kind, key: key}
		init(c)
		f.byKey[key] = c
		f.order = append(f.order, c)
	}
	if n := len(c.users); n == 0 || c.users[n-1] != i {
		c.users = append(c.users, i)
	}
	return c
}

// policyFixes files a non-compliant account under the policy changes that
// would reach it: an exclusion removed from a sound policy that includes it,
// a policy that includes it repaired, or a new policy when no policy that
// requires MFA includes it. It reports whether any fix was found.
func (f *finder) policyFixes(i int) bool {
	acc := f.r.dir.Account(f.s.Users[i])
	included, found := false, false
	for k, rule := range f.r.rules {
		if !rule.mfaIntent {
			continue
		}
		if inc, _ := rule.includes(&acc, false); !inc {
			continue
		}
		included = true
		p := &f.s.Policies[k]
		excluded := f.exclusionFixes(i, k, p, rule, &acc, len(rule.static) == 0)
		switch {
		case len(rule.unknownExclusions) > 0:
			// Which members the exclusion holds could not be read: only
			// a person can tell what to change.
		case len(rule.static) > 0 && !excluded:
			f.repairFix(i, k, p, rule)
			found = true
		case len(rule.static) == 0 && excluded:
			found = true
		}
	}
	if !included && present(f.s, CollPolicies) {
		f.file(i, FixNewPolicy, "", func(c *candidate) {
			c.docs = docsRequireMFA
			c.title = func(n int) string {
				return fmt.Sprintf("Create a policy that requires MFA for the %s no policy includes", accounts(n))
			}
			c.change = func(t *subTenant) {
				ids := make([]string, 0, len(t.snap.Users))
				for _, u := range t.snap.Users {
					ids = append(ids, u.ID)
				}
				t.snap.Policies = append(t.snap.Policies, Policy{ID: "mfaboard-plan-new-policy", DisplayName: "Require MFA (planned)",
					State: "enabled", IncludeUsers: ids, IncludeApplications: []string{"All"},
					HasGrant: true, GrantOperator: "AND", BuiltInControls: []string{"mfa"}})
			}
		})
		found = true
	}
	return found
}

// exclusionFixes finds how policy k excludes the account. With file it
// files the account under a fix per exclusion. It reports whether the
// policy excludes the account at all.
func (f *finder) exclusionFixes(i, k int, p *Policy, rule *policyRule, acc *Account, file bool) bool {
	x := &rule.exclude
	pol := policyRef(p)
	excluded := false
	exclusion := func(what string, title func(n int) string, group *FixRef, change func(q *Policy, t *subTenant)) {
		excluded = true
		if !file {
			return
		}
		f.file(i, FixRemoveExclusion, p.ID+"|"+what, func(c *candidate) {
			c.docs, c.title, c.same = docsExclusions, title, what
			c.target = FixTarget{Policy: pol, Group: group}
			c.change = func(t *subTenant) { change(&t.snap.Policies[k], t) }
		})
	}
	if x.all {
		exclusion("all", func(int) string { return "Stop " + pol.starred() + " excluding all users" }, nil,
			func(q *Policy, _ *subTenant) { q.ExcludeUsers = without(q.ExcludeUsers, "All") })
	}
	if x.hasUser(acc) {
		exclusion("users", func(n int) string {
			return fmt.Sprintf("Stop %s excluding %s by name", pol.starred(), accounts(n))
		}, nil, func(q *Policy, t *subTenant) {
			q.ExcludeUsers = slices.DeleteFunc(slices.Clone(q.ExcludeUsers), func(id string) bool { return t.ids[strings.ToLower(id)] })
		})
	}
	if acc.Guest != NotGuest && (x.allGuests || (x.guests != nil && x.guests.kinds[strings.ToLower(string(acc.Guest))])) {
		exclusion("guests", func(int) string { return "Stop " + pol.starred() + " excluding guests and external users" }, nil,
			func(q *Policy, _ *subTenant) {
				q.ExcludeGuests, q.ExcludeUsers = nil, without(q.ExcludeUsers, "GuestsOrExternalUsers")
			})
	}
	for _, gid := range p.ExcludeGroups {
		if idx := f.r.dir.groups.lookup(gid); idx < 0 || !acc.Groups.has(idx) {
			continue
		}
		g := groupFixRef(gid, f.r.dir.groupName(gid))
		exclusion("group|"+strings.ToLower(gid), func(int) string {
			return "Remove group " + g.starred() + " from " + pol.starred() + "'s exclusions"
		}, g, func(q *Policy, _ *subTenant) { q.ExcludeGroups = without(q.ExcludeGroups, gid) })
	}
	for _, rid := range p.ExcludeRoles {
		t := f.r.dir.templateOf(rid)
		if !slices.Contains(acc.RoleTemplateIDs, t) {
			continue
		}
		if strings.EqualFold(t, RoleDirectorySync) {
			// Excluded by design, as Microsoft's templates do: the way out
			// is application-based authentication, which removes the
			// account (the Secure Application Model fix).
			excluded = true
			continue
		}
		name := f.r.dir.roleName(t)
		exclusion("role|"+t, func(int) string {
			return "Remove role *" + name + "* from " + pol.starred() + "'s exclusions"
		}, nil, func(q *Policy, _ *subTenant) { q.ExcludeRoles = without(q.ExcludeRoles, rid) })
	}
	return excluded || len(rule.unknownExclusions) > 0
}

// repairFix files the account under the repair of policy k: every cause
// the policy has whatever the account (its state, apps, locations, other
// conditions, grant) put right at once, as one edit of the policy.
func (f *finder) repairFix(i, k int, p *Policy, rule *policyRule) {
	f.file(i, FixRepairPolicy, p.ID, func(c *candidate) {
		pol := policyRef(p)
		c.target = FixTarget{Policy: pol}
		kinds := map[CauseKind]bool{}
		for _, cause := range rule.static {
			kinds[cause.Kind] = true
		}
		c.docs = docsRequireMFA
		if kinds[CauseReportOnly] && len(kinds) == 1 {
			c.docs = docsReportOnly
		}
		title := repairTitle(pol.starred(), kinds)
		c.title = func(int) string { return title }
		c.change = func(t *subTenant) { repairPolicy(&t.snap.Policies[k], kinds) }
	})
}

func repairTitle(policy string, kinds map[CauseKind]bool) string {
	var steps []string
	switch {
	case kinds[CauseReportOnly]:
		steps = append(steps, "switch "+policy+" from report-only to on")
	case kinds[CausePolicyDisabled]:
		steps = append(steps, "turn "+policy+" on")
	case kinds[CauseUnknownState]:
		steps = append(steps, "set "+policy+"'s state to on")
	}
	subject := policy
	if len(steps) > 0 {
		subject = "make it"
	}
	if kinds[CauseApps] {
		steps = append(steps, subject+" apply to all cloud apps")
		subject = "make it"
	}
	if kinds[CauseLocations] {
		steps = append(steps, "remove "+possessive(subject)+" location conditions (a trusted network is not a safe place)")
		subject = "make it"
	}
	if kinds[CauseConditions] {
		steps = append(steps, "remove "+possessive(subject)+" platform, device and client-app conditions")
		subject = "make it"
	}
	if kinds[CauseGrant] {
		steps = append(steps, subject+" require MFA with nothing accepted instead")
	}
	if len(steps) == 0 {
		return "Repair " + policy
	}
	s := strings.Join(steps, ", and ")
	return strings.ToUpper(s[:1]) + s[1:]
}

func possessive(subject string) string {
	if subject == "make it" {
		return "its"
	}
	return subject + "'s"
}
