package inventory

import (
	"strings"
	"testing"
	"time"
)

func TestCategoryRulesInOrder(t *testing.T) {
	t.Parallel()
	daysAgo := func(d int) time.Time { return asOf.Add(-time.Duration(d) * 24 * time.Hour) }
	neverInteractive := func(u User) User { u.LastSignIn = time.Time{}; return u }
	tests := []struct {
		name   string
		user   User
		folds  []SignInFold
		roles  []string // template ids the account holds
		groups []string // room-device groups it is a direct member of
		want   Category
		reason string
	}{
		{name: "userType Guest", user: withName(User{ID: "x", UserType: "Guest", AccountEnabled: true}, "Jane", "jane@fabrikam.com"),
			want: GuestAccount, reason: "userType is Guest"},
		{name: "#EXT# in the UPN of a member", user: withName(User{ID: "x", UserType: "Member", AccountEnabled: true}, "Tom", "tom_nw.com#ext#@contoso.onmicrosoft.com"),
			want: GuestAccount, reason: "UPN contains #EXT#"},
		{name: "guest wins over room and service words", user: withName(User{ID: "x", UserType: "Guest", AccountEnabled: true}, "svc room", "svc.room@fabrikam.com"),
			want: GuestAccount, reason: "userType is Guest"},
		{name: "mail is a room", user: func() User {
			u := withName(person("x"), "Boardroom Four", "b4@contoso.com")
			u.Mail = "Boardroom4@contoso.com"
			return u
		}(),
			want: RoomDevice, reason: "mail matches room Boardroom 4"},
		{name: "UPN is a room", user: func() User { u := withName(person("x"), "Lobby", "boardroom4@contoso.com"); u.Mail = ""; return u }(),
			want: RoomDevice, reason: "UPN matches room Boardroom 4"},
		{name: "room-device group", user: withName(person("x"), "Oslo 3", "oslo3@contoso.com"), groups: []string{"g-rooms"},
			want: RoomDevice, reason: "member of room-device group Teams Rooms"},
		{name: "room-device group through a nested group", user: withName(person("x"), "Oslo 3", "oslo3@contoso.com"), groups: []string{"g-rooms-no"},
			want: RoomDevice, reason: "member of room-device group Teams Rooms through group Rooms Norway"},
		{name: "room pattern", user: withName(person("x"), "MTR Oslo", "mtr-oslo@contoso.com"),
			want: RoomDevice, reason: `name matches room pattern "mtr"`},
		{name: "room before service", user: withName(person("x"), "svc hub", "x@contoso.com"),
			want: RoomDevice, reason: `name matches room pattern "hub"`},
		{name: "Directory Synchronization Accounts role", user: withName(person("x"), "On-Premises Directory Synchronization", "adsync@contoso.com"),
			roles: []string{RoleDirectorySync}, want: ServiceAccount, reason: "holds the Directory Synchronization Accounts role"},
		{name: "Sync_ UPN", user: withName(person("x"), "On-Premises Directory Synchronization", "Sync_SRV01_abc@contoso.onmicrosoft.com"),
			want: ServiceAccount, reason: "UPN starts with Sync_ (Entra Connect)"},
		{name: "service pattern in the UPN", user: withName(person("x"), "Backup", "svc-backup@contoso.com"),
			want: ServiceAccount, reason: `UPN matches service pattern "svc"`},
		{name: "service pattern in the name", user: withName(person("x"), "Ticketing System", "helpdesk@contoso.com"),
			want: ServiceAccount, reason: `name matches service pattern "ticketing"`},
		{name: "a word inside a word is no pattern", user: withName(person("x"), "Capital Apps", "capital.apps@contoso.com"),
			want: OfficeWorker, reason: "member account that no guest, room or service rule matches"},
		{name: "never interactive, non-interactive date", user: func() User {
			u := neverInteractive(withName(person("x"), "Invoicing", "invoicing@contoso.com"))
			u.LastNonInteractiveSignIn = daysAgo(1)
			return u
		}(), want: ServiceAccount, reason: "never signed in interactively but signs in non-interactively"},
		{name: "never interactive, non-interactive events in the window", user: neverInteractive(withName(person("x"), "Invoicing", "invoicing@contoso.com")),
			folds: []SignInFold{fold(daysAgo(3), "Invoicing Connector", "Mobile Apps and Desktop clients", false, singleReq)},
			want:  ServiceAccount, reason: "never signed in interactively"},
		{name: "non-interactive events only before the window", user: neverInteractive(withName(person("x"), "Invoicing", "invoicing@contoso.com")),
			folds: []SignInFold{fold(daysAgo(40), "Invoicing Connector", "Mobile Apps and Desktop clients", false, singleReq)},
			want:  OfficeWorker},
		{name: "an interactive sign-in in the logs is not silence", user: neverInteractive(withName(person("x"), "Anna", "anna@contoso.com")),
			folds: []SignInFold{fold(daysAgo(2), "OfficeHome", "Browser", true, mfaReq), fold(daysAgo(1), "Teams", "Mobile Apps and Desktop clients", false, mfaReq)},
			want:  OfficeWorker},
		{name: "a person's long session signs in non-interactively", user: func() User {
			u := withName(person("x"), "Anna", "anna@contoso.com")
			u.LastSignIn, u.LastNonInteractiveSignIn = daysAgo(25), daysAgo(1)
			return u
		}(), want: OfficeWorker},
		{name: "0001-01-01 is an empty date", user: func() User {
			u := withName(person("x"), "Invoicing", "invoicing@contoso.com")
			u.LastSignIn, _ = time.Parse(time.RFC3339, "0001-01-01T00:00:00Z")
			u.LastNonInteractiveSignIn = daysAgo(2)
			return u
		}(), want: ServiceAccount, reason: "never signed in interactively"},
		{name: "never signed in at all", user: neverInteractive(withName(person("x"), "New Hire", "new.hire@contoso.com")), want: OfficeWorker},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSnapshot(tt.user)
			s.Rooms = []Room{{ID: "r1", DisplayName: "Boardroom 4", EmailAddress: "boardroom4@contoso.com"}}
			s.Groups = []Group{
				{ID: "g-rooms", DisplayName: "Teams Rooms", MemberGroupIDs: []string{"g-rooms-no"}},
				{ID: "g-rooms-no", DisplayName: "Rooms Norway"},
			}
			for i := range s.Groups {
				for _, g := range tt.groups {
					if s.Groups[i].ID == g {
						s.Groups[i].MemberUserIDs = append(s.Groups[i].MemberUserIDs, tt.user.ID)
					}
				}
			}
			for _, r := range tt.roles {
				s.Roles = append(s.Roles, DirectoryRole{ID: "obj-" + r, TemplateID: r, MemberIDs: []string{tt.user.ID}})
			}
			s.SignIns[tt.user.ID] = tt.folds
			in := inputs()
			in.Settings.RoomDeviceGroups = []string{"Teams Rooms"}
			a := assessOne(t, s, in, tt.user.ID)
			if a.Category != tt.want || a.AutoCategory != tt.want || a.CategoryOverride {
				t.Fatalf("category %s (auto %s, override %v), want %s; reason %q", a.Category, a.AutoCategory, a.CategoryOverride, tt.want, a.CategoryReason)
			}
			if !strings.Contains(a.CategoryReason, tt.reason) {
				t.Errorf("reason %q, want it to contain %q", a.CategoryReason, tt.reason)
			}
		})
	}
}

