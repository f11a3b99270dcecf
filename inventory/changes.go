package inventory

import (
	"slices"
	"strings"
)

// What changed since the last sync (issue 13 §4): every account whose
// verdict is not what the last sync said, with the cause in words, worked
// out from the two syncs' inputs (group memberships, roles, policies and
// their states, registrations, per-user MFA, sign-ins) and, failing those,
// their reasons.

// Direction says which way a verdict went.
type Direction string

const (
	Worse   Direction = "worse"   // the account lost coverage, or is nearer losing it
	Better  Direction = "better"  // it gained coverage
	Changed Direction = "changed" // neither: enabled or disabled without a gap
	Added   Direction = "new"     // the account is new to the tenant
	Removed Direction = "removed" // it is gone from the tenant
)

// LastVerdict is what the last sync said of one account.
type LastVerdict struct {
	UserPrincipalName string
	Compliance        Compliance
	Reasons           []string
}

// Change is one account whose verdict changed between two syncs.
type Change struct {
	UserID            string
	UserPrincipalName string
	From, To          Compliance // "" for a new (From) or removed (To) account
	Direction         Direction
	// Causes say why, names set off with asterisks (*CA001*) as in reasons.
	Causes []string
}

// Regression reports whether the change is one to alert on: a verdict that
// got worse, or a new account that is not covered.
func (c Change) Regression() bool {
	return c.Direction == Worse || (c.Direction == Added && openVerdict(c.To))
}

func openVerdict(c Compliance) bool { return c == NonCompliant || c == AtRisk }

// severity orders verdicts: the higher, the further from enforced MFA.
// A disabled account (not applicable) weighs as little as a compliant one.
func severity(c Compliance) int {
	switch c {
	case NonCompliant:
		return 3
	case AtRisk:
		return 2
	case Excepted:
		return 1
	}
	return 0
}

// VerdictsChanged reports whether any account's verdict in res differs from
// last, or any account came or went: only then does a sync need the last
// sync's inputs to explain it. A first sync (last nil) changes nothing.
func VerdictsChanged(last map[string]LastVerdict, res Result) bool {
	if last == nil {
		return false
	}
	if len(last) != len(res.Accounts) {
		return true
	}
	for i := range res.Accounts {
		a := &res.Accounts[i]
		if v, ok := last[a.UserID]; !ok || v.Compliance != a.Compliance {
			return true
		}
	}
	return false
}

// ChangesSince compares a sync (next, res) with the last one (prev and its
// verdicts last) and returns every account whose verdict changed, new and
// removed accounts included, in the order of next's users, removed ones
// last. prev may be nil when no verdict changed (VerdictsChanged); a first
// sync (last nil) has no changes.
func ChangesSince(prev *Snapshot, last map[string]LastVerdict, next *Snapshot, res Result) []Change {
	if last == nil {
		return nil
	}
	if prev == nil {
		prev = &Snapshot{}
	}
	d := newDiff(prev, next)
	var out []Change
	seen := make(map[string]bool, len(res.Accounts))
	for i := range res.Accounts {
		a := &res.Accounts[i]
		seen[a.UserID] = true
		v, ok := last[a.UserID]
		switch {
		case !ok:
			causes := []string{"new account"}
			if openVerdict(a.Compliance) && len(a.Reasons) > 0 {
				causes = append(causes, a.Reasons[0])
			}
			out = append(out, Change{UserID: a.UserID, UserPrincipalName: a.UserPrincipalName, To: a.Compliance,
				Direction: Added, Causes: causes})
		case v.Compliance != a.Compliance:
			c := Change{UserID: a.UserID, UserPrincipalName: a.UserPrincipalName, From: v.Compliance, To: a.Compliance}
			switch {
			case severity(a.Compliance) > severity(v.Compliance):
				c.Direction = Worse
			case severity(a.Compliance) < severity(v.Compliance):
				c.Direction = Better
			default:
				c.Direction = Changed
			}
			c.Causes = d.causes(a.UserID, v, a)
			out = append(out, c)
		}
	}
	var gone []Change
	for id, v := range last {
		if !seen[id] {
			gone = append(gone, Change{UserID: id, UserPrincipalName: v.UserPrincipalName, From: v.Compliance,
				Direction: Removed, Causes: []string{"account removed from the tenant"}})
		}
	}
	slices.SortFunc(gone, func(a, b Change) int { return strings.Compare(a.UserPrincipalName, b.UserPrincipalName) })
	return append(out, gone...)
}

