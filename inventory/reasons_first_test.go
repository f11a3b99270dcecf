package inventory

import (
	"strings"
	"testing"
	"time"
)

// TestFirstReasonIsTheCause: every verdict's first reason is the reason for
// that verdict, in plain words (issue 11); what enforces MFA comes after the
// cause. Every view that shows one reason shows the first.
func TestFirstReasonIsTheCause(t *testing.T) {
	t.Parallel()
	nov16 := time.Date(2026, 11, 16, 10, 30, 0, 0, time.UTC)
	excl := func(s *Snapshot) {
		s.Groups = []Group{{ID: "g-contr", DisplayName: "Contractors", MemberUserIDs: []string{"u"}}}
	}
	tests := []struct {
		name  string
		setup func(s *Snapshot)
		want  Compliance
		first string
		later string // a reason after the first, "" for none
	}{
		{"at risk: not registered", func(s *Snapshot) {
			s.Policies = []Policy{requireMFA("CA001")}
			s.Registrations["u"] = Registration{}
		}, AtRisk, "not registered for MFA", "MFA is enforced by CA001"},
		{"at risk: no registration details", func(s *Snapshot) { s.Policies = []Policy{requireMFA("CA001")} },
			AtRisk, "not registered for MFA: no registration details", "MFA is enforced by CA001"},
		{"at risk: a single-factor sign-in", func(s *Snapshot) {
			s.Policies = []Policy{requireMFA("CA001")}
			registered(s, "u", "fido2")
			s.SignIns["u"] = []SignInFold{fold(nov16, "Office 365 Exchange Online", "IMAP4", false, singleReq)}
		}, AtRisk, "signed in without MFA on 16 Nov (IMAP4) to Office 365 Exchange Online", "MFA is enforced by CA001"},
		{"non-compliant: excluded by a group, a block policy first in the list", func(s *Snapshot) {
			excl(s)
			s.Policies = []Policy{
				requireMFA("CA007", func(p *Policy) { p.BuiltInControls = []string{"block"} }),
				requireMFA("CA001", func(p *Policy) { p.ExcludeGroups = []string{"g-contr"} }),
			}
			registered(s, "u", "fido2")
		}, NonCompliant, "excluded from policy *CA001* by group *Contractors*", "policy *CA007* blocks access instead of requiring MFA"},
		{"non-compliant: report-only before the conditions of another policy", func(s *Snapshot) {
			s.Policies = []Policy{
				requireMFA("CA002", func(p *Policy) { p.IncludeApplications = []string{"Office365"} }),
				requireMFA("CA003", func(p *Policy) { p.State = "enabledForReportingButNotEnforced" }),
			}
			registered(s, "u", "fido2")
		}, NonCompliant, "policy *CA003* is report-only", "policy *CA002* covers only selected apps"},
		{"non-compliant: no policy requires MFA", func(s *Snapshot) {
			s.Policies = []Policy{requireMFA("CA007", func(p *Policy) { p.BuiltInControls = []string{"block"} })}
			registered(s, "u", "fido2")
		}, NonCompliant, "no Conditional Access policy of the tenant requires MFA", "policy *CA007* blocks access"},
		{"non-compliant: no MFA policy includes it", func(s *Snapshot) {
			s.Policies = []Policy{
				requireMFA("CA007", func(p *Policy) { p.BuiltInControls = []string{"block"} }),
				requireMFA("CA002", func(p *Policy) { p.IncludeUsers = []string{"someone-else"} }),
			}
			registered(s, "u", "fido2")
		}, NonCompliant, "no policy that requires MFA includes this account", "security defaults are off"},
		{"compliant", func(s *Snapshot) { s.Policies = []Policy{requireMFA("CA001")}; registered(s, "u", "fido2") },
			Compliant, "MFA is enforced by CA001, and the account is registered", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSnapshot(person("u"))
			tt.setup(s)
			a := assessOne(t, s, inputs(), "u")
			if a.Compliance != tt.want {
				t.Fatalf("compliance %s, want %s; reasons %q", a.Compliance, tt.want, a.Reasons)
			}
			if len(a.Reasons) == 0 || a.Reasons[0] != tt.first {
				t.Fatalf("reasons %q, want the first %q", a.Reasons, tt.first)
			}
			if tt.later != "" && !hasReason(a.Reasons[1:], tt.later) {
				t.Errorf("no later reason contains %q: %q", tt.later, a.Reasons)
			}
			for _, r := range a.Reasons {
				if name := graphFieldIn(r); name != "" {
					t.Errorf("reason %q names Graph's field %s", r, name)
				}
			}
		})
	}
}

// graphFields are Graph's field names a reason must not show: they stay in
// the account page's raw facts.
var graphFields = []string{"isMfaRegistered", "isMfaCapable", "methodsRegistered", "userType", "signInActivity",
	"authenticationRequirement", "clientAppUsed", "perUserMfaState", "requirementsSatisfied", "allowedCombinations",
	"builtInControls", "includeUsers", "excludeGroups", "lastSignInDateTime"}

func graphFieldIn(reason string) string {
	for _, f := range graphFields {
		if strings.Contains(reason, f) {
			return f
		}
	}
	return ""
}
