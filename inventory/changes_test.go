package inventory

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// changeTenant is the tenant every change test starts from: two registered
// people, a group Contractors (with Contractors EU nested in it), and CA001
// requiring MFA of all users but Contractors. Everyone is compliant.
func changeTenant() *Snapshot {
	s := newSnapshot(person("ann"), person("bob"))
	registered(s, "ann", "microsoftAuthenticatorPush")
	registered(s, "bob", "microsoftAuthenticatorPush")
	s.Groups = []Group{
		{ID: "g-con", DisplayName: "Contractors", MemberGroupIDs: []string{"g-eu"}},
		{ID: "g-eu", DisplayName: "Contractors EU"},
		{ID: "g-staff", DisplayName: "Staff"},
	}
	s.Policies = []Policy{requireMFA("CA001", func(p *Policy) { p.ExcludeGroups = []string{"g-con"} })}
	return s
}

// lastOf is what a sync of s stores as the last verdicts.
func lastOf(s *Snapshot) map[string]LastVerdict {
	last := map[string]LastVerdict{}
	for _, a := range Assess(s, inputs()).Accounts {
		last[a.UserID] = LastVerdict{UserPrincipalName: a.UserPrincipalName, Compliance: a.Compliance, Reasons: a.Reasons}
	}
	return last
}

func TestChangesSince(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// edit turns the first sync's tenant into the second's.
		edit func(s *Snapshot)
		want []Change // causes compared as given
	}{
		{name: "nothing changed", edit: func(*Snapshot) {}},
		{name: "joined an excluded group",
			edit: func(s *Snapshot) { s.Groups[0].MemberUserIDs = []string{"ann"} },
			want: []Change{{UserID: "ann", From: Compliant, To: NonCompliant, Direction: Worse,
				Causes: []string{"joined group *Contractors*, which *CA001* excludes"}}}},
		{name: "joined a nested group of an excluded one",
			edit: func(s *Snapshot) { s.Groups[1].MemberUserIDs = []string{"bob"} },
			want: []Change{{UserID: "bob", From: Compliant, To: NonCompliant, Direction: Worse,
				Causes: []string{"joined group *Contractors EU* (in *Contractors*), which *CA001* excludes"}}}},
		{name: "policy switched to report-only",
			edit: func(s *Snapshot) { s.Policies[0].State = "enabledForReportingButNotEnforced" },
			want: []Change{
				{UserID: "ann", From: Compliant, To: NonCompliant, Direction: Worse, Causes: []string{"*CA001* switched to report-only"}},
				{UserID: "bob", From: Compliant, To: NonCompliant, Direction: Worse, Causes: []string{"*CA001* switched to report-only"}},
			}},
		{name: "policy deleted",
			edit: func(s *Snapshot) { s.Policies = nil },
			want: []Change{
				{UserID: "ann", From: Compliant, To: NonCompliant, Direction: Worse, Causes: []string{"policy *CA001* deleted"}},
				{UserID: "bob", From: Compliant, To: NonCompliant, Direction: Worse, Causes: []string{"policy *CA001* deleted"}},
			}},
		{name: "joined a group the policy excludes from now on",
			edit: func(s *Snapshot) {
				s.Groups[2].MemberUserIDs = []string{"ann"}
				s.Policies[0].ExcludeGroups = []string{"g-con", "g-staff"}
			},
			want: []Change{{UserID: "ann", From: Compliant, To: NonCompliant, Direction: Worse,
				Causes: []string{"joined group *Staff*, which *CA001* excludes"}}}},
		{name: "new single-factor sign-in over IMAP4",
			edit: func(s *Snapshot) {
				day := asOf.Add(-24 * time.Hour).Truncate(24 * time.Hour)
				s.SignIns["bob"] = []SignInFold{{Day: day, App: "Office 365 Exchange Online", ClientAppUsed: "IMAP4",
					Requirement: "singleFactorAuthentication", Success: true, Count: 3, First: day, Last: day.Add(time.Hour)}}
			},
			want: []Change{{UserID: "bob", From: Compliant, To: AtRisk, Direction: Worse,
				Causes: []string{"new single-factor sign-in over IMAP4 to *Office 365 Exchange Online* on 19 Nov 2026"}}}},
		{name: "MFA registration lost",
			edit: func(s *Snapshot) { registered(s, "ann") },
			want: []Change{{UserID: "ann", From: Compliant, To: AtRisk, Direction: Worse,
				Causes: []string{"no longer registered for MFA"}}}},
		{name: "account disabled",
			edit: func(s *Snapshot) { s.Users[1].AccountEnabled = false },
			want: []Change{{UserID: "bob", From: Compliant, To: NotApplicable, Direction: Changed,
				Causes: []string{"account disabled"}}}},
		{name: "new and removed accounts",
			edit: func(s *Snapshot) { s.Users = []User{s.Users[0], person("cat")} },
			want: []Change{
				{UserID: "cat", To: AtRisk, Direction: Added, Causes: []string{"new account", "not registered for MFA: no registration details"}},
				{UserID: "bob", From: Compliant, Direction: Removed, Causes: []string{"account removed from the tenant"}},
			}},
		{name: "security defaults turned on",
			edit: func(s *Snapshot) {
				s.Policies = nil
				s.SecurityDefaults = ptr(true)
			},
			want: []Change{
				{UserID: "ann", From: Compliant, To: Compliant},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			prev := changeTenant()
			next := changeTenant()
			tc.edit(next)
			res := Assess(next, inputs())
			last := lastOf(prev)
			got := ChangesSince(prev, last, next, res)
			want := slices.DeleteFunc(slices.Clone(tc.want), func(c Change) bool { return c.From == c.To })
			if len(got) != len(want) {
				t.Fatalf("got %d changes, want %d:\n%s", len(got), len(want), dumpChanges(got))
			}
			for i, w := range want {
				g := got[i]
				if g.UserID != w.UserID || g.From != w.From || g.To != w.To || g.Direction != w.Direction ||
					!slices.Equal(g.Causes[:min(len(g.Causes), len(w.Causes))], w.Causes) || len(g.Causes) < len(w.Causes) {
					t.Errorf("change %d:\n got %s\nwant %s", i, dumpChanges([]Change{g}), dumpChanges([]Change{w}))
				}
			}
			if tc.name != "nothing changed" && VerdictsChanged(last, res) != (len(want) > 0) {
				t.Errorf("VerdictsChanged = %v with %d changes", !(len(want) > 0), len(want))
			}
		})
	}
}

