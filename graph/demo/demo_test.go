package demo_test

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
)

var asOf = time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	opts := demo.Options{Users: 3000, Groups: 300, Policies: 40, Seed: 7, AsOf: asOf}
	a, b := demo.Generate(opts), demo.Generate(opts)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs with the same options gave different tenants")
	}

	other := demo.Generate(demo.Options{Users: 3000, Groups: 300, Policies: 40, Seed: 8, AsOf: asOf})
	if other.Tenant.ID == a.Tenant.ID || other.Users[0].ID == a.Users[0].ID {
		t.Error("another seed kept the same ids")
	}
	if reflect.DeepEqual(a.Registrations, other.Registrations) {
		t.Error("another seed gave the same registrations")
	}
}

func TestGenerateKeepsIDsWhenTheTenantGrows(t *testing.T) {
	t.Parallel()
	small := demo.Generate(demo.Options{Seed: 3, AsOf: asOf})
	large := demo.Generate(demo.Options{Seed: 3, AsOf: asOf, Users: 5000})
	if small.Tenant.ID != large.Tenant.ID {
		t.Errorf("tenant id changed with the user count: %s, %s", small.Tenant.ID, large.Tenant.ID)
	}
	smallIDs := map[string]string{}
	for _, u := range small.Users {
		smallIDs[u.UserPrincipalName] = u.ID
	}
	for _, upn := range []string{"breakglass01@contosopartners.onmicrosoft.com", "ticketing@contoso-partners.com"} {
		u := findUser(t, large, upn)
		if u.ID != smallIDs[upn] {
			t.Errorf("%s: id %s in the large tenant, %s in the small one", upn, u.ID, smallIDs[upn])
		}
	}
}

func TestGenerateDefaults(t *testing.T) {
	t.Parallel()
	s := demo.Generate(demo.Options{AsOf: asOf})
	if len(s.Users) != 300 {
		t.Errorf("users = %d, want 300", len(s.Users))
	}
	if len(s.Policies) != demo.DemoPolicies {
		t.Errorf("policies = %d, want %d", len(s.Policies), demo.DemoPolicies)
	}
	if len(s.Groups) != demo.DemoGroups {
		t.Errorf("groups = %d, want %d", len(s.Groups), demo.DemoGroups)
	}
	if s.Tenant.DisplayName != "Contoso Partners" {
		t.Errorf("tenant name = %q", s.Tenant.DisplayName)
	}
	if want := []string{"contoso-partners.com", "contosopartners.onmicrosoft.com"}; !reflect.DeepEqual(s.Tenant.Domains, want) {
		t.Errorf("domains = %v, want %v", s.Tenant.Domains, want)
	}
	if s.SecurityDefaults == nil || *s.SecurityDefaults {
		t.Errorf("security defaults = %v, want false", s.SecurityDefaults)
	}
	for _, c := range inventory.Collections {
		if !s.Present[c] {
			t.Errorf("collection %s not marked present", c)
		}
	}
	if len(s.Warnings) != 0 {
		t.Errorf("warnings: %v", s.Warnings)
	}
}

func TestGenerateCountsMatchOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                    string
		opts                    demo.Options
		users, groups, policies int
		depth                   int // deepest chain of groups
	}{
		{"below the minimum", demo.Options{Users: 1, Groups: 1, Policies: 1}, demo.MinUsers, demo.DemoGroups, demo.DemoPolicies, 3},
		{"negative", demo.Options{Users: -5, Groups: -1, Policies: -1, GroupDepth: -2}, 300, demo.DemoGroups, demo.DemoPolicies, 3},
		{"at the minimum", demo.Options{Users: demo.MinUsers}, demo.MinUsers, demo.DemoGroups, demo.DemoPolicies, 3},
		{"medium", demo.Options{Users: 1234, Groups: 101, Policies: 33}, 1234, 101, 33, 3},
		{"flat groups", demo.Options{Users: 500, Groups: 60, GroupDepth: 1, Policies: 20}, 500, 60, 20, 3},
		{"deep groups", demo.Options{Users: 500, Groups: 200, GroupDepth: 6, Policies: 60}, 500, 200, 60, 6},
		{"benchmark 10k", demo.Options{Users: 10000, Groups: 2000, GroupDepth: 3, Policies: 50}, 10000, 2000, 50, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.AsOf = asOf
			s := demo.Generate(tt.opts)
			if len(s.Users) != tt.users {
				t.Errorf("users = %d, want %d", len(s.Users), tt.users)
			}
			if len(s.Groups) != tt.groups {
				t.Errorf("groups = %d, want %d", len(s.Groups), tt.groups)
			}
			if len(s.Policies) != tt.policies {
				t.Errorf("policies = %d, want %d", len(s.Policies), tt.policies)
			}
			heights := groupHeights(t, s)
			deepest := 0
			for _, h := range heights {
				deepest = max(deepest, h)
			}
			if deepest != tt.depth {
				t.Errorf("deepest nesting = %d groups, want %d", deepest, tt.depth)
			}
			if depth := tt.opts.GroupDepth; depth > 0 {
				for _, grp := range s.Groups[demo.DemoGroups:] {
					if heights[grp.ID] > depth {
						t.Errorf("generated group %q nests %d deep, more than %d", grp.DisplayName, heights[grp.ID], depth)
					}
				}
			}
			checkIntegrity(t, s, asOf)
		})
	}
}

