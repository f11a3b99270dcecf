package inventory

import "testing"

// TestCoverageOfConditions: state, apps, locations, narrowing conditions
// and grant, for an account every policy includes.
func TestCoverageOfConditions(t *testing.T) {
	t.Parallel()
	runCoverage(t, []coverageCase{
		// State.
		{name: "report-only", account: "u-plain",
			policy: requireMFA("CA003", func(p *Policy) { p.State = "enabledForReportingButNotEnforced" }),
			causes: []string{"policy *CA003* is report-only"}, kinds: []CauseKind{CauseReportOnly}},
		{name: "disabled", account: "u-plain",
			policy: requireMFA("CA003", func(p *Policy) { p.State = "disabled" }),
			causes: []string{"policy *CA003* is disabled"}, kinds: []CauseKind{CausePolicyDisabled}},
		{name: "unknown state does not enforce", account: "u-plain",
			policy: requireMFA("CA003", func(p *Policy) { p.State = "enabledWithSomethingNew" }),
			causes: []string{`has state "enabledWithSomethingNew"`}, kinds: []CauseKind{CauseUnknownState}},
		{name: "missing state does not enforce", account: "u-plain",
			policy: requireMFA("CA003", func(p *Policy) { p.State = "" }), kinds: []CauseKind{CauseUnknownState}},

		// Applications.
		{name: "selected apps instead of All", account: "u-plain",
			policy: requireMFA("CA002", func(p *Policy) { p.IncludeApplications = []string{"Office365"} }),
			causes: []string{"policy *CA002* covers only selected apps (Office365)"}, kinds: []CauseKind{CauseApps}},
		{name: "excluded applications", account: "u-plain",
			policy: requireMFA("CA002", func(p *Policy) { p.ExcludeApplications = []string{"00000003-0000-0ff1-ce00-000000000000"} }),
			causes: []string{"policy *CA002* excludes apps"}, kinds: []CauseKind{CauseApps}},
		{name: "no applications (user actions only)", account: "u-plain",
			policy: requireMFA("CA002", func(p *Policy) { p.IncludeApplications = nil }),
			causes: []string{"targets no cloud apps"}},

		// Locations.
		{name: "AllTrusted excluded", account: "u-plain",
			policy: requireMFA("CA004", func(p *Policy) {
				p.HasLocations, p.IncludeLocations, p.ExcludeLocations = true, []string{"All"}, []string{"AllTrusted"}
			}),
			causes: []string{"policy *CA004* excludes trusted locations (AllTrusted): an internal network is not a safe place"},
			kinds:  []CauseKind{CauseLocations}},
		{name: "a trusted named location excluded", account: "u-plain",
			policy: requireMFA("CA004", func(p *Policy) {
				p.HasLocations, p.IncludeLocations, p.ExcludeLocations = true, []string{"All"}, []string{"loc-hq"}
			}),
			causes: []string{"excludes trusted locations (*HQ network*): an internal network is not a safe place"}},
		{name: "an untrusted named location excluded", account: "u-plain",
			policy: requireMFA("CA004", func(p *Policy) {
				p.HasLocations, p.IncludeLocations, p.ExcludeLocations = true, []string{"All"}, []string{"loc-no"}
			}),
			causes: []string{"excludes location *Norway*"}},
		{name: "only some locations included", account: "u-plain",
			policy: requireMFA("CA004", func(p *Policy) { p.HasLocations, p.IncludeLocations = true, []string{"loc-no", "AllTrusted"} }),
			causes: []string{"applies only at some locations (*Norway*, AllTrusted)"}},
		{name: "all locations, none excluded", account: "u-plain", covers: true,
			policy: requireMFA("CA004", func(p *Policy) { p.HasLocations, p.IncludeLocations = true, []string{"All"} })},

		// Platforms, device filter, client apps, other conditions, risk.
		{name: "only some platforms", account: "u-plain",
			policy: requireMFA("CA006", func(p *Policy) { p.HasPlatforms, p.IncludePlatforms = true, []string{"iOS", "android"} }),
			causes: []string{"applies only to platforms iOS, android"}, kinds: []CauseKind{CauseConditions}},
		{name: "all platforms but one", account: "u-plain",
			policy: requireMFA("CA006", func(p *Policy) {
				p.HasPlatforms, p.IncludePlatforms, p.ExcludePlatforms = true, []string{"all"}, []string{"linux"}
			}),
			causes: []string{"excludes platforms linux"}},
		{name: "all platforms", account: "u-plain", covers: true,
			policy: requireMFA("CA006", func(p *Policy) { p.HasPlatforms, p.IncludePlatforms = true, []string{"all"} })},
		{name: "device filter", account: "u-plain",
			policy: requireMFA("CA006", func(p *Policy) { p.DeviceFilter = `device.trustType -eq "ServerAD"` }),
			causes: []string{"has a device filter"}, kinds: []CauseKind{CauseConditions}},
		{name: "modern client apps only", account: "u-plain",
			policy: requireMFA("CA006", func(p *Policy) { p.ClientAppTypes = []string{"browser", "mobileAppsAndDesktopClients"} }),
			causes: []string{"applies only to client apps browser, mobileAppsAndDesktopClients: exchangeActiveSync, other go without MFA"}},
		{name: "all four client app types are all", account: "u-plain", covers: true,
			policy: requireMFA("CA006", func(p *Policy) {
				p.ClientAppTypes = []string{"other", "exchangeActiveSync", "mobileAppsAndDesktopClients", "browser"}
			})},
		{name: "no client app types is all", account: "u-plain", covers: true,
			policy: requireMFA("CA006", func(p *Policy) { p.ClientAppTypes = nil })},
		{name: "a condition mfaboard does not know narrows", account: "u-plain",
			policy: requireMFA("CA006", func(p *Policy) { p.OtherConditions = []string{"authenticationFlows"} }),
			causes: []string{"has a condition mfaboard cannot evaluate (authenticationFlows)"}, kinds: []CauseKind{CauseConditions}},
		{name: "sign-in risk alone is allowed", account: "u-plain", covers: true,
			policy: requireMFA("CA008", func(p *Policy) { p.SignInRiskLevels = []string{"medium", "high"} })},

		// Grant.
		{name: "mfa OR compliant device", account: "u-plain",
			policy: requireMFA("CA005", func(p *Policy) { p.BuiltInControls = []string{"mfa", "compliantDevice"} }),
			causes: []string{"policy *CA005* accepts a compliant device instead of MFA (OR)"}, kinds: []CauseKind{CauseGrant}},
		{name: "mfa OR hybrid join OR approved app", account: "u-plain",
			policy: requireMFA("CA005", func(p *Policy) { p.BuiltInControls = []string{"domainJoinedDevice", "mfa", "approvedApplication"} }),
			causes: []string{"accepts a hybrid-joined device or an approved client app instead of MFA (OR)"}},
		{name: "mfa AND compliant device", account: "u-plain", covers: true,
			policy: requireMFA("CA005", func(p *Policy) { p.GrantOperator, p.BuiltInControls = "AND", []string{"mfa", "compliantDevice"} })},
		{name: "an operator mfaboard does not know reads as OR", account: "u-plain",
			policy: requireMFA("CA005", func(p *Policy) { p.GrantOperator, p.BuiltInControls = "XOR", []string{"mfa", "compliantDevice"} }),
			causes: []string{`(operator "XOR", read as OR)`}},
		{name: "mfa alone under OR", account: "u-plain", covers: true, policy: requireMFA("CA005")},
		{name: "compliant device only", account: "u-plain",
			policy: requireMFA("CA010", func(p *Policy) { p.BuiltInControls = []string{"compliantDevice"} }),
			causes: []string{"policy *CA010* does not require MFA: its grant asks for compliantDevice"}, kinds: []CauseKind{CauseGrant}},
		{name: "block", account: "u-plain",
			policy: requireMFA("CA007", func(p *Policy) { p.BuiltInControls = []string{"block"} }),
			causes: []string{"blocks access instead of requiring MFA"}, kinds: []CauseKind{CauseGrant}},
		{name: "no grant (session controls only)", account: "u-plain",
			policy: requireMFA("CA011", func(p *Policy) { p.HasGrant, p.BuiltInControls = false, nil }),
			causes: []string{"grants no access control"}},
		{name: "a control mfaboard does not know, alone", account: "u-plain",
			policy: requireMFA("CA011", func(p *Policy) { p.BuiltInControls = []string{"someFutureControl"} }),
			causes: []string{"does not require MFA"}},
		{name: "mfa AND a terms of use", account: "u-plain", covers: true,
			policy: requireMFA("CA011", func(p *Policy) { p.GrantOperator, p.OtherGrants = "AND", []string{"terms-of-use-1"} })},
		{name: "authentication strength alone", account: "u-plain", covers: true,
			policy: requireMFA("CA006", func(p *Policy) {
				p.BuiltInControls = nil
				p.AuthStrength = &AuthStrength{DisplayName: "Phishing-resistant MFA"}
			})},
		{name: "authentication strength OR compliant device", account: "u-plain",
			policy: requireMFA("CA006", func(p *Policy) {
				p.BuiltInControls = []string{"compliantDevice"}
				p.AuthStrength = &AuthStrength{DisplayName: "Phishing-resistant MFA"}
			}),
			causes: []string{"accepts a compliant device instead of MFA (OR)"}},
	})
}
