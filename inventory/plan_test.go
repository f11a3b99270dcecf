package inventory

import (
	"slices"
	"strings"
	"testing"
)

// planCase is a tenant whose fixes are known: which fix each open account
// needs, and what it resolves.
type planCase struct {
	name string
	kind TenantKind
	snap func() *Snapshot
	// want lists the fixes in rank order (kind and a fragment of the
	// title), with the accounts they touch and resolve.
	want []wantFix
}

type wantFix struct {
	kind               FixKind
	title              string
	accounts           []string // ids, in any order
	resolves           int
	privilegedResolved int
	policy, group      string // target ids, "" for none
}

func planCases() []planCase {
	return []planCase{
		{name: "one exclusion group", snap: func() *Snapshot {
			s := newSnapshot(person("p1"), person("p2"), person("p3"), person("p4"))
			for _, id := range []string{"p1", "p2", "p3", "p4"} {
				registered(s, id, "microsoftAuthenticatorPush")
			}
			// p4 is excluded through a nested group.
			s.Groups = []Group{
				{ID: "g-contractors", DisplayName: "Contractors", MemberUserIDs: []string{"p2", "p3"}, MemberGroupIDs: []string{"g-eu"}},
				{ID: "g-eu", DisplayName: "Contractors EU", MemberUserIDs: []string{"p4"}},
			}
			s.Policies = []Policy{requireMFA("CA001", func(p *Policy) { p.ExcludeGroups = []string{"g-contractors"} })}
			return s
		}, want: []wantFix{
			{kind: FixRemoveExclusion, title: "Remove group *Contractors* from *CA001*'s exclusions",
				accounts: []string{"p2", "p3", "p4"}, resolves: 3, policy: "id-CA001", group: "g-contractors"},
		}},
		{name: "one report-only policy", snap: func() *Snapshot {
			s := newSnapshot(person("p1"), person("p2"))
			registered(s, "p1", "microsoftAuthenticatorPush")
			registered(s, "p2", "microsoftAuthenticatorPush")
			s.Policies = []Policy{requireMFA("CA003", func(p *Policy) { p.State = "enabledForReportingButNotEnforced" })}
			return s
		}, want: []wantFix{
			{kind: FixRepairPolicy, title: "Switch *CA003* from report-only to on", accounts: []string{"p1", "p2"}, resolves: 2, policy: "id-CA003"},
		}},
		{name: "unregistered people", snap: func() *Snapshot {
			s := newSnapshot(person("p1"), person("p2"), person("p3"), person("admin"))
			registered(s, "p1", "microsoftAuthenticatorPush")
			registered(s, "p2") // a row, but nothing registered
			// p3 and admin have no registration details at all.
			s.Roles = []DirectoryRole{{ID: "r1", TemplateID: RoleGlobalAdministrator, DisplayName: "Global Administrator", MemberIDs: []string{"admin"}}}
			s.Policies = []Policy{requireMFA("CA001")}
			return s
		}, want: []wantFix{
			{kind: FixRegistration, title: "Register MFA for 3 people", accounts: []string{"p2", "p3", "admin"}, resolves: 3, privilegedResolved: 1},
		}},
		{name: "a room device in a CSP tenant", kind: KindCSP, snap: func() *Snapshot {
			room := withName(person("mtr1"), "Boardroom 4 MTR", "mtr-boardroom4@contoso.com")
			s := newSnapshot(person("p1"), room)
			registered(s, "p1", "microsoftAuthenticatorPush")
			s.Policies = []Policy{requireMFA("CA001", func(p *Policy) { p.ExcludeUsers = []string{"mtr1"} })}
			return s
		}, want: []wantFix{
			{kind: FixException, title: "Request technical exceptions for 1 room device", accounts: []string{"mtr1"}, resolves: 1},
			// Removing the exclusion alone does not help: a room device
			// cannot register.
			{kind: FixRemoveExclusion, title: "Stop *CA001* excluding 1 account by name", accounts: []string{"mtr1"}, resolves: 0, policy: "id-CA001"},
		}},
		{name: "a room device in a mixed tenant", snap: func() *Snapshot {
			s := newSnapshot(withName(person("mtr1"), "Boardroom 4 MTR", "mtr-boardroom4@contoso.com"))
			return s
		}, want: []wantFix{
			{kind: FixTenantSplit, title: "Move 1 room device to a separate production tenant", accounts: []string{"mtr1"}, resolves: 1},
			{kind: FixNewPolicy, title: "Create a policy that requires MFA for the 1 account no policy includes", accounts: []string{"mtr1"}},
		}},
		{name: "ranked by privileged accounts resolved, then accounts resolved", snap: func() *Snapshot {
			s := newSnapshot(person("admin"), person("c1"), person("u1"), person("u2"), person("u3"), person("both"))
			for _, id := range []string{"admin", "c1"} {
				registered(s, id, "microsoftAuthenticatorPush")
			}
			s.Roles = []DirectoryRole{{ID: "r1", TemplateID: RoleGlobalAdministrator, DisplayName: "Global Administrator", MemberIDs: []string{"admin"}}}
			s.Groups = []Group{{ID: "g-x", DisplayName: "Exclusions", MemberUserIDs: []string{"admin", "c1", "both"}}}
			s.Policies = []Policy{requireMFA("CA001", func(p *Policy) { p.ExcludeGroups = []string{"g-x"} })}
			return s
		}, want: []wantFix{
			// 2 resolved, 1 privileged: first, though the campaign resolves more.
			{kind: FixRemoveExclusion, title: "Remove group *Exclusions*", accounts: []string{"admin", "c1", "both"}, resolves: 2,
				privilegedResolved: 1, policy: "id-CA001", group: "g-x"},
			// "both" needs the two fixes: neither alone resolves it.
			{kind: FixRegistration, title: "Register MFA for 4 people", accounts: []string{"u1", "u2", "u3", "both"}, resolves: 3},
		}},
	}
}