func TestGenerateTenantName(t *testing.T) {
	t.Parallel()
	s := demo.Generate(demo.Options{TenantName: "  Northwind Cloud B.V. ", AsOf: asOf})
	if s.Tenant.DisplayName != "Northwind Cloud B.V." {
		t.Errorf("tenant name = %q", s.Tenant.DisplayName)
	}
	if want := []string{"northwind-cloud-b-v.com", "northwindcloudbv.onmicrosoft.com"}; !reflect.DeepEqual(s.Tenant.Domains, want) {
		t.Errorf("domains = %v, want %v", s.Tenant.Domains, want)
	}
	findUser(t, s, "breakglass01@northwindcloudbv.onmicrosoft.com")
	findUser(t, s, "ticketing@northwind-cloud-b-v.com")

	odd := demo.Generate(demo.Options{TenantName: "***", AsOf: asOf})
	if want := []string{"tenant.com", "tenant.onmicrosoft.com"}; !reflect.DeepEqual(odd.Tenant.Domains, want) {
		t.Errorf("a name without letters: domains = %v, want %v", odd.Tenant.Domains, want)
	}
}

func TestGenerateAsOf(t *testing.T) {
	t.Parallel()
	amsterdam := time.FixedZone("CET", 3600)
	s := demo.Generate(demo.Options{AsOf: time.Date(2026, 11, 16, 10, 42, 17, 5, amsterdam)})
	want := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	checkIntegrity(t, s, want)
	for id, folds := range s.SignIns {
		for _, f := range folds {
			if f.Last.Location() != time.UTC || f.Last.Nanosecond() != 0 {
				t.Fatalf("user %s: fold time %v is not whole seconds in UTC", id, f.Last)
			}
		}
	}

	now := demo.Generate(demo.Options{})
	for _, f := range now.SignIns[findUser(t, now, "ticketing@contoso-partners.com").ID] {
		if f.Last.After(time.Now()) || f.Last.Before(time.Now().Add(-demo.Window)) {
			t.Errorf("default AsOf: a ticketing sign-in at %v is not in the 30 days before now", f.Last)
		}
	}
}

var guidShape = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// checkIntegrity verifies that every reference in the snapshot resolves, ids
// look like Graph's and are unique, and sign-ins agree with signInActivity.
func checkIntegrity(t *testing.T, s *inventory.Snapshot, asOf time.Time) {
	t.Helper()
	ids := map[string]string{}
	claim := func(kind, id string) {
		if !guidShape.MatchString(id) {
			t.Errorf("%s id %q is not GUID-shaped", kind, id)
		}
		if prev, ok := ids[id]; ok {
			t.Errorf("id %s used by a %s and a %s", id, prev, kind)
		}
		ids[id] = kind
	}
	claim("tenant", s.Tenant.ID)
	users := map[string]inventory.User{}
	upns := map[string]bool{}
	for _, u := range s.Users {
		claim("user", u.ID)
		users[u.ID] = u
		if upns[strings.ToLower(u.UserPrincipalName)] {
			t.Errorf("UPN %s given twice", u.UserPrincipalName)
		}
		upns[strings.ToLower(u.UserPrincipalName)] = true
		if _, ok := s.PerUserMFA[u.ID]; !ok {
			t.Errorf("%s has no per-user MFA state", u.UserPrincipalName)
		}
		if u.CreatedDateTime.After(asOf) || u.LastSignIn.After(asOf) || u.LastNonInteractiveSignIn.After(asOf) {
			t.Errorf("%s has a date after AsOf", u.UserPrincipalName)
		}
	}
	groups := map[string]bool{}
	for _, g := range s.Groups {
		claim("group", g.ID)
		groups[g.ID] = true
	}
	for _, g := range s.Groups {
		for _, m := range g.MemberUserIDs {
			if _, ok := users[m]; !ok {
				t.Errorf("group %s: member %s is no user", g.DisplayName, m)
			}
		}
		for _, m := range g.MemberGroupIDs {
			if !groups[m] {
				t.Errorf("group %s: nested %s is no group", g.DisplayName, m)
			}
		}
	}
	for _, r := range s.Roles {
		claim("role", r.ID)
		for _, m := range r.MemberIDs {
			if _, ok := users[m]; !ok {
				t.Errorf("role %s: member %s is no user", r.DisplayName, m)
			}
		}
	}
	locations := map[string]bool{"All": true, "AllTrusted": true}
	for _, l := range s.NamedLocations {
		claim("named location", l.ID)
		locations[l.ID] = true
	}
	for _, r := range s.Rooms {
		claim("room", r.ID)
	}
	for _, p := range s.Policies {
		claim("policy", p.ID)
		for _, list := range [][]string{p.IncludeUsers, p.ExcludeUsers} {
			for _, id := range list {
				if _, ok := users[id]; !ok && id != "All" && id != "None" && id != "GuestsOrExternalUsers" {
					t.Errorf("policy %s: user %s is unknown", p.DisplayName, id)
				}
			}
		}
		for _, list := range [][]string{p.IncludeGroups, p.ExcludeGroups} {
			for _, id := range list {
				if !groups[id] {
					t.Errorf("policy %s: group %s is unknown", p.DisplayName, id)
				}
			}
		}
		for _, list := range [][]string{p.IncludeLocations, p.ExcludeLocations} {
			for _, id := range list {
				if !locations[id] {
					t.Errorf("policy %s: location %s is unknown", p.DisplayName, id)
				}
			}
		}
		if !p.HasGrant {
			t.Errorf("policy %s has no grant", p.DisplayName)
		}
	}
	for id := range s.Registrations {
		if _, ok := users[id]; !ok {
			t.Errorf("registration of unknown user %s", id)
		}
	}
	for id := range s.PerUserMFA {
		if _, ok := users[id]; !ok {
			t.Errorf("per-user MFA state of unknown user %s", id)
		}
	}
	for id, folds := range s.SignIns {
		u, ok := users[id]
		if !ok {
			t.Errorf("sign-ins of unknown user %s", id)
			continue
		}
		checkFolds(t, u, folds, asOf)
	}
}