func TestRoomDeviceGroupByID(t *testing.T) {
	t.Parallel()
	s := newSnapshot(withName(person("x"), "Oslo 3", "oslo3@contoso.com"))
	s.Groups = []Group{{ID: "3f1c", DisplayName: "Devices", MemberUserIDs: []string{"x"}}}
	in := inputs()
	in.Settings.RoomDeviceGroups = []string{"3F1C", "No Such Group"}
	res := Assess(s, in)
	if a := res.Accounts[0]; a.Category != RoomDevice || a.CategoryReason != "member of room-device group Devices" {
		t.Errorf("category %s, reason %q", a.Category, a.CategoryReason)
	}
	if !hasReason(res.Tenant.Unchecked, `room-device group "No Such Group" was not found`) {
		t.Errorf("a room-device group that is not there should be said: %q", res.Tenant.Unchecked)
	}
}

func TestCategoryOverrideWinsAndKeepsTheRules(t *testing.T) {
	t.Parallel()
	s := newSnapshot(withName(person("u1"), "Scanner 3rd floor", "scanner3@contoso.com"))
	in := inputs()
	in.Overrides = map[string]Override{"u1": {Category: RoomDevice, Author: "lead@partner.com", Reason: "it is the boardroom panel", At: asOf}}
	a := assessOne(t, s, in, "u1")
	if a.Category != RoomDevice || a.AutoCategory != ServiceAccount || !a.CategoryOverride {
		t.Fatalf("category %s auto %s override %v", a.Category, a.AutoCategory, a.CategoryOverride)
	}
	for _, want := range []string{"set by lead@partner.com on 20 Nov 2026: it is the boardroom panel", `the rules say Service account (name matches service pattern "scanner")`} {
		if !strings.Contains(a.CategoryReason, want) {
			t.Errorf("reason %q lacks %q", a.CategoryReason, want)
		}
	}
	// The path follows the category a person chose.
	if a.Path != TenantSplit || a.AutoPath != TenantSplit {
		t.Errorf("path %s auto %s, want tenant_split", a.Path, a.AutoPath)
	}

	in.Overrides["u1"] = Override{Category: "printer"}
	a = assessOne(t, s, in, "u1")
	if a.Category != ServiceAccount || a.CategoryOverride || !strings.Contains(a.CategoryReason, `override to unknown category "printer" ignored`) {
		t.Errorf("unknown override: %s %v %q", a.Category, a.CategoryOverride, a.CategoryReason)
	}
}
