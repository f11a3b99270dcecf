package inventory

import (
	"slices"
	"testing"
	"time"
)

func TestVerdict(t *testing.T) {
	t.Parallel()
	const ca001 = "CA001 - Require MFA for all users"
	nov16 := time.Date(2026, 11, 16, 10, 30, 0, 0, time.UTC)
	phishingResistant := &AuthStrength{DisplayName: "Phishing-resistant MFA", AllowedCombinations: []string{"fido2", "windowsHelloForBusiness"}}
	sync := withName(person("u"), "On-Premises Directory Synchronization Service Account", "Sync_SRV01_ab12@contoso.onmicrosoft.com")
	tests := []struct {
		name       string
		user       User
		setup      func(s *Snapshot)
		want       Compliance
		enforcedBy []string
		reasons    []string // fragments, each in some reason
		riskBased  bool
	}{
		{name: "security defaults, registered", setup: func(s *Snapshot) { s.SecurityDefaults = ptr(true); registered(s, "u", "microsoftAuthenticatorPush") },
			want: Compliant, enforcedBy: []string{"security defaults"}},
		{name: "security defaults leave out the sync account", user: sync,
			setup: func(s *Snapshot) { s.SecurityDefaults = ptr(true); registered(s, "u", "microsoftAuthenticatorPush") },
			want:  NonCompliant, reasons: []string{"security defaults exclude the Entra Connect sync account by design"}},
		{name: "a policy can still cover the sync account", user: sync,
			setup: func(s *Snapshot) {
				s.SecurityDefaults = ptr(true)
				registered(s, "u", "microsoftAuthenticatorPush")
				s.Policies = []Policy{requireMFA(ca001)}
			}, want: Compliant, enforcedBy: []string{ca001}},
		{name: "per-user enforced", setup: func(s *Snapshot) { s.PerUserMFA["u"] = "Enforced"; registered(s, "u", "softwareOneTimePasscode") },
			want: Compliant, enforcedBy: []string{"per-user MFA (enforced)"}},
		{name: "per-user only enabled", setup: func(s *Snapshot) { s.PerUserMFA["u"] = "enabled"; registered(s, "u", "softwareOneTimePasscode") },
			want: AtRisk, enforcedBy: []string{"per-user MFA (enabled)"}, reasons: []string{"per-user MFA is only enabled: Entra enforces it once the user registers"}},
		{name: "per-user enabled and a policy", setup: func(s *Snapshot) {
			s.PerUserMFA["u"] = "enabled"
			registered(s, "u", "softwareOneTimePasscode")
			s.Policies = []Policy{requireMFA(ca001)}
		}, want: Compliant, enforcedBy: []string{"per-user MFA (enabled)", ca001}},
		{name: "per-user disabled", setup: func(s *Snapshot) { s.PerUserMFA["u"] = "disabled"; registered(s, "u", "fido2") },
			want: NonCompliant, reasons: []string{"per-user MFA is not enabled", "security defaults are off"}},
		{name: "per-user state mfaboard does not know", setup: func(s *Snapshot) { s.PerUserMFA["u"] = "sometimes"; registered(s, "u", "fido2") },
			want: NonCompliant, reasons: []string{`per-user MFA state "sometimes" is not one mfaboard knows: not counted`}},
		{name: "a covering policy, registered", setup: func(s *Snapshot) { s.Policies = []Policy{requireMFA(ca001)}; registered(s, "u", "fido2") },
			want: Compliant, enforcedBy: []string{ca001}, reasons: []string{"MFA is enforced by " + ca001 + ", and the account is registered"}},
		{name: "a covering policy, not registered", setup: func(s *Snapshot) {
			s.Policies = []Policy{requireMFA(ca001)}
			s.Registrations["u"] = Registration{IsMfaRegistered: false}
		}, want: AtRisk, enforcedBy: []string{ca001}, reasons: []string{"not registered for MFA"}},
		{name: "no registration details", setup: func(s *Snapshot) { s.Policies = []Policy{requireMFA(ca001)} },
			want: AtRisk, reasons: []string{"no registration details"}},
		{name: "registration details not available", setup: func(s *Snapshot) {
			s.Policies = []Policy{requireMFA(ca001)}
			delete(s.Present, CollRegistrations)
		}, want: AtRisk, reasons: []string{"registration details were not available"}},
		{name: "sms and voice only stays compliant", setup: func(s *Snapshot) { s.Policies = []Policy{requireMFA(ca001)}; registered(s, "u", "mobilePhone") },
			want: Compliant},
		{name: "a strength its methods cannot meet", setup: func(s *Snapshot) {
			s.Policies = []Policy{requireMFA("CA006", func(p *Policy) { p.BuiltInControls, p.AuthStrength = nil, phishingResistant })}
			registered(s, "u", "mobilePhone")
		}, want: AtRisk, enforcedBy: []string{"CA006"},
			reasons: []string{"no registered method meets the authentication strength *Phishing-resistant MFA* that policy *CA006* requires (registered: mobilePhone)"}},
		{name: "a strength its methods meet", setup: func(s *Snapshot) {
			s.Policies = []Policy{requireMFA("CA006", func(p *Policy) { p.BuiltInControls, p.AuthStrength = nil, phishingResistant })}
			registered(s, "u", "fido2")
		}, want: Compliant},
		{name: "an unmet strength beside plain MFA", setup: func(s *Snapshot) {
			s.Policies = []Policy{requireMFA("CA006", func(p *Policy) { p.BuiltInControls, p.AuthStrength = nil, phishingResistant }), requireMFA(ca001)}
			registered(s, "u", "mobilePhone")
		}, want: Compliant, enforcedBy: []string{"CA006", ca001}},
		{name: "risk-based policy", setup: func(s *Snapshot) {
			s.Policies = []Policy{requireMFA("CA008", func(p *Policy) { p.SignInRiskLevels = []string{"medium", "high"} })}
			registered(s, "u", "microsoftAuthenticatorPush")
		}, want: Compliant, enforcedBy: []string{"CA008"}, reasons: []string{"CA008 [risk-based (Identity Protection)]"}, riskBased: true},
		{name: "a single-factor sign-in in the window", setup: func(s *Snapshot) {
			s.Policies = []Policy{requireMFA(ca001)}
			registered(s, "u", "fido2")
			s.SignIns["u"] = []SignInFold{fold(nov16, "SharePoint Online", "Browser", true, singleReq), fold(nov16, "Teams", "Browser", true, mfaReq)}
		}, want: AtRisk, reasons: []string{"signed in without MFA on 16 Nov (Browser) to SharePoint Online"}},
		{name: "non-interactive single-factor sign-ins count too", setup: func(s *Snapshot) {
			s.Policies = []Policy{requireMFA(ca001)}
			registered(s, "u", "fido2")
			f := fold(nov16, "Office 365 Exchange Online", "IMAP4", false, singleReq)
			f.Count = 3
			s.SignIns["u"] = []SignInFold{f}
		}, want: AtRisk, reasons: []string{"signed in without MFA 3 times, last on 16 Nov (IMAP4) to Office 365 Exchange Online"}},
		{name: "a failed single-factor sign-in is no evidence", setup: func(s *Snapshot) {
			s.Policies = []Policy{requireMFA(ca001)}
			registered(s, "u", "fido2")
			f := fold(nov16, "SharePoint Online", "Browser", true, singleReq)
			f.Success = false
			s.SignIns["u"] = []SignInFold{f}
		}, want: Compliant},
		{name: "a single-factor sign-in before the window is ignored", setup: func(s *Snapshot) {
			s.Policies = []Policy{requireMFA(ca001)}
			registered(s, "u", "fido2")
			s.SignIns["u"] = []SignInFold{fold(asOf.Add(-31*24*time.Hour), "SharePoint Online", "Browser", true, singleReq)}
		}, want: Compliant},
		{name: "every at-risk cause is listed", setup: func(s *Snapshot) {
			s.PerUserMFA["u"] = "enabled"
			s.SignIns["u"] = []SignInFold{fold(nov16, "SharePoint Online", "Browser", true, singleReq)}
		}, want: AtRisk, reasons: []string{"no registration details", "per-user MFA is only enabled", "without MFA on 16 Nov"}},
		{name: "report-only policy", setup: func(s *Snapshot) {
			s.Policies = []Policy{requireMFA("CA003", func(p *Policy) { p.State = "enabledForReportingButNotEnforced" })}
			registered(s, "u", "fido2")
		}, want: NonCompliant, reasons: []string{"policy *CA003* is report-only"}},
		{name: "disabled policy", setup: func(s *Snapshot) {
			s.Policies = []Policy{requireMFA("CA003", func(p *Policy) { p.State = "disabled" })}
			registered(s, "u", "fido2")
		}, want: NonCompliant, reasons: []string{"policy *CA003* is disabled"}},
		{name: "excluded through a nested group, with every cause", setup: func(s *Snapshot) {
			s.Groups = []Group{
				{ID: "g-excl", DisplayName: "MFA Exclusions", MemberGroupIDs: []string{"g-contr"}},
				{ID: "g-contr", DisplayName: "Contractors EU", MemberUserIDs: []string{"u"}},
			}
			s.Policies = []Policy{
				requireMFA(ca001, func(p *Policy) { p.ExcludeGroups = []string{"g-excl"} }),
				requireMFA("CA004", func(p *Policy) {
					p.HasLocations, p.IncludeLocations, p.ExcludeLocations = true, []string{"All"}, []string{"AllTrusted"}
				}),
				requireMFA("CA005", func(p *Policy) { p.BuiltInControls = []string{"mfa", "compliantDevice"} }),
				requireMFA("CA002", func(p *Policy) { p.IncludeUsers = nil; p.IncludeRoles = []string{RoleGlobalAdministrator} }),
				requireMFA("CA007", func(p *Policy) {
					p.BuiltInControls = []string{"block"}
					p.ClientAppTypes = []string{"exchangeActiveSync", "other"}
				}),
			}
			s.SignIns["u"] = []SignInFold{fold(nov16, "SharePoint Online", "Browser", true, singleReq)}
		}, want: NonCompliant, reasons: []string{
			"excluded from policy *" + ca001 + "* by group *MFA Exclusions* (through group *Contractors EU*)",
			"policy *CA004* excludes trusted locations (AllTrusted): an internal network is not a safe place",
			"policy *CA005* accepts a compliant device instead of MFA (OR)",
			"policy *CA007* blocks access instead of requiring MFA",
			"not included by *CA002*",
			"security defaults are off", "per-user MFA is not enabled", "no registration details",
			"signed in without MFA on 16 Nov (Browser) to SharePoint Online",
		}},
		{name: "no policy includes it", setup: func(s *Snapshot) {
			s.Policies = []Policy{requireMFA("CA002", func(p *Policy) { p.IncludeUsers = []string{"someone-else"} })}
		}, want: NonCompliant, reasons: []string{"no policy that requires MFA includes this account"}},
		{name: "no policy requires MFA", setup: func(s *Snapshot) {
			s.Policies = []Policy{requireMFA("CA007", func(p *Policy) { p.BuiltInControls = []string{"block"} })}
		}, want: NonCompliant, reasons: []string{"no Conditional Access policy of the tenant requires MFA"}},
		{name: "policies not available", setup: func(s *Snapshot) { delete(s.Present, CollPolicies) },
			want: NonCompliant, reasons: []string{"Conditional Access policies were not available"}},
		{name: "security defaults not readable", setup: func(s *Snapshot) { s.SecurityDefaults = nil },
			want: NonCompliant, reasons: []string{"security defaults could not be read"}},
		{name: "per-user states not available", setup: func(s *Snapshot) { delete(s.Present, CollPerUserMFA) },
			want: NonCompliant, reasons: []string{"per-user MFA states were not available"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.user
			if u.ID == "" {
				u = person("u")
			}
			s := newSnapshot(u)
			if tt.setup != nil {
				tt.setup(s)
			}
			a := assessOne(t, s, inputs(), "u")
			if a.Compliance != tt.want {
				t.Fatalf("compliance %s, want %s; reasons %q", a.Compliance, tt.want, a.Reasons)
			}
			if tt.enforcedBy != nil && !slices.Equal(a.EnforcedBy, tt.enforcedBy) {
				t.Errorf("enforced by %q, want %q", a.EnforcedBy, tt.enforcedBy)
			}
			if tt.want == NonCompliant && len(a.EnforcedBy) != 0 {
				t.Errorf("non-compliant yet enforced by %q", a.EnforcedBy)
			}
			if len(a.Reasons) == 0 {
				t.Errorf("a verdict without a reason")
			}
			for _, f := range tt.reasons {
				if !hasReason(a.Reasons, f) {
					t.Errorf("no reason contains %q; reasons %q", f, a.Reasons)
				}
			}
			if a.RiskBased != tt.riskBased {
				t.Errorf("risk-based %v, want %v", a.RiskBased, tt.riskBased)
			}
		})
	}
}

