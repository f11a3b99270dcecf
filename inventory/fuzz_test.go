package inventory

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// byteSource turns fuzz input into choices; when it runs dry every choice
// is the first, so any input describes a tenant.
type byteSource struct {
	data []byte
	i    int
}

func (b *byteSource) next() int {
	if b.i >= len(b.data) {
		return 0
	}
	b.i++
	return int(b.data[b.i-1])
}

func (b *byteSource) n(limit int) int { return b.next() % limit }
func (b *byteSource) yes() bool       { return b.next()%2 == 1 }

func (b *byteSource) pick(list []string) string { return list[b.n(len(list))] }

func (b *byteSource) some(list []string) []string {
	if b.n(4) == 0 {
		return nil // absent
	}
	out := []string{} // present, maybe empty
	for range b.n(4) {
		out = append(out, b.pick(list))
	}
	return out
}

var (
	oddUsers     = []string{"u0", "u1", "u2", "U3", "u4", "u5", "", "All", "None", "GuestsOrExternalUsers", "all", "gone"}
	oddGroups    = []string{"g0", "g1", "g2", "G3", "g4", "", "missing"}
	oddRoles     = []string{RoleGlobalAdministrator, RoleDirectorySync, "role-obj-0", "unknown-role", ""}
	oddStates    = []string{"enabled", "disabled", "enabledForReportingButNotEnforced", "", "Enabled", "enabledSomeday"}
	oddApps      = []string{"All", "all", "Office365", "MicrosoftAdminPortals", "", "app-1"}
	oddLocations = []string{"All", "AllTrusted", "loc-0", "loc-1", "", "missing"}
	oddControls  = []string{"mfa", "MFA", "block", "compliantDevice", "domainJoinedDevice", "", "futureControl"}
	oddOperators = []string{"OR", "AND", "", "and", "XOR"}
	oddClients   = []string{"all", "browser", "mobileAppsAndDesktopClients", "exchangeActiveSync", "other", "", "futureApp"}
	oddGuests    = []string{"b2bCollaborationGuest", "b2bCollaborationMember", "internalGuest", "serviceProvider", "", "B2BCOLLABORATIONGUEST"}
	oddMethods   = []string{"fido2", "mobilePhone", "email", "microsoftAuthenticatorPush", "", "unknownMethod", "officePhone"}
	oddCombos    = []string{"fido2", "password,sms", "", ",", "password", "x509CertificateMultiFactor", "password,unknownMode"}
	oddPerUser   = []string{"", "enabled", "enforced", "disabled", "Enforced", "weird"}
	oddClientUse = []string{"Browser", "IMAP4", "Authenticated SMTP", "Other clients", "exchange web services", "", "Mobile Apps and Desktop clients"}
	oddReqs      = []string{singleReq, mfaReq, "", "SINGLEFACTORAUTHENTICATION"}
	oddNames     = []string{"svc-backup", "Break Glass", "MTR Oslo", "capital.apps", "", "#EXT#", "Sync_x", "  ", "room 12"}
	oddUPNs      = []string{"a@contoso.com", "Sync_SRV@contoso.com", "x_f.com#EXT#@contoso.com", "", "@", "svc@", "mtr-1@contoso.com"}
	oddTypes     = []string{"Member", "Guest", "", "guest", "Future"}
	oddKinds     = []string{"mixed", "csp", "production", "", "hybrid"}
)

func (b *byteSource) guests() *GuestsOrExternalUsers {
	if !b.yes() {
		return nil
	}
	return &GuestsOrExternalUsers{Types: b.some(oddGuests), ExternalTenantsAll: b.yes(), ExternalTenantIDs: b.some([]string{"t1", "t2", ""})}
}

func (b *byteSource) moment() time.Time {
	switch b.n(5) {
	case 0:
		return time.Time{}
	case 1:
		return asOf.Add(time.Duration(b.n(48)) * time.Hour) // after the moment of assessment
	}
	return asOf.Add(-time.Duration(b.next()*4) * time.Hour) // up to 42 days back
}

