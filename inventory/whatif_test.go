package inventory

import (
	"strings"
	"testing"
)

// CompareWhatIf against hand-written answers of Microsoft's engine (the
// shapes Graph documents for whatIfAnalysisResult, not Microsoft's
// semantics).
func TestCompareWhatIf(t *testing.T) {
	t.Parallel()
	user := User{ID: "u1", UserPrincipalName: "u1@contoso.example", UserType: "Member", AccountEnabled: true}
	base := func() Policy {
		return Policy{ID: "p1", DisplayName: "CA001", State: "enabled", IncludeUsers: []string{"All"},
			IncludeApplications: []string{"All"}, ClientAppTypes: []string{"all"},
			HasGrant: true, GrantOperator: "OR", BuiltInControls: []string{"mfa"}}
	}
	applies := WhatIfPolicy{ID: "p1", Name: "CA001", State: "enabled", Applies: true, Reasons: "notSet", Grant: "mfa", RequiresMFA: true}
	notApplied := WhatIfPolicy{ID: "p1", Name: "CA001", State: "enabled", Reasons: "users", Grant: "mfa", RequiresMFA: true}
	for _, tc := range []struct {
		name   string
		policy func(*Policy)
		answer []WhatIfPolicy
		want   string // "" for agreement; else a word of the one disagreement
		msSide bool
	}{
		{"both apply", nil, []WhatIfPolicy{applies}, "", false},
		{"mfaboard covers, Microsoft does not", nil, []WhatIfPolicy{notApplied}, "not among the policy's users", false},
		{"mfaboard covers, Microsoft does not list it", nil, nil, "does not list it", false},
		{"Microsoft applies, mfaboard excludes", func(p *Policy) { p.ExcludeUsers = []string{"u1"} }, []WhatIfPolicy{applies}, "excluded from policy", true},
		{"Microsoft applies, mfaboard leaves it out for locations only", func(p *Policy) {
			p.HasLocations, p.IncludeLocations, p.ExcludeLocations = true, []string{"All"}, []string{"AllTrusted"}
		}, []WhatIfPolicy{applies}, "", false},
		{"report-only: neither enforces", func(p *Policy) { p.State = "enabledForReportingButNotEnforced" },
			[]WhatIfPolicy{{ID: "p1", Name: "CA001", State: "enabledForReportingButNotEnforced", Applies: true, RequiresMFA: true}}, "", false},
		{"Microsoft applies a policy the sync did not read", func(p *Policy) { p.State = "disabled" },
			[]WhatIfPolicy{notApplied, {ID: "p9", Name: "CA009", State: "enabled", Applies: true, Grant: "mfa", RequiresMFA: true}}, "did not read", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			if tc.policy != nil {
				tc.policy(&p)
			}
			s := &Snapshot{Users: []User{user}, Policies: []Policy{p}, Present: map[string]bool{CollGroups: true, CollDirectoryRoles: true}}
			got := CompareWhatIf(s, NewDirectory(s), user, tc.answer)
			switch {
			case tc.want == "" && len(got) != 0:
				t.Fatalf("want agreement, got %+v", got)
			case tc.want != "" && (len(got) != 1 || !strings.Contains(got[0].Text, tc.want) || got[0].MicrosoftApplies != tc.msSide):
				t.Fatalf("want one disagreement with %q (Microsoft applies: %v), got %+v", tc.want, tc.msSide, got)
			}
		})
	}
}
