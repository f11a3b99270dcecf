package inventory

import (
	"slices"
	"testing"
)

func TestGroupMembershipIsTransitiveWithItsChain(t *testing.T) {
	t.Parallel()
	g := newGroupGraph([]Group{
		{ID: "g-excl", DisplayName: "MFA Exclusions", MemberGroupIDs: []string{"g-contr", "g-missing"}},
		{ID: "g-contr", DisplayName: "Contractors EU", MemberGroupIDs: []string{"G-NL"}, MemberUserIDs: []string{"u1"}},
		{ID: "g-nl", DisplayName: "Contractors NL", MemberUserIDs: []string{"U2"}},
		{ID: "g-other", DisplayName: "Other", MemberUserIDs: []string{"u3"}},
	})
	tests := []struct {
		user, group string
		chain       []string
	}{
		{"u1", "g-contr", []string{"Contractors EU"}},
		{"u1", "g-excl", []string{"Contractors EU", "MFA Exclusions"}},
		{"u2", "g-excl", []string{"Contractors NL", "Contractors EU", "MFA Exclusions"}}, // ids ignore case
		{"u2", "g-nl", []string{"Contractors NL"}},
		{"u3", "g-excl", nil},
		{"u1", "g-nl", nil}, // membership goes up, never down
		{"nobody", "g-excl", nil},
		{"u1", "g-missing", nil},
	}
	for _, tt := range tests {
		m := g.membership(tt.user)
		if got := m.Chain(tt.group); !slices.Equal(got, tt.chain) {
			t.Errorf("%s in %s: chain %q, want %q", tt.user, tt.group, got, tt.chain)
		}
		if got := m.Contains(tt.group); got != (tt.chain != nil) {
			t.Errorf("%s in %s: Contains = %v", tt.user, tt.group, got)
		}
	}
	ids := g.membership("u2").IDs()
	slices.Sort(ids)
	if want := []string{"g-contr", "g-excl", "g-nl"}; !slices.Equal(ids, want) {
		t.Errorf("IDs = %q, want %q", ids, want)
	}
}

func TestGroupCyclesAndSelfMembershipEnd(t *testing.T) {
	t.Parallel()
	g := newGroupGraph([]Group{
		// Listing: a lists b, b lists c and itself, c lists a. Going up
		// from u's group a: a is in c, c is in b, b is in a and in b.
		{ID: "a", DisplayName: "A", MemberGroupIDs: []string{"b"}, MemberUserIDs: []string{"u"}},
		{ID: "b", DisplayName: "B", MemberGroupIDs: []string{"c", "b"}},
		{ID: "c", DisplayName: "C", MemberGroupIDs: []string{"a"}},
		{ID: "a", DisplayName: "A again", MemberUserIDs: []string{"v"}}, // a duplicate id adds its members
	})
	m := g.membership("u")
	for _, id := range []string{"a", "b", "c"} {
		if !m.Contains(id) {
			t.Errorf("u should be in %s through the cycle", id)
		}
	}
	if got := m.Chain("b"); !slices.Equal(got, []string{"A", "C", "B"}) {
		t.Errorf("chain to b = %q", got)
	}
	if len(m.IDs()) != 3 {
		t.Errorf("IDs = %q, want each group once", m.IDs())
	}
	if !g.membership("v").Contains("c") {
		t.Error("members of a duplicate listing count too")
	}
}

func TestMembershipShortestExplanation(t *testing.T) {
	t.Parallel()
	// u is in top both directly and through two levels: the reason names
	// the shortest way.
	g := newGroupGraph([]Group{
		{ID: "top", DisplayName: "Top", MemberGroupIDs: []string{"mid"}, MemberUserIDs: []string{"u"}},
		{ID: "mid", DisplayName: "Mid", MemberGroupIDs: []string{"low"}},
		{ID: "low", DisplayName: "Low", MemberUserIDs: []string{"u"}},
	})
	if got := g.membership("u").Chain("top"); !slices.Equal(got, []string{"Top"}) {
		t.Errorf("chain = %q, want the direct membership", got)
	}
	if got := describeChain([]string{"Contractors EU", "MFA Exclusions"}); got != "group *Contractors EU*, a member of *MFA Exclusions*" {
		t.Errorf("describeChain = %q", got)
	}
}

func TestZeroMembershipIsEmpty(t *testing.T) {
	t.Parallel()
	var m Membership
	if m.Contains("x") || m.Chain("x") != nil || len(m.IDs()) != 0 {
		t.Error("a zero Membership belongs to nothing")
	}
}
