package inventory

import (
	"slices"
	"strings"
)

// subTenant is the part of a tenant a fix touches, copied so that the fix
// can be applied to it: its accounts, with everything the rules read about
// them, and the whole directory and policies. An account's verdict depends
// on nothing but its own data, the directory, the policies and the settings
// (assess.go), so assessing the part gives each account the verdict the
// whole tenant would (TestSubTenantAssessesAsTheWhole).
type subTenant struct {
	snap Snapshot
	in   Inputs
	ids  map[string]bool // lower-case ids of the accounts
}

// directGroups maps each user's lower-case id to the indices of the groups
// it is a direct member of, so that a part of the tenant can carry only
// its own accounts' memberships: the group graph of a part then costs its
// accounts, not the tenant's.
func directGroups(s *Snapshot) map[string][]int32 {
	out := make(map[string][]int32, len(s.Users))
	for gi := range s.Groups {
		for _, id := range s.Groups[gi].MemberUserIDs {
			key := strings.ToLower(id)
			if l := out[key]; len(l) == 0 || l[len(l)-1] != int32(gi) {
				out[key] = append(l, int32(gi))
			}
		}
	}
	return out
}

func newSubTenant(s *Snapshot, in Inputs, users []int, memberOf map[string][]int32) *subTenant {
	t := &subTenant{snap: *s, in: in, ids: make(map[string]bool, len(users))}
	n := len(users)
	t.snap.Users = make([]User, n)
	t.snap.Registrations = make(map[string]Registration, n)
	t.snap.PerUserMFA = make(map[string]string, n)
	t.snap.SignIns = make(map[string][]SignInFold, n)
	t.in.Exceptions = make(map[string]Exception, n)
	for j, i := range users {
		u := s.Users[i]
		t.snap.Users[j] = u
		t.ids[strings.ToLower(u.ID)] = true
		if r, ok := s.Registrations[u.ID]; ok {
			r.MethodsRegistered = slices.Clip(r.MethodsRegistered) // an append copies
			t.snap.Registrations[u.ID] = r
		}
		if m, ok := s.PerUserMFA[u.ID]; ok {
			t.snap.PerUserMFA[u.ID] = m
		}
		if f, ok := s.SignIns[u.ID]; ok {
			t.snap.SignIns[u.ID] = f
		}
		if e, ok := in.Exceptions[u.ID]; ok {
			t.in.Exceptions[u.ID] = e
		}
	}
	// A change replaces a policy's lists rather than writing into them,
	// so a shallow copy of each policy is enough.
	t.snap.Policies = slices.Clone(s.Policies)
	// Members are matched by lower-case id (groups.go).
	t.snap.Groups = slices.Clone(s.Groups)
	for gi := range t.snap.Groups {
		t.snap.Groups[gi].MemberUserIDs = nil
	}
	for _, i := range users {
		id := s.Users[i].ID
		for _, gi := range memberOf[strings.ToLower(id)] {
			t.snap.Groups[gi].MemberUserIDs = append(t.snap.Groups[gi].MemberUserIDs, id)
		}
	}
	return t
}

// each calls fn on every account of the part.
func (t *subTenant) each(fn func(u *User)) {
	for j := range t.snap.Users {
		fn(&t.snap.Users[j])
	}
}

// registered is what a registration campaign leaves: the Authenticator
// app, and a passkey for the policies that demand a phishing-resistant
// strength.
var campaignMethods = []string{"microsoftAuthenticatorPush", "fido2"}

func (t *subTenant) register(id string) {
	r := t.snap.Registrations[id]
	r.IsMfaRegistered, r.IsMfaCapable = true, true
	for _, m := range campaignMethods {
		if !containsFold(r.MethodsRegistered, m) {
			r.MethodsRegistered = append(r.MethodsRegistered, m)
		}
	}
	if r.DefaultMethod == "" {
		r.DefaultMethod = campaignMethods[0]
	}
	t.snap.Registrations[id] = r
}

// dropSingleFactor leaves the sign-ins that passed MFA: once legacy
// authentication is blocked and the sessions revoked, a window holds no
// single-factor success.
func (t *subTenant) dropSingleFactor(id string) {
	folds := t.snap.SignIns[id]
	t.snap.SignIns[id] = slices.DeleteFunc(slices.Clone(folds), func(f SignInFold) bool {
		return f.Success && strings.EqualFold(f.Requirement, "singleFactorAuthentication")
	})
}

// repairPolicy puts right every cause of kinds in a policy that means to
// require MFA.
func repairPolicy(p *Policy, kinds map[CauseKind]bool) {
	if kinds[CauseReportOnly] || kinds[CausePolicyDisabled] || kinds[CauseUnknownState] {
		p.State = "enabled"
	}
	if kinds[CauseApps] {
		p.IncludeApplications, p.ExcludeApplications = []string{"All"}, nil
	}
	if kinds[CauseLocations] {
		p.HasLocations, p.IncludeLocations, p.ExcludeLocations = false, nil, nil
	}
	if kinds[CauseConditions] {
		p.HasPlatforms, p.IncludePlatforms, p.ExcludePlatforms = false, nil, nil
		p.DeviceFilter, p.ClientAppTypes, p.OtherConditions = "", nil, nil
	}
	if kinds[CauseGrant] {
		p.HasGrant, p.GrantOperator, p.BuiltInControls, p.OtherGrants, p.AuthStrength = true, "AND", []string{"mfa"}, nil, nil
	}
}

// counterfactual assesses the accounts of c again with its change made,
// and turns the candidate into a fix.
func (c *candidate) counterfactual(s *Snapshot, in Inputs, res Result, memberOf map[string][]int32) Fix {
	fix := Fix{ID: c.id(), Kind: c.kind, Target: c.target, Docs: c.docs, Title: c.title(len(c.users))}
	fix.Accounts = make([]FixAccount, len(c.users))
	for j, i := range c.users {
		a := &res.Accounts[i]
		fix.Accounts[j] = FixAccount{ID: a.UserID, UPN: a.UserPrincipalName, DisplayName: a.DisplayName,
			Compliance: a.Compliance, After: a.Compliance, Privileged: HasPrivilegedMarker(a.Markers)}
	}
	if c.change != nil {
		t := newSubTenant(s, in, c.users, memberOf)
		c.change(t)
		after := Assess(&t.snap, t.in)
		for j := range fix.Accounts {
			fix.Accounts[j].After = after.Accounts[j].Compliance
			fix.Accounts[j].Resolved = !IsOpen(fix.Accounts[j].After)
		}
	}
	for _, a := range fix.Accounts {
		if a.Privileged {
			fix.Privileged++
		}
		if a.Resolved {
			fix.Resolves++
			if a.Privileged {
				fix.PrivilegedResolved++
			}
		}
	}
	slices.SortStableFunc(fix.Accounts, func(a, b FixAccount) int {
		switch {
		case a.Privileged != b.Privileged:
			return boolFirst(a.Privileged)
		case a.Compliance != b.Compliance:
			return boolFirst(a.Compliance == NonCompliant)
		case a.Resolved != b.Resolved:
			return boolFirst(a.Resolved)
		}
		return strings.Compare(strings.ToLower(a.UPN), strings.ToLower(b.UPN))
	})
	return fix
}

func boolFirst(first bool) int {
	if first {
		return -1
	}
	return 1
}

// without returns list without v (compared without regard to case), as a
// new slice.
func without(list []string, v string) []string {
	return slices.DeleteFunc(slices.Clone(list), func(s string) bool { return strings.EqualFold(s, v) })
}
