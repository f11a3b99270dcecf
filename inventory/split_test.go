package inventory

import (
	"slices"
	"testing"
)

func TestLicenceOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		sku, name string
		device    bool
	}{
		{"4cde982a-ede4-4409-9ae6-b003453c8ea6", "Microsoft Teams Rooms Pro", true},
		{"6AF4B3D6-14BB-4A2A-960C-6C902AAD34F3", "Microsoft Teams Rooms Basic", true}, // as some exports write it
		{"295a8eb0-f78d-45c7-8b5b-1eed5ed02dff", "Microsoft Teams Shared Devices", true},
		{"05e9a617-0261-4cee-bb44-138d3ef5d965", "Microsoft 365 E3", false},
		{"cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", "Microsoft 365 Business Premium", false},
		{"00000000-1111-2222-3333-444444444444", "00000000-1111-2222-3333-444444444444", false},
		{"", "", false},
	} {
		l := LicenceOf(tc.sku)
		if l.SKU != tc.sku || l.Name != tc.name || l.Device != tc.device {
			t.Errorf("LicenceOf(%q) = %+v, want name %q device %v", tc.sku, l, tc.name, tc.device)
		}
	}
	if LicencesOf(nil) != nil {
		t.Error("no SKUs should give no licences")
	}
}

func TestPlanSplit(t *testing.T) {
	t.Parallel()
	groups := []Group{
		{ID: "g-rooms", DisplayName: "Rooms", MemberUserIDs: []string{"r1", "r2"}},
		{ID: "g-devices", DisplayName: "All devices", MemberGroupIDs: []string{"g-rooms"}},
		{ID: "g-top", DisplayName: "Top", MemberGroupIDs: []string{"g-devices"}},
		// A cycle an export could hold: the walk must end.
		{ID: "g-a", DisplayName: "A", MemberGroupIDs: []string{"g-b"}},
		{ID: "g-b", DisplayName: "B", MemberGroupIDs: []string{"g-a"}, MemberUserIDs: []string{"svc"}},
	}
	policies := []Policy{
		{ID: "p1", DisplayName: "Require MFA", State: "enabled", IncludeUsers: []string{"All"}, ExcludeGroups: []string{"g-rooms"}},
		{ID: "p2", DisplayName: "Rooms from compliant devices", State: "enabledForReportingButNotEnforced", IncludeGroups: []string{"g-top"}},
		{ID: "p3", DisplayName: "", State: "disabled", IncludeUsers: []string{"r2"}, ExcludeUsers: []string{"r2"}},
		{ID: "p4", DisplayName: "Cycle", State: "enabled", IncludeGroups: []string{"g-a"}},
	}
	cands := []SplitCandidate{
		{ID: "r2", UserPrincipalName: "mtr-b@contoso.com", Category: RoomDevice, SKUs: []string{"4cde982a-ede4-4409-9ae6-b003453c8ea6", "4b9405b0-7788-4568-add1-99614e613b69"},
			Groups: []GroupRef{{"g-rooms", "Rooms"}}},
		{ID: "r1", UserPrincipalName: "MTR-a@contoso.com", Category: RoomDevice, SKUs: []string{"6af4b3d6-14bb-4a2a-960c-6c902aad34f3"},
			Groups: []GroupRef{{"g-rooms", "Rooms"}}},
		{ID: "svc", UserPrincipalName: "kiosk@contoso.com", Category: ServiceAccount, Groups: []GroupRef{{"g-b", "B"}}},
	}
	matches := map[string][]ProductionMatch{"r1": {{TenantName: "Contoso Production", UserPrincipalName: "mtr-a@contoso.com", By: "UPN"}}}

	plan := PlanSplit(cands, groups, policies, matches)

	if plan.Total != 3 || plan.InProduction != 1 || plan.DeviceLicences != 2 {
		t.Fatalf("totals: %d moves, %d in production, %d device licences; want 3, 1, 2", plan.Total, plan.InProduction, plan.DeviceLicences)
	}
	if len(plan.Categories) != 2 || plan.Categories[0].Category != RoomDevice || plan.Categories[1].Category != ServiceAccount {
		t.Fatalf("categories: %+v, want room devices then service accounts", plan.Categories)
	}
	rooms := plan.Categories[0].Moves
	if rooms[0].ID != "r1" || rooms[1].ID != "r2" {
		t.Errorf("rooms are not ordered by UPN without regard to case: %s, %s", rooms[0].UserPrincipalName, rooms[1].UserPrincipalName)
	}
	if !rooms[0].Exists() || rooms[1].Exists() {
		t.Errorf("r1 exists in production, r2 does not: %v %v", rooms[0].InProduction, rooms[1].InProduction)
	}
	if got := licenceNames(rooms[1].Licences); !slices.Equal(got, []string{"Microsoft Teams Rooms Pro", "Exchange Online (Plan 1)"}) {
		t.Errorf("r2 licences: %v", got)
	}

	wantR2 := []string{
		"Require MFA (enabled) excludes it through group Rooms",
		"Rooms from compliant devices (report-only) includes it through group Top, nested",
		"p3 (disabled) includes it by name",
		"p3 (disabled) excludes it by name",
	}
	if got := mentionWords(rooms[1].Policies); !slices.Equal(got, wantR2) {
		t.Errorf("r2 policies:\n got %q\nwant %q", got, wantR2)
	}
	wantR1 := []string{
		"Require MFA (enabled) excludes it through group Rooms",
		"Rooms from compliant devices (report-only) includes it through group Top, nested",
	}
	if got := mentionWords(rooms[0].Policies); !slices.Equal(got, wantR1) {
		t.Errorf("r1 policies:\n got %q\nwant %q", got, wantR1)
	}
	// Policy "All" does not name the account: only ids and groups do.
	svc := plan.Categories[1].Moves[0]
	if got := mentionWords(svc.Policies); !slices.Equal(got, []string{"Cycle (enabled) includes it through group A, nested"}) {
		t.Errorf("svc policies through a group cycle: %q", got)
	}
}

func TestPlanSplitEmpty(t *testing.T) {
	t.Parallel()
	plan := PlanSplit(nil, nil, []Policy{{ID: "p", IncludeUsers: []string{"All"}}}, nil)
	if plan.Total != 0 || len(plan.Categories) != 0 {
		t.Fatalf("an empty plan has moves: %+v", plan)
	}
}

func licenceNames(ls []Licence) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Name
	}
	return out
}

func mentionWords(ms []PolicyMention) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.String()
	}
	return out
}
