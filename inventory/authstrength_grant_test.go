package inventory

import "testing"

// Built-in strengths as Graph returns them.
var (
	builtInMFA = AuthStrength{ID: "00000000-0000-0000-0000-000000000002", DisplayName: "Multifactor authentication",
		// Some of its combinations: one of each kind.
		RequirementsSatisfied: "mfa", AllowedCombinations: []string{"windowsHelloForBusiness", "fido2",
			"x509CertificateMultiFactor", "deviceBasedPush", "temporaryAccessPassOneTime", "password,microsoftAuthenticatorPush",
			"password,sms", "federatedMultiFactor", "microsoftAuthenticatorPush,federatedSingleFactor"}}
	builtInPhishingResistant = AuthStrength{ID: "00000000-0000-0000-0000-000000000004", DisplayName: "Phishing-resistant MFA",
		RequirementsSatisfied: "mfa", AllowedCombinations: []string{"windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor"}}
)

// TestStrengthGrantsMFA: DOMAIN.md §3, which authentication strengths grant
// an MFA claim.
func TestStrengthGrantsMFA(t *testing.T) {
	t.Parallel()
	noReq := builtInMFA
	noReq.RequirementsSatisfied = ""
	tests := []struct {
		name     string
		strength AuthStrength
		grants   bool
		single   string
	}{
		{"built-in Multifactor authentication", builtInMFA, true, ""},
		{"built-in Phishing-resistant MFA", builtInPhishingResistant, true, ""},
		{"custom, MFA only", AuthStrength{DisplayName: "FIDO2 or push", RequirementsSatisfied: "mfa",
			AllowedCombinations: []string{"fido2", "password,microsoftAuthenticatorPush"}}, true, ""},
		{"custom, password only", AuthStrength{DisplayName: "Password only", RequirementsSatisfied: "none",
			AllowedCombinations: []string{"password"}}, false, "password"},
		{"custom, MFA or a single-factor federation", AuthStrength{DisplayName: "Federated", RequirementsSatisfied: "none",
			AllowedCombinations: []string{"fido2", "federatedSingleFactor"}}, false, "federatedSingleFactor"},
		{"custom, single-factor certificate", AuthStrength{DisplayName: "Certificates", RequirementsSatisfied: "none",
			AllowedCombinations: []string{"x509CertificateMultiFactor", "x509CertificateSingleFactor"}}, false, "x509CertificateSingleFactor"},
		{"Graph's word beats the look of the combinations", AuthStrength{DisplayName: "Odd", RequirementsSatisfied: "none",
			AllowedCombinations: []string{"fido2"}}, false, ""},
		{"requirementsSatisfied absent, every combination multi-factor", noReq, true, ""},
		{"requirementsSatisfied absent, one password alone", AuthStrength{DisplayName: "Mixed",
			AllowedCombinations: []string{"fido2", "password,sms", "password"}}, false, "password"},
		{"requirementsSatisfied absent, SMS sign-in alone", AuthStrength{DisplayName: "SMS sign-in",
			AllowedCombinations: []string{"sms"}}, false, "sms"},
		{"requirementsSatisfied absent, QR code with PIN is single-factor", AuthStrength{DisplayName: "Frontline",
			AllowedCombinations: []string{"qrCodePin"}}, false, "qrCodePin"},
		{"requirementsSatisfied absent, a mode Graph adds later alone", AuthStrength{DisplayName: "Future",
			AllowedCombinations: []string{"someFutureMode"}}, false, "someFutureMode"},
		{"requirementsSatisfied absent, case and spaces", AuthStrength{DisplayName: "Spaced",
			AllowedCombinations: []string{" FIDO2 ", "Password , SMS"}}, true, ""},
		{"requirementsSatisfied absent, no combinations let nobody in", AuthStrength{DisplayName: "Empty"}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			grants, single := StrengthGrantsMFA(&tt.strength)
			if grants != tt.grants || single != tt.single {
				t.Errorf("StrengthGrantsMFA = %v, %q; want %v, %q", grants, single, tt.grants, tt.single)
			}
		})
	}
}