// diff holds both syncs, indexed once.
type diff struct {
	prev, next       *Snapshot
	prevDir, nextDir *Directory
	prevUsers        map[string]*User
	nextUsers        map[string]*User
	prevPolicies     map[string]*Policy
	// The policies compiled once, as Assess does: a tenant-wide change
	// (a policy switched off) asks of every account.
	prevRules map[string]*policyRule
	nextRules []*policyRule
}

func newDiff(prev, next *Snapshot) *diff {
	d := &diff{prev: prev, next: next, prevDir: NewDirectory(prev), nextDir: NewDirectory(next),
		prevUsers: map[string]*User{}, nextUsers: map[string]*User{}, prevPolicies: map[string]*Policy{},
		prevRules: map[string]*policyRule{}}
	for i := range prev.Users {
		d.prevUsers[prev.Users[i].ID] = &prev.Users[i]
	}
	for i := range next.Users {
		d.nextUsers[next.Users[i].ID] = &next.Users[i]
	}
	for i := range prev.Policies {
		d.prevPolicies[prev.Policies[i].ID] = &prev.Policies[i]
		d.prevRules[prev.Policies[i].ID] = compilePolicy(&prev.Policies[i], d.prevDir)
	}
	for i := range next.Policies {
		d.nextRules = append(d.nextRules, compilePolicy(&next.Policies[i], d.nextDir))
	}
	return d
}

