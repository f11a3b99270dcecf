package inventory

import (
	"fmt"
	"strings"
)

// Mechanisms named in EnforcedBy besides policies.
const (
	BySecurityDefaults = "security defaults"
	ByPerUserEnforced  = "per-user MFA (enforced)"
	ByPerUserEnabled   = "per-user MFA (enabled)"
	// RiskBasedMark is how a risk-only policy is shown wherever the verdict is.
	RiskBasedMark = "risk-based (Identity Protection)"
)

type verdict struct {
	compliance Compliance
	enforcedBy []string
	riskBased  bool
	reasons    []string
	coverages  []Coverage // explained, only when nothing enforces
}

// verdict applies DOMAIN.md §3 to an enabled account.
func (r *run) verdict(u *User, acc *Account, reg *Registration, m *markerSet, ev *evidence) verdict {
	var v verdict
	var atRisk []string
	strengthOnly := true // every enforcer is a policy that demands a strength
	var strengths []Coverage
	shown := make([]string, 0, 4) // enforcers as the reasons show them, with the risk-based mark
	v.enforcedBy = make([]string, 0, 4)

	sdOn := r.snap.SecurityDefaults != nil && *r.snap.SecurityDefaults
	if sdOn && !m.has(DirectorySync) {
		v.enforcedBy = append(v.enforcedBy, BySecurityDefaults)
		shown = append(shown, BySecurityDefaults)
		strengthOnly = false
	}
	perUser := strings.ToLower(strings.TrimSpace(r.snap.PerUserMFA[u.ID]))
	switch perUser {
	case "enforced":
		v.enforcedBy = append(v.enforcedBy, ByPerUserEnforced)
		shown = append(shown, ByPerUserEnforced)
		strengthOnly = false
	case "enabled":
		v.enforcedBy = append(v.enforcedBy, ByPerUserEnabled)
		shown = append(shown, ByPerUserEnabled)
		strengthOnly = false
	}
	for _, rule := range r.rules {
		c := rule.cover(acc, false)
		if !c.Covers {
			continue
		}
		v.enforcedBy = append(v.enforcedBy, c.Policy)
		shown = append(shown, rule.shown)
		v.riskBased = v.riskBased || c.RiskBased
		if c.AuthStrength != nil {
			strengths = append(strengths, c)
		} else {
			strengthOnly = false
		}
	}

	regReason := registrationGap(r, reg)
	if len(v.enforcedBy) == 0 {
		v.compliance, v.enforcedBy = NonCompliant, nil
		v.reasons, v.coverages = r.notEnforced(u, acc, m, perUser)
		if regReason != "" {
			v.reasons = append(v.reasons, regReason)
		}
		v.reasons = append(v.reasons, singleFactorReasons(ev, r)...)
		return v
	}

	if regReason != "" {
		atRisk = append(atRisk, regReason)
	}
	if len(v.enforcedBy) == 1 && v.enforcedBy[0] == ByPerUserEnabled {
		atRisk = append(atRisk, "per-user MFA is only enabled: Entra enforces it once the user registers")
	}
	if strengthOnly && len(strengths) > 0 {
		var methods []string
		if reg != nil {
			methods = reg.MethodsRegistered
		}
		unmet := []string{}
		for _, c := range strengths {
			if StrengthMet(c.AuthStrength, methods) {
				unmet = nil
				break
			}
			unmet = append(unmet, fmt.Sprintf("policy *%s* requires the authentication strength *%s*, which its registered methods (%s) cannot meet",
				c.Policy, strengthName(c.AuthStrength), orNone(methods)))
		}
		atRisk = append(atRisk, unmet...)
	}
	atRisk = append(atRisk, singleFactorReasons(ev, r)...)
	if len(atRisk) > 0 {
		v.compliance = AtRisk
		v.reasons = append([]string{"MFA is enforced by " + strings.Join(shown, ", ")}, atRisk...)
		return v
	}
	v.compliance = Compliant
	v.reasons = []string{"MFA is enforced by " + strings.Join(shown, ", ") + ", and the account is registered"}
	return v
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}