// TestCoverageOfStrengths: a policy whose grant is a strength covers only
// when the strength grants MFA, and the cause names the strength and the
// single-factor combination.
func TestCoverageOfStrengths(t *testing.T) {
	t.Parallel()
	withStrength := func(s AuthStrength, op string, controls ...string) Policy {
		return requireMFA("CA006", func(p *Policy) {
			p.GrantOperator, p.BuiltInControls, p.AuthStrength = op, controls, &s
		})
	}
	passwordOnly := AuthStrength{DisplayName: "Password only", RequirementsSatisfied: "none", AllowedCombinations: []string{"password"}}
	mixedNoReq := AuthStrength{DisplayName: "Mixed", AllowedCombinations: []string{"fido2", "federatedSingleFactor"}}
	allMFANoReq := builtInMFA
	allMFANoReq.RequirementsSatisfied = ""
	runCoverage(t, []coverageCase{
		{name: "built-in strength", account: "u-plain", covers: true, policy: withStrength(builtInPhishingResistant, "OR")},
		{name: "custom, MFA only", account: "u-plain", covers: true, policy: withStrength(AuthStrength{DisplayName: "FIDO2 or push",
			RequirementsSatisfied: "mfa", AllowedCombinations: []string{"fido2", "password,microsoftAuthenticatorPush"}}, "OR")},
		{name: "custom, password only", account: "u-plain", policy: withStrength(passwordOnly, "OR"),
			causes: []string{`policy *CA006* requires the authentication strength *Password only*, which allows the single-factor combination "password": a sign-in can pass without MFA`},
			kinds:  []CauseKind{CauseGrant}},
		{name: "custom, single-factor certificate", account: "u-plain", policy: withStrength(AuthStrength{DisplayName: "Certificates",
			RequirementsSatisfied: "none", AllowedCombinations: []string{"x509CertificateSingleFactor"}}, "OR"),
			causes: []string{`*Certificates*, which allows the single-factor combination "x509CertificateSingleFactor"`}},
		{name: "missing requirementsSatisfied, every combination multi-factor", account: "u-plain", covers: true,
			policy: withStrength(allMFANoReq, "OR")},
		{name: "missing requirementsSatisfied, one single-factor combination", account: "u-plain", policy: withStrength(mixedNoReq, "OR"),
			causes: []string{`*Mixed*, which allows the single-factor combination "federatedSingleFactor"`}, kinds: []CauseKind{CauseGrant}},
		{name: "Graph says it satisfies none", account: "u-plain", policy: withStrength(AuthStrength{DisplayName: "Odd",
			RequirementsSatisfied: "none", AllowedCombinations: []string{"fido2"}}, "OR"),
			causes: []string{`*Odd*, which Entra says does not satisfy MFA (it satisfies "none")`}},
		{name: "MFA OR a password-only strength", account: "u-plain", policy: withStrength(passwordOnly, "OR", "mfa"),
			causes: []string{"accepts, instead of MFA (OR), the authentication strength *Password only*"}},
		{name: "MFA AND a password-only strength still asks for MFA", account: "u-plain", covers: true,
			policy: withStrength(passwordOnly, "AND", "mfa")},
	})
}

// TestVerdictOfPasswordOnlyStrength: the wrong verdict of issue 13 — a
// custom strength that allows a password alone enforces nothing.
func TestVerdictOfPasswordOnlyStrength(t *testing.T) {
	t.Parallel()
	s := newSnapshot(User{ID: "u-1", UserPrincipalName: "alice@contoso.com", DisplayName: "Alice", UserType: "Member", AccountEnabled: true})
	s.Registrations["u-1"] = Registration{IsMfaRegistered: true, MethodsRegistered: []string{"microsoftAuthenticatorPush"}}
	s.Policies = []Policy{requireMFA("CA006", func(p *Policy) {
		p.BuiltInControls = nil
		p.AuthStrength = &AuthStrength{DisplayName: "Password only", AllowedCombinations: []string{"password"}}
	})}
	a := assessOne(t, s, inputs(), "u-1")
	if a.Compliance != NonCompliant {
		t.Fatalf("compliance %s, want non_compliant; reasons %q", a.Compliance, a.Reasons)
	}
	want := `policy *CA006* requires the authentication strength *Password only*, which allows the single-factor combination "password": a sign-in can pass without MFA`
	if len(a.Reasons) == 0 || a.Reasons[0] != want {
		t.Errorf("first reason %q, want %q", a.Reasons, want)
	}
	s.Policies[0].AuthStrength.AllowedCombinations = []string{"password,microsoftAuthenticatorPush"}
	if a := assessOne(t, s, inputs(), "u-1"); a.Compliance != Compliant {
		t.Errorf("with a multi-factor combination: %s, want compliant; reasons %q", a.Compliance, a.Reasons)
	}
}