func TestPlanFixesOfKnownTenants(t *testing.T) {
	for _, tc := range planCases() {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.snap()
			in := inputs()
			if tc.kind != "" {
				in.Settings.Kind = tc.kind
			}
			res := Assess(s, in)
			plan := PlanFixes(s, in, res)
			var got []string
			for _, f := range plan.Fixes {
				got = append(got, string(f.Kind)+": "+f.Title)
			}
			if len(plan.Fixes) != len(tc.want) {
				t.Fatalf("%d fixes, want %d:\n%s", len(plan.Fixes), len(tc.want), strings.Join(got, "\n"))
			}
			for i, w := range tc.want {
				f := plan.Fixes[i]
				if f.Kind != w.kind || !strings.Contains(f.Title, w.title) {
					t.Errorf("fix %d is %s %q, want %s containing %q", i+1, f.Kind, f.Title, w.kind, w.title)
				}
				var ids []string
				for _, a := range f.Accounts {
					ids = append(ids, a.ID)
				}
				slices.Sort(ids)
				want := slices.Sorted(slices.Values(w.accounts))
				if !slices.Equal(ids, want) {
					t.Errorf("fix %d touches %v, want %v", i+1, ids, want)
				}
				if f.Resolves != w.resolves || f.PrivilegedResolved != w.privilegedResolved {
					t.Errorf("fix %d resolves %d (%d privileged), want %d (%d)", i+1, f.Resolves, f.PrivilegedResolved, w.resolves, w.privilegedResolved)
				}
				if ref := f.Target.Policy; (ref == nil) != (w.policy == "") || (ref != nil && ref.ID != w.policy) {
					t.Errorf("fix %d targets policy %+v, want %q", i+1, ref, w.policy)
				}
				if ref := f.Target.Group; (ref == nil) != (w.group == "") || (ref != nil && ref.ID != w.group) {
					t.Errorf("fix %d targets group %+v, want %q", i+1, ref, w.group)
				}
				if f.Docs == "" || !strings.HasPrefix(f.Docs, "https://learn.microsoft.com/") {
					t.Errorf("fix %d has no Microsoft documentation: %q", i+1, f.Docs)
				}
			}
			everyOpenAccountInAFix(t, res, plan)
		})
	}
}

func everyOpenAccountInAFix(t testing.TB, res Result, plan Plan) {
	t.Helper()
	in := map[string]bool{}
	for _, f := range plan.Fixes {
		for _, a := range f.Accounts {
			in[a.ID] = true
			if !IsOpen(a.Compliance) {
				t.Errorf("fix %q lists %s, which is %s, not open", f.Title, a.UPN, a.Compliance)
			}
		}
	}
	open := 0
	for _, a := range res.Accounts {
		if !IsOpen(a.Compliance) {
			continue
		}
		open++
		if !in[a.UserID] {
			t.Errorf("open account %s (%s: %v) is in no fix", a.UserPrincipalName, a.Compliance, a.Reasons)
		}
	}
	if plan.Open != open {
		t.Errorf("the plan counts %d open accounts, the assessment %d", plan.Open, open)
	}
}

// A resolved count is a second assessment, never a guess: the counterfactual
// of the exclusion fix is exactly the tenant assessed without the exclusion.
func TestPlanResolvesAsTheRulesSay(t *testing.T) {
	tc := planCases()[len(planCases())-1]
	s := tc.snap()
	res := Assess(s, inputs())
	plan := PlanFixes(s, inputs(), res)
	fixed := *s
	fixed.Policies = []Policy{requireMFA("CA001")}
	after := Assess(&fixed, inputs())
	want := map[string]Compliance{}
	for _, a := range after.Accounts {
		want[a.UserID] = a.Compliance
	}
	for _, a := range plan.Fixes[0].Accounts {
		if a.After != want[a.ID] || a.Resolved != !IsOpen(want[a.ID]) {
			t.Errorf("%s: the plan says %s (resolved %v), the tenant assessed with the change %s", a.UPN, a.After, a.Resolved, want[a.ID])
		}
	}
}

// An open account no fix explains (its exclusion's members could not be
// read) lands in the review fix.
func TestPlanReviewsWhatNoFixExplains(t *testing.T) {
	s := newSnapshot(person("p1"))
	registered(s, "p1", "microsoftAuthenticatorPush")
	s.Present[CollGroups] = false
	s.Policies = []Policy{requireMFA("CA001", func(p *Policy) { p.ExcludeGroups = []string{"g-unknown"} })}
	res := Assess(s, inputs())
	plan := PlanFixes(s, inputs(), res)
	if len(plan.Fixes) != 1 || plan.Fixes[0].Kind != FixReview || plan.Fixes[0].Resolves != 0 {
		t.Fatalf("fixes %+v, want one review", plan.Fixes)
	}
	everyOpenAccountInAFix(t, res, plan)
}

// Registration details that could not be read are not "unregistered": the
// account is reviewed by hand, not sent to a registration campaign.
func TestPlanDoesNotGuessRegistrations(t *testing.T) {
	s := newSnapshot(person("p1"))
	s.Present[CollRegistrations] = false
	s.Policies = []Policy{requireMFA("CA001")}
	res := Assess(s, inputs())
	plan := PlanFixes(s, inputs(), res)
	if len(plan.Fixes) != 1 || plan.Fixes[0].Kind != FixReview {
		t.Fatalf("fixes %+v, want one review", plan.Fixes)
	}
	everyOpenAccountInAFix(t, res, plan)
}
