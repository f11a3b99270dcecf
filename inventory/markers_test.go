package inventory

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestMarkers(t *testing.T) {
	t.Parallel()
	recent := asOf.Add(-3 * 24 * time.Hour)
	failedIMAP := fold(recent, "Exchange", "IMAP4", false, singleReq)
	failedIMAP.Success = false
	tests := []struct {
		name    string
		user    User
		setup   func(s *Snapshot, in *Inputs)
		want    Marker
		reason  string // "" = the marker must be absent
		without Marker // a marker that must not be there
	}{
		{name: "privileged by a directory role", user: person("u"),
			setup: func(s *Snapshot, _ *Inputs) {
				s.Roles = []DirectoryRole{{TemplateID: RoleGlobalAdministrator, DisplayName: "Global Administrator", MemberIDs: []string{"u"}}}
			}, want: Privileged, reason: "holds the Global Administrator role"},
		{name: "privileged by several roles, names from the snapshot", user: person("u"),
			setup: func(s *Snapshot, _ *Inputs) {
				s.Roles = []DirectoryRole{
					{TemplateID: "t-exchange", DisplayName: "Exchange Administrator", MemberIDs: []string{"u"}},
					{TemplateID: "t-helpdesk", DisplayName: "Helpdesk Administrator", MemberIDs: []string{"U"}},
				}
			}, want: Privileged, reason: "holds the roles Exchange Administrator, Helpdesk Administrator"},
		{name: "privileged by the sync role", user: person("u"),
			setup: func(s *Snapshot, _ *Inputs) {
				s.Roles = []DirectoryRole{{TemplateID: RoleDirectorySync, MemberIDs: []string{"u"}}}
			}, want: Privileged, reason: "holds the Directory Synchronization Accounts role"},
		{name: "privileged by isAdmin", user: person("u"),
			setup: func(s *Snapshot, _ *Inputs) { s.Registrations["u"] = Registration{IsAdmin: true} },
			want:  Privileged, reason: "isAdmin is true in its registration details"},
		{name: "privileged through AdminAgents, nested", user: person("u"),
			setup: func(s *Snapshot, _ *Inputs) {
				s.Groups = []Group{
					{ID: "g1", DisplayName: "AdminAgents", MemberGroupIDs: []string{"g2"}},
					{ID: "g2", DisplayName: "Tier 1 engineers", MemberUserIDs: []string{"u"}},
				}
			}, want: Privileged, reason: "member of AdminAgents (Partner Center) through group Tier 1 engineers"},
		{name: "privileged through HelpdeskAgents", user: person("u"),
			setup: func(s *Snapshot, _ *Inputs) {
				s.Groups = []Group{{ID: "g1", DisplayName: "helpdeskagents", MemberUserIDs: []string{"u"}}}
			}, want: Privileged, reason: "member of helpdeskagents (Partner Center)"},
		{name: "privileged through SalesAgents", user: person("u"),
			setup: func(s *Snapshot, _ *Inputs) {
				s.Groups = []Group{{ID: "g1", DisplayName: "SalesAgents", MemberUserIDs: []string{"u"}}}
			}, want: Privileged, reason: "member of SalesAgents (Partner Center)"},
		{name: "not privileged by an ordinary group", user: person("u"),
			setup: func(s *Snapshot, _ *Inputs) {
				s.Groups = []Group{{ID: "g1", DisplayName: "Sales", MemberUserIDs: []string{"u"}}}
			}, want: Privileged},
		{name: "break-glass by the configured list (UPN)", user: person("u"),
			setup: func(_ *Snapshot, in *Inputs) { in.Settings.BreakGlassAccounts = []string{" U@Contoso.com "} },
			want:  BreakGlass, reason: "listed as a break-glass account in the settings"},
		{name: "break-glass by the configured list (id)", user: person("u"),
			setup: func(_ *Snapshot, in *Inputs) { in.Settings.BreakGlassAccounts = []string{"u"} },
			want:  BreakGlass, reason: "listed as a break-glass account"},
		{name: "break-glass by two-word pattern", user: withName(person("u"), "Break Glass 01", "bg01@contoso.com"),
			want: BreakGlass, reason: `name matches break-glass pattern "break glass"`},
		{name: "break-glass by UPN pattern", user: withName(person("u"), "Admin", "emergency-admin@contoso.com"),
			want: BreakGlass, reason: `UPN matches break-glass pattern "emergency"`},
		{name: "glass breaker is no break-glass", user: withName(person("u"), "Glass Breaker", "glass.breaker@contoso.com"),
			want: BreakGlass},
		{name: "directory sync by role", user: person("u"),
			setup: func(s *Snapshot, _ *Inputs) {
				s.Roles = []DirectoryRole{{TemplateID: RoleDirectorySync, MemberIDs: []string{"u"}}}
			}, want: DirectorySync, reason: "holds the Directory Synchronization Accounts role"},
		{name: "directory sync by Sync_", user: withName(person("u"), "Sync", "sync_srv01_1a2b@contoso.onmicrosoft.com"),
			want: DirectorySync, reason: "UPN starts with Sync_ (Entra Connect)"},
		{name: "legacy auth in the window", user: person("u"),
			setup: func(s *Snapshot, _ *Inputs) {
				s.SignIns["u"] = []SignInFold{fold(recent, "Exchange", "IMAP4", false, singleReq), fold(recent, "Exchange", "authenticated smtp", false, singleReq)}
			}, want: LegacyAuth, reason: "successful legacy sign-ins in the last 30 days over IMAP4 (1, last on 17 Nov), Authenticated SMTP (1, last on 17 Nov)"},
		{name: "legacy auth, a configured window", user: person("u"),
			setup: func(s *Snapshot, in *Inputs) {
				in.Settings.Window = 7 * 24 * time.Hour
				s.SignIns["u"] = []SignInFold{fold(recent, "Exchange", "POP3", false, singleReq)}
			}, want: LegacyAuth, reason: "in the last 7 days over POP3"},
		{name: "failed legacy sign-ins are no legacy auth", user: person("u"),
			setup: func(s *Snapshot, _ *Inputs) { s.SignIns["u"] = []SignInFold{failedIMAP} },
			want:  LegacyAuth},
		{name: "legacy sign-ins before the window", user: person("u"),
			setup: func(s *Snapshot, _ *Inputs) {
				s.SignIns["u"] = []SignInFold{fold(asOf.Add(-45*24*time.Hour), "Exchange", "IMAP4", false, singleReq)}
			}, want: LegacyAuth},
		{name: "modern clients are no legacy auth", user: person("u"),
			setup: func(s *Snapshot, _ *Inputs) {
				s.SignIns["u"] = []SignInFold{fold(recent, "Exchange", "Browser", true, singleReq), fold(recent, "Teams", "Mobile Apps and Desktop clients", true, mfaReq)}
			}, want: LegacyAuth},
		{name: "sms and voice only", user: person("u"),
			setup: func(s *Snapshot, _ *Inputs) { registered(s, "u", "mobilePhone", "officePhone") },
			want:  SMSVoiceOnly, reason: "every MFA method it registered is SMS or voice (mobilePhone, officePhone), which Microsoft retires on 2027-02-01"},
		{name: "sms plus e-mail (no MFA method) is still sms only", user: person("u"),
			setup: func(s *Snapshot, _ *Inputs) { registered(s, "u", "mobilePhone", "email", "securityQuestion") },
			want:  SMSVoiceOnly, reason: "SMS or voice"},
		{name: "sms plus authenticator is not", user: person("u"),
			setup: func(s *Snapshot, _ *Inputs) { registered(s, "u", "mobilePhone", "microsoftAuthenticatorPush") },
			want:  SMSVoiceOnly},
		{name: "not registered is not sms only", user: person("u"),
			setup: func(s *Snapshot, _ *Inputs) {
				s.Registrations["u"] = Registration{IsMfaRegistered: false, MethodsRegistered: []string{"mobilePhone"}}
			}, want: SMSVoiceOnly},
		{name: "email alone is not sms only", user: person("u"),
			setup: func(s *Snapshot, _ *Inputs) {
				s.Registrations["u"] = Registration{IsMfaRegistered: true, MethodsRegistered: []string{"email"}}
			},
			want: SMSVoiceOnly},
		{name: "disabled", user: func() User { u := person("u"); u.AccountEnabled = false; return u }(),
			want: Disabled, reason: "account is disabled"},
		{name: "enabled is not disabled", user: person("u"), want: Disabled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSnapshot(tt.user)
			in := inputs()
			if tt.setup != nil {
				tt.setup(s, &in)
			}
			a := assessOne(t, s, in, tt.user.ID)
			if tt.reason == "" {
				if hasMarker(a, tt.want) {
					t.Fatalf("marker %s should be absent: %q", tt.want, a.MarkerReasons[tt.want])
				}
				return
			}
			if !hasMarker(a, tt.want) {
				t.Fatalf("marker %s missing; markers %v", tt.want, a.Markers)
			}
			if got := a.MarkerReasons[tt.want]; !strings.Contains(got, tt.reason) {
				t.Errorf("reason %q, want it to contain %q", got, tt.reason)
			}
		})
	}
}