// A group that joins and a policy that now excludes it are told apart: the
// account was in Staff before; CA001 now excludes Staff.
func TestChangesSincePolicyNowExcludes(t *testing.T) {
	t.Parallel()
	prev := changeTenant()
	prev.Groups[2].MemberUserIDs = []string{"ann"}
	next := changeTenant()
	next.Groups[2].MemberUserIDs = []string{"ann"}
	next.Policies[0].ExcludeGroups = []string{"g-con", "g-staff"}
	got := ChangesSince(prev, lastOf(prev), next, Assess(next, inputs()))
	if len(got) != 1 || !slices.Equal(got[0].Causes, []string{"*CA001* now excludes group *Staff*"}) {
		t.Errorf("got %s", dumpChanges(got))
	}
	// And back: the exclusion dropped is an improvement with its cause.
	back := ChangesSince(next, lastOf(next), prev, Assess(prev, inputs()))
	if len(back) != 1 || back[0].Direction != Better || !slices.Equal(back[0].Causes, []string{"*CA001* no longer excludes group *Staff*"}) {
		t.Errorf("back: %s", dumpChanges(back))
	}
}

// Leaving the excluded group is better, and says so.
func TestChangesSinceLeftGroup(t *testing.T) {
	t.Parallel()
	prev := changeTenant()
	prev.Groups[0].MemberUserIDs = []string{"ann"}
	next := changeTenant()
	got := ChangesSince(prev, lastOf(prev), next, Assess(next, inputs()))
	if len(got) != 1 || got[0].Direction != Better || got[0].Regression() ||
		!slices.Equal(got[0].Causes, []string{"left group *Contractors*, which *CA001* excludes"}) {
		t.Errorf("got %s", dumpChanges(got))
	}
}

func TestChangesSinceFirstSync(t *testing.T) {
	t.Parallel()
	next := changeTenant()
	res := Assess(next, inputs())
	if got := ChangesSince(nil, nil, next, res); got != nil {
		t.Errorf("a first sync records %d changes", len(got))
	}
	if VerdictsChanged(nil, res) {
		t.Error("a first sync reports changed verdicts")
	}
}

func TestChangeRegression(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		c    Change
		want bool
	}{
		{Change{From: Compliant, To: NonCompliant, Direction: Worse}, true},
		{Change{From: NonCompliant, To: Compliant, Direction: Better}, false},
		{Change{To: NonCompliant, Direction: Added}, true},
		{Change{To: Compliant, Direction: Added}, false},
		{Change{From: NonCompliant, Direction: Removed}, false},
		{Change{From: Compliant, To: NotApplicable, Direction: Changed}, false},
	} {
		if got := tc.c.Regression(); got != tc.want {
			t.Errorf("%s %s→%s: regression %v, want %v", tc.c.Direction, tc.c.From, tc.c.To, got, tc.want)
		}
	}
}

func dumpChanges(cs []Change) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(c.UserID + " " + string(c.From) + "→" + string(c.To) + " " + string(c.Direction) + ": " + strings.Join(c.Causes, " | ") + "\n")
	}
	return b.String()
}