func TestDisabledAccountsAreListedNotCounted(t *testing.T) {
	t.Parallel()
	u := withName(person("u"), "svc-backup", "svc-backup@contoso.com")
	u.AccountEnabled = false
	s := newSnapshot(u, person("v"))
	s.SecurityDefaults = ptr(true)
	registered(s, "v", "fido2")
	res := Assess(s, inputs())
	a := res.Accounts[0]
	if a.Compliance != NotApplicable || a.Category != ServiceAccount || a.Path != SecureAppModel || !hasMarker(a, Disabled) {
		t.Fatalf("disabled account: %s %s %s %v", a.Compliance, a.Category, a.Path, a.Markers)
	}
	if len(a.EnforcedBy) != 0 || !hasReason(a.Reasons, "account is disabled") {
		t.Errorf("enforced %q reasons %q", a.EnforcedBy, a.Reasons)
	}
	if !res.Tenant.Ready || res.Tenant.Counts[NotApplicable] != 1 || res.Tenant.Counts[Compliant] != 1 {
		t.Errorf("a disabled account does not keep the tenant from ready: %+v", res.Tenant.Counts)
	}
}

func TestExceptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		exception Exception
		enabled   bool
		want      Compliance
		reason    string
	}{
		{"granted and unexpired", Exception{Granted: true, Expiry: asOf.Add(24 * time.Hour)}, true, Excepted,
			"approved technical exception until 21 Nov 2026; without it the verdict would be Non-compliant"},
		{"expired", Exception{Granted: true, Expiry: asOf.Add(-time.Hour)}, true, NonCompliant, "the technical exception expired on 20 Nov 2026"},
		{"expiring at the very moment", Exception{Granted: true, Expiry: asOf}, true, NonCompliant, "expired"},
		{"requested, not granted", Exception{Expiry: asOf.Add(24 * time.Hour)}, true, NonCompliant, "excluded from policy"},
		{"granted without expiry", Exception{Granted: true}, true, NonCompliant, "granted without an expiry date: not counted"},
		{"on a disabled account", Exception{Granted: true, Expiry: asOf.Add(24 * time.Hour)}, false, NotApplicable, "account is disabled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := withName(person("u"), "MTR Oslo", "mtr-oslo@contoso.com")
			u.AccountEnabled = tt.enabled
			s := newSnapshot(u)
			s.Groups = []Group{{ID: "g", DisplayName: "Rooms", MemberUserIDs: []string{"u"}}}
			s.Policies = []Policy{requireMFA("CA001", func(p *Policy) { p.ExcludeGroups = []string{"g"} })}
			in := inputs()
			in.Exceptions = map[string]Exception{"u": tt.exception}
			res := Assess(s, in)
			a := res.Accounts[0]
			if a.Compliance != tt.want {
				t.Fatalf("compliance %s, want %s; %q", a.Compliance, tt.want, a.Reasons)
			}
			if !hasReason(a.Reasons, tt.reason) {
				t.Errorf("no reason contains %q: %q", tt.reason, a.Reasons)
			}
			if tt.want == Excepted {
				if !hasReason(a.Reasons, "excluded from policy *CA001* by group *Rooms*") {
					t.Errorf("the would-be verdict's causes are kept: %q", a.Reasons)
				}
				if len(res.Tenant.Gaps) != 0 || !res.Tenant.Ready {
					t.Errorf("an excepted account is no gap: ready %v gaps %+v", res.Tenant.Ready, res.Tenant.Gaps)
				}
			}
		})
	}
}

func TestExceptionOnACompliantAccountShowsWhatItWouldBe(t *testing.T) {
	t.Parallel()
	s := newSnapshot(person("u"))
	s.SecurityDefaults = ptr(true)
	registered(s, "u", "fido2")
	in := inputs()
	in.Exceptions = map[string]Exception{"u": {Granted: true, Expiry: asOf.AddDate(0, 3, 0)}}
	a := assessOne(t, s, in, "u")
	if a.Compliance != Excepted || !hasReason(a.Reasons, "without it the verdict would be Compliant") {
		t.Errorf("%s %q", a.Compliance, a.Reasons)
	}
}