// registrationGap says why an account is not MFA-registered, "" when it is.
func registrationGap(r *run, reg *Registration) string {
	switch {
	case reg == nil && !present(r.snap, CollRegistrations):
		return "registration details were not available, so MFA registration is unknown"
	case reg == nil:
		return "no registration details"
	case !reg.IsMfaRegistered:
		return "not registered for MFA (isMfaRegistered is false)"
	}
	return ""
}

// singleFactorReasons: evidence beats policy theory.
func singleFactorReasons(ev *evidence, r *run) []string {
	out := make([]string, 0, len(ev.singleFactor))
	for _, s := range ev.singleFactor {
		app := s.app
		if app == "" {
			app = "an application"
		}
		via := ""
		if s.client != "" {
			via = " via " + s.client
		}
		if s.count == 1 {
			out = append(out, fmt.Sprintf("signed in to %s without MFA on %s%s", app, day(s.last, r.asOf), via))
			continue
		}
		out = append(out, fmt.Sprintf("signed in to %s without MFA %d times, last on %s%s", app, s.count, day(s.last, r.asOf), via))
	}
	return out
}

// notEnforced lists every cause of a non-compliant account: each policy that
// reaches it and why it does not count, then what else could have enforced.
func (r *run) notEnforced(u *User, acc *Account, m *markerSet, perUser string) ([]string, []Coverage) {
	// The coverages are read by the tally before the next account is
	// assessed, so one buffer serves the whole run.
	covs := r.coverages[:0]
	var firstNotIncluding []string // up to 5 names, for the reason
	notIncluding, mfaPolicies, texts := 0, 0, 0
	for _, rule := range r.rules {
		c := rule.cover(acc, true)
		covs = append(covs, c)
		texts += len(c.Causes)
		if rule.mfaIntent {
			mfaPolicies++
			if !c.Included && len(c.Causes) == 0 {
				notIncluding++
				if len(firstNotIncluding) < 5 {
					firstNotIncluding = append(firstNotIncluding, rule.starred)
				}
			}
		}
	}
	r.coverages = covs
	reasons := make([]string, 0, texts+5)
	for _, c := range covs {
		for _, cause := range c.Causes {
			reasons = append(reasons, cause.Text)
		}
	}
	switch {
	case !present(r.snap, CollPolicies):
		reasons = append(reasons, "Conditional Access policies were not available, so no policy could be checked")
	case mfaPolicies == 0:
		reasons = append(reasons, "no Conditional Access policy of the tenant requires MFA")
	case notIncluding == mfaPolicies:
		reasons = append(reasons, "no policy that requires MFA includes this account")
	case notIncluding > 5:
		reasons = append(reasons, "not included by "+strings.Join(firstNotIncluding, ", ")+fmt.Sprintf(" and %d more", notIncluding-5))
	case notIncluding > 0:
		reasons = append(reasons, "not included by "+strings.Join(firstNotIncluding, ", "))
	}
	sd := r.snap.SecurityDefaults
	switch {
	case sd == nil:
		reasons = append(reasons, "security defaults could not be read")
	case *sd && m.has(DirectorySync):
		reasons = append(reasons, "security defaults exclude the Entra Connect sync account by design")
	default:
		reasons = append(reasons, "security defaults are off")
	}
	switch {
	case !present(r.snap, CollPerUserMFA):
		reasons = append(reasons, "per-user MFA states were not available")
	case perUser == "" || perUser == "disabled":
		reasons = append(reasons, "per-user MFA is not enabled")
	default:
		reasons = append(reasons, "per-user MFA state "+quote(r.snap.PerUserMFA[u.ID])+" is not one mfaboard knows: not counted")
	}
	return reasons, covs
}
