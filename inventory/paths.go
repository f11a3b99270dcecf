package inventory

import (
	"fmt"
	"strings"
)

// pathFor recommends the way out of DOMAIN.md §2. The path follows the
// category; markers only sharpen the words (a privileged service account
// stays on its service path).
func (r *run) pathFor(cat Category, m *markerSet, ev *evidence) (Path, string) {
	switch cat {
	case RoomDevice:
		if r.kind == KindMixed {
			return TenantSplit, "room device in a mixed CSP and production tenant: it cannot do MFA, so move the workload to a separate production tenant"
		}
		return TechnicalException, "room device in a " + string(r.kind) + " tenant, with no tenant to split into: it cannot do MFA, so file a technical exception with compensating controls (a policy of its own: compliant device and named location)"
	case ServiceAccount:
		return servicePath(m, ev)
	case GuestAccount:
		return MFAEnrolment, "guest: register MFA methods and make sure a policy enforces MFA on guests with no exclusion"
	}
	switch {
	case m.has(BreakGlass):
		return MFAEnrolment, "break-glass account: register several methods (e.g. FIDO2 keys kept in a safe) and make sure a policy enforces MFA with no exclusion"
	case m.has(Privileged):
		return MFAEnrolment, "privileged person: register MFA methods and make sure a policy enforces MFA with no exclusion"
	}
	return MFAEnrolment, "a person's own account: register MFA methods and make sure a policy enforces MFA with no exclusion"
}

// servicePath: an app password only where every legacy sign-in uses a
// protocol that still takes basic auth; everything else leaves user
// credentials for an app registration.
func servicePath(m *markerSet, ev *evidence) (Path, string) {
	if ev.legacyOnly(clientSMTP, clientOther) {
		return AppPassword, "service account whose legacy sign-ins in the window all use " + legacyList(ev) +
			", which still takes basic auth: enforce per-user MFA, register, and create an app password for the device; temporary, it ends when SMTP AUTH basic auth is removed and never works under security defaults"
	}
	if m.has(DirectorySync) {
		return SecureAppModel, "Entra Connect sync account: switch Entra Connect (2.5.3.0 or later) to application-based authentication, then remove the Sync_ account"
	}
	if len(ev.legacy) > 0 {
		return SecureAppModel, "service account that signs in over " + legacyList(ev) +
			": Exchange Online no longer takes basic auth there, so an app password cannot help; move it to app-only OAuth (XOAUTH2 or Graph mail, scoped with RBAC for Applications)"
	}
	return SecureAppModel, "service account: move the integration off user credentials onto an app registration (Secure Application Model for Partner Center, app-only OAuth for mailboxes)"
}

func legacyList(ev *evidence) string {
	names := make([]string, len(ev.legacy))
	for i, l := range ev.legacy {
		names[i] = l.client
	}
	return strings.Join(names, ", ")
}

// path applies a person's override, which wins over the rules.
func (r *run) path(u *User, cat Category, m *markerSet, ev *evidence) (p, auto Path, reason string, overridden bool) {
	auto, reason = r.pathFor(cat, m, ev)
	o, ok := r.in.Overrides[u.ID]
	if !ok || o.Path == "" {
		return auto, auto, reason, false
	}
	if !validPath(o.Path) {
		return auto, auto, reason + fmt.Sprintf(" (override to unknown path %q ignored)", o.Path), false
	}
	return o.Path, auto, overrideReason(o) + "; the rules recommend " + auto.Label() + " (" + reason + ")", true
}

func validPath(p Path) bool {
	for _, v := range Paths {
		if p == v {
			return true
		}
	}
	return false
}
