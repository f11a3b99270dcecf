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
	// With OR between plain MFA and a strength, plain MFA is enough.
	if p.AuthStrength != nil && !(hasMFA && !and) {
		r.strength = p.AuthStrength
	}
	return nil
}
