package inventory

import (
	"fmt"
	"strings"
)

// PartnerAgentGroups are the Partner Center agent groups whose transitive
// members are privileged (DOMAIN.md §1), matched by display name.
var PartnerAgentGroups = []string{"AdminAgents", "HelpdeskAgents", "SalesAgents"}

// smsVoiceMethods are the registered methods Microsoft retires on
// 2027-02-01 (DOMAIN.md §6).
var smsVoiceMethods = []string{"mobilePhone", "alternateMobilePhone", "officePhone"}

// notSecondFactors are registered methods that are no MFA method at all
// (self-service password reset only, or no method of sign-in): they do not
// keep an account with SMS or voice from being sms_voice_only.
var notSecondFactors = []string{"email", "securityQuestion", "password", "appPassword"}

// markerSet collects markers with their reasons.
type markerSet struct {
	list    []Marker
	reasons map[Marker]string
}

func (m *markerSet) add(k Marker, reasons ...string) {
	if len(reasons) == 0 {
		return
	}
	if m.reasons == nil {
		m.reasons = make(map[Marker]string, 2)
	}
	m.list = append(m.list, k)
	m.reasons[k] = strings.Join(reasons, "; ")
}

func (m *markerSet) has(k Marker) bool {
	_, ok := m.reasons[k]
	return ok
}

// markers finds every marker of DOMAIN.md §1, in display order.
func (r *run) markers(u *User, acc *Account, reg *Registration, nw nameWords, ev *evidence) markerSet {
	var m markerSet

	var priv []string
	if n := len(acc.RoleTemplateIDs); n > 0 {
		names := make([]string, n)
		for i, t := range acc.RoleTemplateIDs {
			names[i] = r.dir.roleName(t)
		}
		if n == 1 {
			priv = append(priv, "holds the "+names[0]+" role")
		} else {
			priv = append(priv, "holds the roles "+strings.Join(names, ", "))
		}
	}
	if reg != nil && reg.IsAdmin {
		priv = append(priv, "isAdmin is true in its registration details")
	}
	for _, g := range r.agentGroups {
		if chain := acc.Groups.chain(g); chain != nil {
			why := "member of " + chain[len(chain)-1] + " (Partner Center)"
			if len(chain) > 1 {
				why += " through group " + chain[0]
			}
			priv = append(priv, why)
		}
	}
	m.add(Privileged, priv...)

	var bg []string
	if r.breakGlass[strings.ToLower(u.UserPrincipalName)] || r.breakGlass[strings.ToLower(u.ID)] {
		bg = append(bg, "listed as a break-glass account in the settings")
	}
	if why, ok := r.breakGlassPatterns.match(nw, "break-glass"); ok {
		bg = append(bg, why)
	}
	m.add(BreakGlass, bg...)
	m.add(PartnerCenterNoMFA, r.partnerCenterNoMFA(u)...)

	var sync []string
	if acc.HoldsRole(RoleDirectorySync) {
		sync = append(sync, "holds the Directory Synchronization Accounts role")
	}
	if hasPrefixFold(u.UserPrincipalName, syncPrefix) {
		sync = append(sync, "UPN starts with Sync_ (Entra Connect)")
	}
	m.add(DirectorySync, sync...)

	if len(ev.legacy) > 0 {
		parts := make([]string, len(ev.legacy))
		for i, l := range ev.legacy {
			parts[i] = fmt.Sprintf("%s (%d, last on %s)", l.client, l.count, day(l.last, r.asOf))
		}
		m.add(LegacyAuth, fmt.Sprintf("successful legacy sign-ins in the last %d days over %s", r.windowDays(), strings.Join(parts, ", ")))
	}

	if reg != nil && smsVoiceOnly(reg) {
		m.add(SMSVoiceOnly, "every MFA method it registered is SMS or voice ("+strings.Join(reg.MethodsRegistered, ", ")+"), which Microsoft retires on 2027-02-01")
	}

	if !u.AccountEnabled {
		m.add(Disabled, "account is disabled")
	}
	return m
}

// smsVoiceOnly: MFA-registered, and every registered MFA method is SMS or
// voice.
func smsVoiceOnly(reg *Registration) bool {
	if !reg.IsMfaRegistered {
		return false
	}
	phone := false
	for _, m := range reg.MethodsRegistered {
		switch {
		case containsFold(smsVoiceMethods, m):
			phone = true
		case containsFold(notSecondFactors, m):
		default:
			return false
		}
	}
	return phone
}
