package inventory

import (
	"slices"
	"testing"
)

// gapTenant has 3 contractors excluded from CA001 through two groups, 2
// of them also kept out by a report-only policy alone, one account no
// policy includes, and 4 compliant people.
func gapTenant() *Snapshot {
	var users []User
	for _, id := range []string{"c1", "c2", "c3", "p1", "p2", "p3", "p4"} {
		users = append(users, person(id))
	}
	users = append(users, withName(person("x1"), "Outsider", "outsider@contoso.com"))
	s := newSnapshot(users...)
	s.Groups = []Group{
		{ID: "g-excl", DisplayName: "MFA Exclusions", MemberGroupIDs: []string{"g-eu"}, MemberUserIDs: []string{"c3"}},
		{ID: "g-eu", DisplayName: "Contractors EU", MemberUserIDs: []string{"c1", "c2"}},
		{ID: "g-staff", DisplayName: "Staff", MemberUserIDs: []string{"c1", "c2", "c3", "p1", "p2", "p3", "p4"}},
	}
	s.Policies = []Policy{
		requireMFA("CA001 - Require MFA for all users", func(p *Policy) {
			p.IncludeUsers, p.IncludeGroups, p.ExcludeGroups = nil, []string{"g-staff"}, []string{"g-excl"}
		}),
		requireMFA("CA003", func(p *Policy) {
			p.State = "enabledForReportingButNotEnforced"
			p.IncludeUsers, p.IncludeGroups = nil, []string{"g-eu"}
		}),
		requireMFA("CA007", func(p *Policy) { p.BuiltInControls = []string{"block"} }), // no MFA intent: no gap
	}
	for _, id := range []string{"c1", "c2", "c3", "p1", "p2", "p3", "p4", "x1"} {
		registered(s, id, "microsoftAuthenticatorPush")
	}
	return s
}

func TestTenantGapsWorstFirst(t *testing.T) {
	t.Parallel()
	res := Assess(gapTenant(), inputs())
	v := res.Tenant
	if v.Ready {
		t.Fatal("a tenant with non-compliant accounts is not ready")
	}
	if v.Counts[NonCompliant] != 4 || v.Counts[Compliant] != 4 {
		t.Fatalf("counts %v", v.Counts)
	}
	want := []Gap{
		{Policy: "CA001 - Require MFA for all users", Accounts: 3, Description: "CA001 - Require MFA for all users excludes 3 accounts through 1 group"},
		{Policy: "CA003", Accounts: 2, Description: "CA003 is report-only (would cover 2 accounts)"},
		{Policy: "", Accounts: 1, Description: "no policy that requires MFA includes 1 account"},
	}
	if !slices.Equal(v.Gaps, want) {
		t.Errorf("gaps\n got %+v\nwant %+v", v.Gaps, want)
	}
	if v.TenantID != "tenant-1" || v.DisplayName != "Contoso Partners" || v.Kind != KindMixed || !v.AsOf.Equal(asOf) {
		t.Errorf("tenant identity: %+v", v)
	}
}

func TestTenantGapCountsGroupsAndWays(t *testing.T) {
	t.Parallel()
	s := gapTenant()
	// CA001 now also excludes c3's own group and one person by name.
	s.Groups = append(s.Groups, Group{ID: "g-c3", DisplayName: "Vendors", MemberUserIDs: []string{"c3"}})
	s.Policies[0].ExcludeGroups = []string{"g-eu", "g-c3"}
	s.Policies[0].ExcludeUsers = []string{"p4"}
	res := Assess(s, inputs())
	if got := res.Tenant.Gaps[0].Description; got != "CA001 - Require MFA for all users excludes 4 accounts through 2 groups and 1 by name" {
		t.Errorf("gap %q", got)
	}
}

func TestTenantReady(t *testing.T) {
	t.Parallel()
	s := newSnapshot(person("a"), person("b"), person("c"))
	s.SecurityDefaults = ptr(true)
	registered(s, "a", "fido2")
	registered(s, "b", "fido2")
	s.Users[2].AccountEnabled = false
	res := Assess(s, inputs())
	if !res.Tenant.Ready {
		t.Fatalf("compliant and disabled accounts only: ready; %+v", res.Tenant.Counts)
	}
	s.SignIns["b"] = []SignInFold{fold(asOf.Add(-3600e9), "SharePoint Online", "Browser", true, singleReq)}
	if res := Assess(s, inputs()); res.Tenant.Ready || res.Tenant.Counts[AtRisk] != 1 {
		t.Errorf("an at-risk account keeps the tenant from ready: %+v", res.Tenant.Counts)
	}
}

