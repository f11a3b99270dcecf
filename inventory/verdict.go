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
			unmet = append(unmet, fmt.Sprintf("no registered method meets the authentication strength *%s* that policy *%s* requires (registered: %s)",
				strengthName(c.AuthStrength), c.Policy, orNone(methods)))
		}
		atRisk = append(atRisk, unmet...)
	}
	atRisk = append(atRisk, singleFactorReasons(ev, r)...)
	if len(atRisk) > 0 {
		// The cause first (issue 11): what enforces MFA is why the account
		// is not non-compliant, not why it is at risk.
		v.compliance = AtRisk
		v.reasons = append(atRisk, "MFA is enforced by "+strings.Join(shown, ", "))
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
		return "not registered for MFA: no registration details"
	case !reg.IsMfaRegistered:
		return "not registered for MFA"
	}
	return ""
}

// singleFactorReasons: evidence beats policy theory. Each reads "signed in
// without MFA on 16 Nov (IMAP4) to Office 365 Exchange Online".
func singleFactorReasons(ev *evidence, r *run) []string {
	out := make([]string, 0, len(ev.singleFactor))
	for _, s := range ev.singleFactor {
		when := "on " + day(s.last, r.asOf)
		if s.count != 1 {
			when = fmt.Sprintf("%d times, last on %s", s.count, day(s.last, r.asOf))
		}
		if s.client != "" {
			when += " (" + s.client + ")"
		}
		app := s.app
		if app == "" {
			app = "an application"
		}
		out = append(out, "signed in without MFA "+when+" to "+app)
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
	// The causes that keep an MFA policy from covering lead (issue 11):
	// exclusions, then states (report-only, disabled), then the rest; what
	// the policies that never asked for MFA do (block, a compliant device
	// alone) comes after the word on the missing policy.
	reasons := make([]string, 0, texts+5)
	for _, pass := range []func(intent bool, k CauseKind) bool{
		func(intent bool, k CauseKind) bool { return intent && k == CauseExcluded },
		func(intent bool, k CauseKind) bool { return intent && k.isState() },
		func(intent bool, k CauseKind) bool { return intent && k != CauseExcluded && !k.isState() },
	} {
		reasons = r.appendCauses(reasons, covs, pass)
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
	reasons = r.appendCauses(reasons, covs, func(intent bool, _ CauseKind) bool { return !intent })
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

// appendCauses adds, in policy order, the causes of covs (one per rule of
// the run) that pick takes.
func (r *run) appendCauses(reasons []string, covs []Coverage, pick func(mfaIntent bool, k CauseKind) bool) []string {
	for i, c := range covs {
		for _, cause := range c.Causes {
			if pick(r.rules[i].mfaIntent, cause.Kind) {
				reasons = append(reasons, cause.Text)
			}
		}
	}
	return reasons
}