func TestMarkersComeInDisplayOrderWithEveryReason(t *testing.T) {
	t.Parallel()
	u := withName(person("u"), "Break Glass", "sync_bg@contoso.com")
	u.AccountEnabled = false
	s := newSnapshot(u)
	s.Roles = []DirectoryRole{{TemplateID: RoleGlobalAdministrator, DisplayName: "Global Administrator", MemberIDs: []string{"u"}}}
	s.Registrations["u"] = Registration{IsMfaRegistered: true, IsAdmin: true, MethodsRegistered: []string{"mobilePhone"}}
	s.SignIns["u"] = []SignInFold{fold(asOf.Add(-time.Hour), "Exchange", "POP3", false, singleReq)}
	s.PartnerSignIns = map[string][]PartnerSignIn{"u": {pcSignIn(asOf.Add(-time.Hour), "", "Browser", singleReq, 0)}}
	a := assessOne(t, s, inputs(), "u")
	want := []Marker{Privileged, BreakGlass, PartnerCenterNoMFA, DirectorySync, LegacyAuth, SMSVoiceOnly, Disabled}
	if !slices.Equal(a.Markers, want) {
		t.Fatalf("markers %v, want %v", a.Markers, want)
	}
	if got := a.MarkerReasons[Privileged]; got != "holds the Global Administrator role; isAdmin is true in its registration details" {
		t.Errorf("every privileged reason joined: %q", got)
	}
	if len(a.MarkerReasons) != len(want) {
		t.Errorf("a reason per marker: %v", a.MarkerReasons)
	}
}