// oddTenant builds a tenant however odd the choices: unknown values, empty
// and absent lists, cycles between groups, self-membership, duplicates.
func oddTenant(b *byteSource) (*Snapshot, Inputs) {
	s := &Snapshot{Registrations: map[string]Registration{}, PerUserMFA: map[string]string{}, SignIns: map[string][]SignInFold{}}
	for i := range 1 + b.n(6) {
		id := fmt.Sprintf("u%d", i)
		if i == 3 {
			id = "U3" // ids in another case than the policies name them
		}
		s.Users = append(s.Users, User{ID: id, DisplayName: b.pick(oddNames), UserPrincipalName: b.pick(oddUPNs), Mail: b.pick(oddUPNs),
			UserType: b.pick(oddTypes), AccountEnabled: b.n(5) != 0, LastSignIn: b.moment(), LastNonInteractiveSignIn: b.moment()})
		if b.yes() {
			s.Registrations[id] = Registration{IsMfaRegistered: b.yes(), IsAdmin: b.yes(), MethodsRegistered: b.some(oddMethods)}
		}
		s.PerUserMFA[id] = b.pick(oddPerUser)
		for range b.n(4) {
			s.SignIns[id] = append(s.SignIns[id], SignInFold{Day: b.moment(), App: b.pick(oddNames), ClientAppUsed: b.pick(oddClientUse),
				Interactive: b.yes(), Requirement: b.pick(oddReqs), Success: b.yes(), Count: b.n(4) - 1, First: b.moment(), Last: b.moment()})
		}
	}
	for i := range b.n(6) {
		// Members are drawn from every group, the group itself included.
		s.Groups = append(s.Groups, Group{ID: fmt.Sprintf("g%d", i%5), DisplayName: b.pick([]string{"AdminAgents", "Teams Rooms", "", "MFA Exclusions"}),
			MemberUserIDs: b.some(oddUsers), MemberGroupIDs: b.some(oddGroups)})
	}
	for i := range b.n(3) {
		s.Roles = append(s.Roles, DirectoryRole{ID: fmt.Sprintf("role-obj-%d", i), TemplateID: b.pick(oddRoles), MemberIDs: b.some(oddUsers)})
	}
	s.NamedLocations = []NamedLocation{{ID: "loc-0", DisplayName: "HQ", IsTrusted: true}, {ID: "loc-1"}}
	s.Rooms = []Room{{ID: "r", DisplayName: "Room", EmailAddress: b.pick(oddUPNs)}}
	for i := range b.n(5) {
		p := Policy{ID: fmt.Sprintf("p%d", i), DisplayName: fmt.Sprintf("P%d", i), State: b.pick(oddStates),
			IncludeUsers: b.some(oddUsers), ExcludeUsers: b.some(oddUsers), IncludeGroups: b.some(oddGroups), ExcludeGroups: b.some(oddGroups),
			IncludeRoles: b.some(oddRoles), ExcludeRoles: b.some(oddRoles), IncludeGuests: b.guests(), ExcludeGuests: b.guests(),
			IncludeApplications: b.some(oddApps), ExcludeApplications: b.some(oddApps),
			HasLocations: b.yes(), IncludeLocations: b.some(oddLocations), ExcludeLocations: b.some(oddLocations),
			HasPlatforms: b.n(4) == 0, IncludePlatforms: b.some([]string{"all", "iOS", ""}), ExcludePlatforms: b.some([]string{"linux", ""}),
			ClientAppTypes: b.some(oddClients), SignInRiskLevels: b.some([]string{"high", ""}), UserRiskLevels: b.some([]string{"low"}),
			HasGrant: b.n(5) != 0, GrantOperator: b.pick(oddOperators), BuiltInControls: b.some(oddControls),
		}
		if b.n(6) == 0 {
			p.DeviceFilter = "device.isCompliant -eq True"
		}
		if b.n(6) == 0 {
			p.OtherConditions = []string{"authenticationFlows"}
		}
		if b.yes() {
			p.AuthStrength = &AuthStrength{DisplayName: b.pick([]string{"", "Strength"}), AllowedCombinations: b.some(oddCombos)}
		}
		s.Policies = append(s.Policies, p)
	}
	switch b.n(3) {
	case 0:
		s.SecurityDefaults = ptr(true)
	case 1:
		s.SecurityDefaults = ptr(false)
	}
	if b.n(3) != 0 {
		s.Present = map[string]bool{}
		for _, c := range Collections {
			s.Present[c] = b.n(4) != 0
		}
	}
	in := Inputs{Settings: DefaultSettings(TenantKind(b.pick(oddKinds))), AsOf: asOf}
	in.Settings.Window = time.Duration(b.n(3)) * 10 * 24 * time.Hour // 0 takes the default
	in.Settings.BreakGlassAccounts = b.some(oddUsers)
	in.Settings.RoomDeviceGroups = b.some([]string{"g1", "Teams Rooms", "", "nothing"})
	in.Overrides = map[string]Override{b.pick(oddUsers): {Category: Category(b.pick([]string{"", "room_device", "bogus"})), Path: Path(b.pick([]string{"", "app_password", "bogus"}))}}
	in.Exceptions = map[string]Exception{b.pick(oddUsers): {Granted: b.yes(), Expiry: b.moment()}}
	return s, in
}

