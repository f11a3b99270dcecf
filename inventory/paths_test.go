package inventory

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPaths(t *testing.T) {
	t.Parallel()
	recent := asOf.Add(-2 * 24 * time.Hour)
	legacy := func(clients ...string) []SignInFold {
		var out []SignInFold
		for _, c := range clients {
			out = append(out, fold(recent, "Office 365 Exchange Online", c, false, singleReq))
		}
		return out
	}
	failedSMTP := fold(recent, "Exchange", "Authenticated SMTP", false, singleReq)
	failedSMTP.Success = false
	scanner := withName(person("u"), "Scanner 3rd floor", "scanner3@contoso.com")
	room := withName(person("u"), "MTR Oslo", "mtr-oslo@contoso.com")
	tests := []struct {
		name   string
		user   User
		folds  []SignInFold
		kind   TenantKind
		setup  func(s *Snapshot)
		want   Path
		reason string
		dated  []string
	}{
		{name: "office worker", user: person("u"), want: MFAEnrolment, reason: "a person's own account: register MFA methods"},
		{name: "break-glass person", user: withName(person("u"), "Break Glass 1", "bg1@contoso.com"), want: MFAEnrolment,
			reason: "break-glass account: register several methods (e.g. FIDO2 keys kept in a safe)"},
		{name: "privileged person", user: person("u"), want: MFAEnrolment, reason: "privileged person",
			setup: func(s *Snapshot) { s.Registrations["u"] = Registration{IsAdmin: true} }, dated: []string{DatedCSPAuthorization}},
		{name: "guest", user: withName(User{ID: "u", UserType: "Guest", AccountEnabled: true}, "Jane", "jane_f.com#EXT#@contoso.onmicrosoft.com"),
			want: MFAEnrolment, reason: "guest"},
		{name: "service account sending mail over SMTP", user: scanner, folds: legacy("Authenticated SMTP"), want: AppPassword,
			reason: "all use Authenticated SMTP, which still takes basic auth", dated: []string{DatedSMTPAuthBasicAuth}},
		{name: "SMTP and Other clients", user: scanner, folds: legacy("Authenticated SMTP", "Other clients"), want: AppPassword,
			dated: []string{DatedSMTPAuthBasicAuth}},
		{name: "Other clients alone", user: scanner, folds: legacy("other clients"), want: AppPassword},
		{name: "IMAP needs app-only OAuth", user: withName(person("u"), "Ticketing", "ticketing@contoso.com"), folds: legacy("IMAP4"),
			want: SecureAppModel, reason: "signs in over IMAP4: Exchange Online no longer takes basic auth there, so an app password cannot help",
			dated: []string{DatedEXOBasicAuthOff, DatedPartnerCenterMFA}},
		{name: "SMTP and IMAP: the app password cannot serve both", user: scanner, folds: legacy("Authenticated SMTP", "IMAP4"),
			want: SecureAppModel, dated: []string{DatedSMTPAuthBasicAuth, DatedEXOBasicAuthOff, DatedPartnerCenterMFA}},
		{name: "EWS", user: scanner, folds: legacy("Exchange Web Services"), want: SecureAppModel,
			dated: []string{DatedEXOBasicAuthOff, DatedEWSRetirement, DatedPartnerCenterMFA}},
		{name: "a failed SMTP sign-in is no evidence", user: scanner, folds: []SignInFold{failedSMTP}, want: SecureAppModel,
			reason: "service account: move the integration off user credentials"},
		{name: "SMTP before the window is no evidence", user: scanner,
			folds: []SignInFold{fold(asOf.Add(-40*24*time.Hour), "Exchange", "Authenticated SMTP", false, singleReq)}, want: SecureAppModel},
		{name: "modern sign-ins only", user: withName(person("u"), "Partner Center API", "pc-api@contoso.com"),
			folds: []SignInFold{fold(recent, "Microsoft Partner Center", "Mobile Apps and Desktop clients", false, singleReq)},
			want:  SecureAppModel, dated: []string{DatedPartnerCenterMFA}},
		{name: "Entra Connect sync account", user: withName(person("u"), "On-Premises Directory Synchronization Service Account", "Sync_SRV01_ab12@contoso.onmicrosoft.com"),
			want: SecureAppModel, reason: "Entra Connect sync account: switch Entra Connect (2.5.3.0 or later) to application-based authentication",
			dated: []string{DatedPartnerCenterMFA, DatedEntraConnectApp}},
		{name: "a privileged service account stays on its service path", user: withName(person("u"), "svc automation", "svc-automation@contoso.com"),
			setup: func(s *Snapshot) {
				s.Roles = []DirectoryRole{{TemplateID: "t-exo", DisplayName: "Exchange Administrator", MemberIDs: []string{"u"}}}
			}, want: SecureAppModel, dated: []string{DatedPartnerCenterMFA, DatedCSPAuthorization}},
		{name: "room in a mixed tenant", user: room, kind: KindMixed, want: TenantSplit, reason: "room device in a mixed CSP and production tenant"},
		{name: "room when the kind is not set", user: room, want: TenantSplit},
		{name: "room in a CSP tenant", user: room, kind: KindCSP, want: TechnicalException, reason: "room device in a csp tenant, with no tenant to split into"},
		{name: "room in a production tenant", user: room, kind: KindProduction, want: TechnicalException},
		{name: "sms and voice only", user: person("u"), setup: func(s *Snapshot) { registered(s, "u", "mobilePhone") },
			want: MFAEnrolment, dated: []string{DatedSMSVoiceRetired}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSnapshot(tt.user)
			s.SignIns["u"] = tt.folds
			if tt.setup != nil {
				tt.setup(s)
			}
			in := inputs()
			in.Settings.Kind = tt.kind
			a := assessOne(t, s, in, "u")
			if a.Path != tt.want || a.AutoPath != tt.want || a.PathOverride {
				t.Fatalf("path %s (auto %s, override %v), want %s; %s: %q", a.Path, a.AutoPath, a.PathOverride, tt.want, a.Category, a.PathReason)
			}
			if !strings.Contains(a.PathReason, tt.reason) {
				t.Errorf("reason %q, want it to contain %q", a.PathReason, tt.reason)
			}
			if tt.dated != nil && !slices.Equal(a.Dated, tt.dated) {
				t.Errorf("dated %q, want %q", a.Dated, tt.dated)
			}
			for _, k := range a.Dated {
				if _, ok := DatedFacts[k]; !ok {
					t.Errorf("dated key %q is not in DatedFacts", k)
				}
			}
		})
	}
}