func TestTenantCountsByCategoryPathMarker(t *testing.T) {
	t.Parallel()
	guest := withName(User{ID: "g", UserType: "Guest", AccountEnabled: true}, "Jane", "jane_f.com#EXT#@contoso.onmicrosoft.com")
	admin := person("a")
	s := newSnapshot(person("p"), admin, guest, withName(person("s"), "svc-backup", "svc-backup@contoso.com"), withName(person("r"), "MTR Oslo", "mtr@contoso.com"))
	s.Roles = []DirectoryRole{{TemplateID: RoleGlobalAdministrator, MemberIDs: []string{"a"}}}
	s.Policies = []Policy{requireMFA("CA001")}
	for _, id := range []string{"p", "a", "g", "s", "r"} {
		registered(s, id, "fido2")
	}
	v := Assess(s, inputs()).Tenant
	wantCat := map[Category]int{OfficeWorker: 2, GuestAccount: 1, ServiceAccount: 1, RoomDevice: 1}
	wantPath := map[Path]int{MFAEnrolment: 3, SecureAppModel: 1, TenantSplit: 1}
	for k, n := range wantCat {
		if v.ByCategory[k] != n {
			t.Errorf("ByCategory[%s] = %d, want %d", k, v.ByCategory[k], n)
		}
	}
	for k, n := range wantPath {
		if v.ByPath[k] != n {
			t.Errorf("ByPath[%s] = %d, want %d", k, v.ByPath[k], n)
		}
	}
	if v.ByMarker[Privileged] != 1 || v.PrivilegedCounts[Compliant] != 1 || !v.PrivilegedReady || !v.Ready {
		t.Errorf("markers %v privileged %v ready %v/%v", v.ByMarker, v.PrivilegedCounts, v.PrivilegedReady, v.Ready)
	}
	s.Registrations["a"] = Registration{}
	if v := Assess(s, inputs()).Tenant; v.PrivilegedReady || v.PrivilegedCounts[AtRisk] != 1 {
		t.Errorf("an unregistered admin: privileged ready %v, %v", v.PrivilegedReady, v.PrivilegedCounts)
	}
}

func TestTenantUnchecked(t *testing.T) {
	t.Parallel()
	tests := []struct {
		missing string
		want    string
	}{
		{CollSignIns, "sign-in logs were not available: evidence of single-factor sign-ins could not be checked"},
		{CollRegistrations, "registration details were not available"},
		{CollPolicies, "Conditional Access policies were not available"},
		{CollSecurityDefaults, "security defaults were not available"},
		{CollPerUserMFA, "per-user MFA states were not available"},
		{CollGroups, "groups were not available"},
		{CollDirectoryRoles, "directory roles were not available"},
		{CollRooms, "rooms were not available"},
		{CollNamedLocations, "named locations were not available"},
		{CollUsers, "users were not available"},
	}
	for _, tt := range tests {
		s := newSnapshot(person("u"))
		delete(s.Present, tt.missing)
		v := Assess(s, inputs()).Tenant
		if len(v.Unchecked) != 1 || !hasReason(v.Unchecked, tt.want) {
			t.Errorf("without %s: unchecked %q, want %q", tt.missing, v.Unchecked, tt.want)
		}
	}
	if v := Assess(newSnapshot(person("u")), inputs()).Tenant; len(v.Unchecked) != 0 {
		t.Errorf("everything present: unchecked %q", v.Unchecked)
	}
	s := newSnapshot(person("u"))
	s.SecurityDefaults = nil
	if v := Assess(s, inputs()).Tenant; !hasReason(v.Unchecked, "security defaults could not be read") {
		t.Errorf("unreadable security defaults: %q", v.Unchecked)
	}
	s = newSnapshot()
	s.Present = map[string]bool{}
	if v := Assess(s, inputs()).Tenant; v.Ready {
		t.Error("a tenant whose users could not be read is not ready")
	}
}

func TestAssessOddInputs(t *testing.T) {
	t.Parallel()
	res := Assess(nil, Inputs{})
	if len(res.Accounts) != 0 || res.Tenant.Ready || res.Tenant.AsOf.IsZero() {
		t.Errorf("nil snapshot: %+v", res.Tenant)
	}
	// A snapshot built in code records no collections: taken as complete.
	s := &Snapshot{Users: []User{person("u")}}
	res = Assess(s, Inputs{AsOf: asOf})
	if len(res.Tenant.Unchecked) != 1 || !hasReason(res.Tenant.Unchecked, "security defaults could not be read") {
		t.Errorf("unchecked %q", res.Tenant.Unchecked)
	}
	if a := res.Accounts[0]; a.Compliance != NonCompliant || a.Category != OfficeWorker || !hasReason(a.Reasons, "no registration details") {
		t.Errorf("bare snapshot: %s %s %q", a.Compliance, a.Category, a.Reasons)
	}
}