// checkInvariants applies what must hold of any assessment.
func checkInvariants(t *testing.T, s *Snapshot, in Inputs) {
	t.Helper()
	res := Assess(s, in)
	if len(res.Accounts) != len(s.Users) {
		t.Fatalf("%d assessments for %d users", len(res.Accounts), len(s.Users))
	}
	total := 0
	for _, n := range res.Tenant.Counts {
		total += n
	}
	if total != len(s.Users) {
		t.Fatalf("counts add up to %d, not %d", total, len(s.Users))
	}
	d := NewDirectory(s)
	for i, a := range res.Accounts {
		u := s.Users[i]
		if a.UserID != u.ID {
			t.Fatalf("account %d is %q, want %q: the order of the users is kept", i, a.UserID, u.ID)
		}
		if !slices.Contains(Categories, a.Category) || !slices.Contains(Paths, a.Path) || len(a.Reasons) == 0 || a.CategoryReason == "" || a.PathReason == "" {
			t.Fatalf("%s: category %q path %q reasons %q", u.ID, a.Category, a.Path, a.Reasons)
		}
		switch {
		case !u.AccountEnabled && a.Compliance != NotApplicable:
			t.Fatalf("%s: disabled but %s", u.ID, a.Compliance)
		case u.AccountEnabled && !slices.Contains([]Compliance{Compliant, AtRisk, NonCompliant, Excepted}, a.Compliance):
			t.Fatalf("%s: enabled but %s", u.ID, a.Compliance)
		case a.Compliance == Compliant && len(a.EnforcedBy) == 0:
			t.Fatalf("%s: compliant with nothing enforcing", u.ID)
		case a.Compliance == NonCompliant && len(a.EnforcedBy) != 0:
			t.Fatalf("%s: non-compliant yet enforced by %q", u.ID, a.EnforcedBy)
		}
		acc := d.Account(u)
		for _, p := range s.Policies {
			explicit := slices.ContainsFunc(p.ExcludeUsers, func(x string) bool { return x != "" && equalFoldID(x, u.ID) })
			for _, g := range p.ExcludeGroups {
				explicit = explicit || acc.Groups.Contains(g)
			}
			if !explicit {
				continue
			}
			if c := CoverageOf(p, acc, d); c.Covers {
				t.Fatalf("%s is excluded by %s yet covered", u.ID, p.DisplayName)
			}
			if slices.Contains(a.EnforcedBy, p.DisplayName) {
				t.Fatalf("%s is excluded by %s yet enforced by it: %q", u.ID, p.DisplayName, a.EnforcedBy)
			}
		}
	}
	if res.Tenant.Ready && (res.Tenant.Counts[NonCompliant] > 0 || res.Tenant.Counts[AtRisk] > 0) {
		t.Fatalf("ready with %v", res.Tenant.Counts)
	}
}

func equalFoldID(a, b string) bool {
	return len(a) == len(b) && (a == b || lowerASCII(a) == lowerASCII(b))
}

func lowerASCII(s string) string {
	out := []byte(s)
	for i, c := range out {
		if 'A' <= c && c <= 'Z' {
			out[i] = c + 'a' - 'A'
		}
	}
	return string(out)
}

// FuzzAssess: no policy set however odd makes Assess panic or loop, and an
// account a policy explicitly excludes is never covered by that policy.
// Run it with: go test -run '^$' -fuzz FuzzAssess ./inventory/
func FuzzAssess(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("a tenant of odd policies and cyclic groups"))
	f.Add([]byte{5, 1, 1, 1, 1, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4})
	fuzzOddTenants(f, checkInvariants)
}

// fuzzOddTenants fuzzes check over the odd tenant each input's bytes make.
func fuzzOddTenants(f *testing.F, check func(*testing.T, *Snapshot, Inputs)) {
	f.Fuzz(func(t *testing.T, data []byte) {
		s, in := oddTenant(&byteSource{data: data})
		check(t, s, in)
	})
}

// TestAssessProperties runs the fuzz properties over many random tenants
// on every test run, not only under -fuzz.
func TestAssessProperties(t *testing.T) {
	t.Parallel()
	overOddTenants(t, rand.NewPCG(20261120, 1), 3000, checkInvariants)
}

// overOddTenants runs check over n odd tenants made of random bytes from
// src, one subtest each, and stops at the first that fails.
func overOddTenants(t *testing.T, src rand.Source, n int, check func(*testing.T, *Snapshot, Inputs)) {
	t.Helper()
	rng := rand.New(src)
	for i := range n {
		data := make([]byte, 64+rng.IntN(512))
		for j := range data {
			data[j] = byte(rng.UintN(256))
		}
		s, in := oddTenant(&byteSource{data: data})
		t.Run(fmt.Sprint(i), func(t *testing.T) { check(t, s, in) })
		if t.Failed() {
			break
		}
	}
}