func TestPathOverride(t *testing.T) {
	t.Parallel()
	s := newSnapshot(withName(person("u"), "MTR Oslo", "mtr-oslo@contoso.com"))
	in := inputs()
	in.Overrides = map[string]Override{"u": {Path: TechnicalException, Author: "lead", Reason: "no production tenant planned"}}
	a := assessOne(t, s, in, "u")
	if a.Path != TechnicalException || a.AutoPath != TenantSplit || !a.PathOverride {
		t.Fatalf("path %s auto %s override %v", a.Path, a.AutoPath, a.PathOverride)
	}
	if !strings.Contains(a.PathReason, "set by lead: no production tenant planned; the rules recommend Tenant split (room device") {
		t.Errorf("reason %q", a.PathReason)
	}
	in.Overrides["u"] = Override{Path: "pray"}
	a = assessOne(t, s, in, "u")
	if a.Path != TenantSplit || a.PathOverride || !strings.Contains(a.PathReason, `override to unknown path "pray" ignored`) {
		t.Errorf("unknown path override: %s %v %q", a.Path, a.PathOverride, a.PathReason)
	}
}

func TestUnknownTenantKindIsAssessedAsMixed(t *testing.T) {
	t.Parallel()
	s := newSnapshot(withName(person("u"), "MTR Oslo", "mtr-oslo@contoso.com"))
	in := inputs()
	in.Settings.Kind = "hybrid"
	res := Assess(s, in)
	if res.Accounts[0].Path != TenantSplit || res.Tenant.Kind != KindMixed {
		t.Errorf("path %s kind %s", res.Accounts[0].Path, res.Tenant.Kind)
	}
	if !hasReason(res.Tenant.Unchecked, `tenant kind "hybrid" is not one of mixed, csp, production`) {
		t.Errorf("unchecked %q", res.Tenant.Unchecked)
	}
}