// causes explains one account's changed verdict: first from the inputs,
// and when they show nothing, from the reasons that came and went.
func (d *diff) causes(userID string, last LastVerdict, now *Assessment) []string {
	pu, nu := d.prevUsers[userID], d.nextUsers[userID]
	if pu == nil || nu == nil {
		return reasonDiff(last.Reasons, now.Reasons)
	}
	var out []string
	add := func(s string) {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	switch {
	case pu.AccountEnabled && !nu.AccountEnabled:
		add("account disabled")
	case !pu.AccountEnabled && nu.AccountEnabled:
		add("account enabled again")
	}
	if ps, ns := d.prev.SecurityDefaults, d.next.SecurityDefaults; ps != nil && ns != nil && *ps != *ns {
		add(map[bool]string{true: "security defaults turned on", false: "security defaults turned off"}[*ns])
	}
	for _, s := range d.policyCauses(pu, nu) {
		add(s)
	}
	for _, s := range d.registrationCauses(userID) {
		add(s)
	}
	for _, s := range d.signInCauses(userID) {
		add(s)
	}
	switch {
	case now.Compliance == Excepted:
		add("technical exception approved")
	case last.Compliance == Excepted:
		add("the technical exception no longer applies")
	}
	if len(out) == 0 {
		return reasonDiff(last.Reasons, now.Reasons)
	}
	return out
}

// policyCauses compares, policy by policy, whether it covered the account
// before and does now, and says what moved it.
func (d *diff) policyCauses(pu, nu *User) []string {
	pa, na := d.prevDir.Account(*pu), d.nextDir.Account(*nu)
	var out []string
	seen := map[string]bool{}
	for i := range d.next.Policies {
		np, nr := &d.next.Policies[i], d.nextRules[i]
		seen[np.ID] = true
		covers := nr.cover(&na, false).Covers
		pp := d.prevPolicies[np.ID]
		if pp == nil {
			if covers {
				out = append(out, "new policy *"+policyName(np)+"* covers it")
			}
			continue
		}
		if d.prevRules[np.ID].cover(&pa, false).Covers == covers {
			continue
		}
		why := d.policyMoved(pp, np, &pa, &na)
		if len(why) == 0 {
			if covers {
				why = []string{"*" + policyName(np) + "* now covers it"}
			} else {
				why = []string{"*" + policyName(np) + "* no longer covers it: " + strings.Join(explain(nr, &na), "; ")}
			}
		}
		out = append(out, why...)
	}
	for i := range d.prev.Policies {
		pp := &d.prev.Policies[i]
		if !seen[pp.ID] && d.prevRules[pp.ID].cover(&pa, false).Covers {
			out = append(out, "policy *"+policyName(pp)+"* deleted")
		}
	}
	return out
}

// explain is why a compiled policy does not cover an account, as
// CoverageOf says it.
func explain(r *policyRule, a *Account) []string {
	c := r.cover(a, true)
	if !c.Included && len(c.Causes) == 0 {
		return []string{r.ref + " does not include this account"}
	}
	return c.Reasons()
}

// policyMoved names what changed in a policy, or in the account's groups
// and roles the policy names, between the two syncs.
func (d *diff) policyMoved(pp, np *Policy, pa, na *Account) []string {
	name := "*" + policyName(np) + "*"
	var out []string
	if pp.State != np.State {
		out = append(out, name+" "+stateChange(np.State))
	}
	for _, side := range []struct {
		verb       string
		prev, next []string
	}{{"excludes", pp.ExcludeGroups, np.ExcludeGroups}, {"includes", pp.IncludeGroups, np.IncludeGroups}} {
		out = append(out, groupMoves(name, side.verb, "joined", "now", side.prev, side.next, pa, na, d.nextDir)...)
		out = append(out, groupMoves(name, side.verb, "left", "no longer", side.next, side.prev, na, pa, d.prevDir)...)
	}
	roles := func(list []string, verb string) {
		for _, r := range list {
			t := d.nextDir.templateOf(r)
			had, has := slices.Contains(pa.RoleTemplateIDs, t), slices.Contains(na.RoleTemplateIDs, t)
			switch {
			case has && !had:
				out = append(out, "took role *"+d.nextDir.roleName(t)+"*, which "+name+" "+verb)
			case had && !has:
				out = append(out, "gave up role *"+d.nextDir.roleName(t)+"*, which "+name+" "+verb)
			}
		}
	}
	roles(np.ExcludeRoles, "excludes")
	roles(np.IncludeRoles, "includes")
	byName := func(list []string) bool {
		return slices.ContainsFunc(list, func(s string) bool { return strings.EqualFold(s, na.ID) })
	}
	if byName(np.ExcludeUsers) && !byName(pp.ExcludeUsers) {
		out = append(out, name+" now excludes it by name")
	}
	if byName(pp.ExcludeUsers) && !byName(np.ExcludeUsers) {
		out = append(out, name+" no longer excludes it by name")
	}
	if slices.Contains(pp.IncludeUsers, "All") && !slices.Contains(np.IncludeUsers, "All") {
		out = append(out, name+" no longer includes all users")
	}
	return out
}

// groupMoves words, for the groups a policy lists on one side (verb:
// "excludes", "includes") after a move, how the account came to be in one
// of them: it moved into the group ("joined group *X*, which *CA001*
// excludes"), or the policy listed a group it was in already ("*CA001* now
// excludes group *X*"). Called with before and after swapped, it words the
// way out ("left", "no longer"); dir is the directory of after.
func groupMoves(policy, verb, moved, listed string, listedBefore, listedAfter []string, before, after *Account, dir *Directory) []string {
	var out []string
	for _, g := range listedAfter {
		switch was, is := before.Groups.Contains(g), after.Groups.Contains(g); {
		case is && !was:
			out = append(out, moved+" "+joined(after.Groups.Chain(g))+", which "+policy+" "+verb)
		case is && !slices.Contains(listedBefore, g):
			out = append(out, policy+" "+listed+" "+verb+" group *"+dir.groupName(g)+"*")
		}
	}
	return out
}

// joined words a chain of groups from the account's own: "group
// *Contractors EU* (in *MFA Exclusions*)".
func joined(chain []string) string {
	if len(chain) == 0 {
		return "a group"
	}
	s := "group *" + chain[0] + "*"
	if len(chain) > 1 {
		s += " (in *" + chain[len(chain)-1] + "*)"
	}
	return s
}

func policyName(p *Policy) string {
	if p.DisplayName != "" {
		return p.DisplayName
	}
	return p.ID
}

func stateChange(state string) string {
	switch state {
	case "enabled":
		return "switched on"
	case "disabled":
		return "switched off"
	case "enabledForReportingButNotEnforced":
		return "switched to report-only"
	}
	return "switched to state " + quote(state)
}

// registrationCauses compares MFA registration and per-user MFA.
func (d *diff) registrationCauses(userID string) []string {
	var out []string
	pr, hadReg := d.prev.Registrations[userID]
	nr, hasReg := d.next.Registrations[userID]
	switch {
	case pr.IsMfaRegistered && !nr.IsMfaRegistered && hadReg:
		out = append(out, "no longer registered for MFA")
	case !pr.IsMfaRegistered && nr.IsMfaRegistered && hasReg:
		out = append(out, "registered for MFA")
	case hadReg && hasReg && !slices.Equal(sorted(pr.MethodsRegistered), sorted(nr.MethodsRegistered)):
		out = append(out, "registered methods changed to "+orNone(nr.MethodsRegistered))
	}
	pm, okp := d.prev.PerUserMFA[userID]
	nm, okn := d.next.PerUserMFA[userID]
	if okp && okn && !strings.EqualFold(pm, nm) {
		out = append(out, "per-user MFA went from "+pm+" to "+nm)
	}
	return out
}

func sorted(list []string) []string {
	s := slices.Clone(list)
	slices.Sort(s)
	return s
}

// signInCauses names single-factor sign-ins the last sync did not have, and
// says so when the last single-factor sign-in has left the window.
func (d *diff) signInCauses(userID string) []string {
	type key struct{ day, app, client string }
	singleFactor := func(f *SignInFold) bool {
		return f.Success && strings.EqualFold(f.Requirement, "singleFactorAuthentication")
	}
	had := map[key]bool{}
	for _, f := range d.prev.SignIns[userID] {
		if singleFactor(&f) {
			had[key{f.Day.Format("2006-01-02"), f.App, f.ClientAppUsed}] = true
		}
	}
	var out []string
	found := false
	for _, f := range d.next.SignIns[userID] {
		if !singleFactor(&f) {
			continue
		}
		found = true
		k := key{f.Day.Format("2006-01-02"), f.App, f.ClientAppUsed}
		if had[k] {
			continue
		}
		had[k] = true
		s := "new single-factor sign-in over " + f.ClientAppUsed
		if f.App != "" {
			s += " to *" + f.App + "*"
		}
		out = append(out, s+" on "+f.Day.Format("2 Jan 2006"))
	}
	if !found && len(had) > 0 {
		out = append(out, "no single-factor sign-in left in the window")
	}
	return out
}

// reasonDiff says which reasons came and went, when the inputs show
// nothing (a moved window, an expired exception).
func reasonDiff(before, after []string) []string {
	var out []string
	for _, r := range after {
		if !slices.Contains(before, r) {
			out = append(out, "now: "+r)
		}
	}
	for _, r := range before {
		if !slices.Contains(after, r) {
			out = append(out, "no longer: "+r)
		}
	}
	if len(out) == 0 {
		return []string{"the verdict changed with the same reasons"}
	}
	return out
}