func checkFolds(t *testing.T, u inventory.User, folds []inventory.SignInFold, asOf time.Time) {
	t.Helper()
	start := asOf.Add(-demo.Window)
	for _, f := range folds {
		switch {
		case f.Count < 1:
			t.Errorf("%s: fold of %d events", u.UserPrincipalName, f.Count)
		case !f.Day.Equal(f.First.Truncate(24*time.Hour)) || !f.Day.Equal(f.Last.Truncate(24*time.Hour)):
			t.Errorf("%s: fold of day %v runs %v to %v", u.UserPrincipalName, f.Day, f.First, f.Last)
		case f.First.After(f.Last) || f.Last.After(asOf):
			t.Errorf("%s: fold runs %v to %v (AsOf %v)", u.UserPrincipalName, f.First, f.Last, asOf)
		case f.Day.Before(start) && !f.Last.Before(start.Add(-24*time.Hour)):
			t.Errorf("%s: fold of day %v straddles the window's start %v", u.UserPrincipalName, f.Day, start)
		case f.Interactive && u.LastSignIn.Before(f.Last):
			t.Errorf("%s: lastSignIn %v before an interactive sign-in at %v", u.UserPrincipalName, u.LastSignIn, f.Last)
		case !f.Interactive && u.LastNonInteractiveSignIn.Before(f.Last):
			t.Errorf("%s: lastNonInteractiveSignIn %v before a sign-in at %v", u.UserPrincipalName, u.LastNonInteractiveSignIn, f.Last)
		case f.Success && u.LastSuccessfulSignIn.Before(f.Last):
			t.Errorf("%s: lastSuccessfulSignIn %v before a sign-in at %v", u.UserPrincipalName, u.LastSuccessfulSignIn, f.Last)
		}
	}
	for i := range folds {
		for j := range i {
			a, b := folds[i], folds[j]
			if a.Day.Equal(b.Day) && a.App == b.App && a.ClientAppUsed == b.ClientAppUsed &&
				a.Interactive == b.Interactive && a.Requirement == b.Requirement && a.Success == b.Success {
				t.Errorf("%s: two folds of the same day and kind", u.UserPrincipalName)
			}
		}
	}
}

// groupHeights gives each group the length of the longest chain of groups
// from it down (1 for a group holding no groups), failing on a cycle.
func groupHeights(t *testing.T, s *inventory.Snapshot) map[string]int {
	t.Helper()
	byID := map[string]inventory.Group{}
	for _, g := range s.Groups {
		byID[g.ID] = g
	}
	heights := map[string]int{}
	visiting := map[string]bool{}
	var height func(id string) int
	height = func(id string) int {
		if h, ok := heights[id]; ok {
			return h
		}
		if visiting[id] {
			t.Fatalf("group %s nests itself", byID[id].DisplayName)
		}
		visiting[id] = true
		h := 1
		for _, child := range byID[id].MemberGroupIDs {
			h = max(h, 1+height(child))
		}
		heights[id] = h
		return h
	}
	for _, g := range s.Groups {
		height(g.ID)
	}
	return heights
}

func findUser(t *testing.T, s *inventory.Snapshot, upn string) inventory.User {
	t.Helper()
	for _, u := range s.Users {
		if strings.EqualFold(u.UserPrincipalName, upn) {
			return u
		}
	}
	t.Fatalf("no user %s", upn)
	return inventory.User{}
}

func BenchmarkGenerate100k(b *testing.B) {
	opts := demo.Options{Users: 100000, Groups: 2000, GroupDepth: 3, Policies: 50, Seed: 1, AsOf: asOf}
	b.ReportAllocs()
	for b.Loop() {
		demo.Generate(opts)
	}
}
