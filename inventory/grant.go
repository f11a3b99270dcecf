package inventory

import (
	"slices"
	"strings"
)

// alternativeLabels names the grant controls that let a sign-in through
// instead of MFA under OR.
var alternativeLabels = map[string]string{
	"compliantdevice":      "a compliant device",
	"domainjoineddevice":   "a hybrid-joined device",
	"approvedapplication":  "an approved client app",
	"compliantapplication": "an app protection policy",
	"passwordchange":       "a password change",
}

func (r *policyRule) grantCauses(p *Policy) []Cause {
	if !p.HasGrant {
		return []Cause{r.cause(CauseGrant, "grants no access control", "it does not require MFA")}
	}
	if containsFold(p.BuiltInControls, "block") {
		return []Cause{r.cause(CauseGrant, "blocks access instead of requiring MFA", "")}
	}
	hasMFA := containsFold(p.BuiltInControls, "mfa")
	r.mfaIntent = hasMFA || p.AuthStrength != nil
	if !hasMFA && p.AuthStrength == nil {
		if len(p.BuiltInControls)+len(p.OtherGrants) == 0 {
			return []Cause{r.cause(CauseGrant, "requires no grant control", "it does not require MFA")}
		}
		return []Cause{r.cause(CauseGrant, "does not require MFA", "its grant asks for "+strings.Join(append(slices.Clip(p.BuiltInControls), p.OtherGrants...), ", "))}
	}
	var others []string
	for _, c := range p.BuiltInControls {
		if strings.EqualFold(c, "mfa") {
			continue
		}
		if l, ok := alternativeLabels[strings.ToLower(c)]; ok {
			others = append(others, l)
		} else {
			others = append(others, c)
		}
	}
	others = append(others, p.OtherGrants...)
	and := strings.EqualFold(p.GrantOperator, "AND")
	if len(others) > 0 && !and {
		op := "(OR)"
		if !strings.EqualFold(p.GrantOperator, "OR") {
			op = "(operator " + quote(p.GrantOperator) + ", read as OR)"
		}
		return []Cause{r.cause(CauseGrant, "accepts "+strings.Join(others, " or ")+" instead of MFA "+op, "a sign-in can pass without MFA")}
	}
	if c := r.weakStrength(p.AuthStrength, hasMFA, and); c != nil {
		return []Cause{*c}
	}
	// With OR between plain MFA and a strength, plain MFA is enough.
	if p.AuthStrength != nil && !(hasMFA && !and) {
		r.strength = p.AuthStrength
	}
	return nil
}

// weakStrength is the cause when the grant's authentication strength lets a
// sign-in through without an MFA claim (DOMAIN.md §3); nil when there is
// no strength, it grants MFA, or plain MFA is required beside it (AND).
func (r *policyRule) weakStrength(s *AuthStrength, hasMFA, and bool) *Cause {
	if s == nil || (hasMFA && and) {
		return nil
	}
	ok, single := StrengthGrantsMFA(s)
	if ok {
		return nil
	}
	verb := "requires"
	if hasMFA {
		verb = "accepts, instead of MFA (OR),"
	}
	what := "which Entra says does not satisfy MFA (it satisfies " + quote(s.RequirementsSatisfied) + ")"
	if single != "" {
		what = "which allows the single-factor combination " + quote(single)
	}
	c := r.cause(CauseGrant, verb+" the authentication strength *"+strengthName(s)+"*, "+what, "a sign-in can pass without MFA")
	return &c
}
