package inventory

import (
	"fmt"
	"slices"
	"strings"
)

// pathFixes files an open account under the fix its remediation path
// names (DOMAIN.md §2), and a person's under the registration campaign and
// the single-factor sign-ins fix when its data shows the need. It reports
// whether any fix was found.
func (f *finder) pathFixes(i int, a *Assessment) bool {
	u := &f.s.Users[i]
	switch a.Path {
	case MFAEnrolment:
		return f.personFixes(i, u, a)
	case AppPassword:
		f.fileFix(i, "", appPasswordFix)
	case SecureAppModel:
		f.secureAppFix(i, u, a)
	case TenantSplit:
		f.fileFix(i, "", tenantSplitFix)
	case TechnicalException:
		f.fileFix(i, "", exceptionFix)
	default:
		return false
	}
	return true
}

// personFixes: a person who is not registered (or whose per-user MFA is
// only enabled, or whose methods cannot meet a required strength) goes to
// the registration campaign; one whose sign-ins went through without MFA
// to the single-factor fix.
func (f *finder) personFixes(i int, u *User, a *Assessment) bool {
	// Registrations that could not be read are unknown, not missing: the
	// account goes to the review, where a person reads them first.
	known := present(f.s, CollRegistrations)
	reg, has := f.s.Registrations[u.ID]
	needsReg := known && (!has || !reg.IsMfaRegistered || strings.EqualFold(strings.TrimSpace(f.s.PerUserMFA[u.ID]), "enabled"))
	ev := evidenceOf(f.s.SignIns[u.ID], f.r.win)
	singleFactor := len(ev.singleFactor) > 0
	if known && a.Compliance == AtRisk && !needsReg && !singleFactor {
		needsReg = true // enforced only by a strength its methods cannot meet
	}
	if needsReg {
		f.fileFix(i, "", registrationFix)
	}
	if singleFactor {
		f.fileFix(i, "", singleFactorFix)
	}
	return needsReg || singleFactor
}

// secureAppFix files a service account on the Secure Application Model
// path by what it does: the Entra Connect sync account, a tool that reads
// a mailbox over a legacy protocol, or any other integration. Each leaves
// user credentials, after which the account's sign-in is blocked.
func (f *finder) secureAppFix(i int, u *User, a *Assessment) {
	ev := evidenceOf(f.s.SignIns[u.ID], f.r.win)
	switch {
	case slices.Contains(a.Markers, DirectorySync):
		f.fileFix(i, "sync", entraConnectAppFix)
	case len(ev.legacy) > 0:
		c := f.file(i, FixSecureApp, "legacy", func(c *candidate) {
			c.docs, c.change = docsAppOnlyOAuth, blockSignIn
			c.title = func(n int) string {
				return fmt.Sprintf("Move %s that sign in over legacy protocols (%s) to app-only OAuth, then block their user sign-in",
					plural(n, "tool"), strings.Join(c.clients, ", "))
			}
		})
		for _, l := range ev.legacy {
			if !slices.Contains(c.clients, l.client) {
				c.clients = append(c.clients, l.client)
			}
		}
	default:
		f.fileFix(i, "integration", secureAppModelFix)
	}
}

// pathFix is a fix whose words and change do not depend on the accounts
// filed under it: its docs, its title (noun counts the accounts into the
// title's %s) and the change that makes it in a sub-tenant.
type pathFix struct {
	kind   FixKind
	docs   string
	title  string
	noun   func(n int) string
	change func(t *subTenant)
}

// fileFix files account i under x; key tells apart fixes of one kind.
func (f *finder) fileFix(i int, key string, x pathFix) {
	f.file(i, x.kind, key, func(c *candidate) {
		c.docs, c.change = x.docs, x.change
		c.title = func(n int) string { return fmt.Sprintf(x.title, x.noun(n)) }
	})
}

// blockSignIn disables the accounts: what a room device split off to its
// own tenant, or a service account that left user credentials, comes to.
func blockSignIn(t *subTenant) { t.each(func(u *User) { u.AccountEnabled = false }) }

var (
	appPasswordFix = pathFix{kind: FixAppPassword, docs: docsAppPassword, noun: devices,
		title: "Set up app passwords for %s sending mail over SMTP AUTH (per-user MFA enforced; temporary, until SMTP AUTH basic auth ends)",
		change: func(t *subTenant) {
			t.each(func(u *User) {
				t.snap.PerUserMFA[u.ID] = "enforced"
				t.register(u.ID)
				t.dropSingleFactor(u.ID)
			})
		}}
	tenantSplitFix = pathFix{kind: FixTenantSplit, docs: docsTeamsRooms, noun: roomDevices,
		title:  "Move %s to a separate production tenant (tenant split)",
		change: blockSignIn}
	exceptionFix = pathFix{kind: FixException, docs: docsPartnerRequirements, noun: roomDevices,
		title: "Request technical exceptions for %s, with a compliant-device policy as the compensating control",
		change: func(t *subTenant) {
			t.each(func(u *User) {
				t.in.Exceptions[u.ID] = Exception{Granted: true, Expiry: t.in.AsOf.AddDate(MaxExceptionTerm, 0, 0)}
			})
		}}
	registrationFix = pathFix{kind: FixRegistration, docs: docsRegistrationCampaign, noun: people,
		title: "Register MFA for %s (a registration campaign: the Authenticator app or a passkey)",
		change: func(t *subTenant) {
			t.each(func(u *User) {
				t.register(u.ID)
				if strings.EqualFold(strings.TrimSpace(t.snap.PerUserMFA[u.ID]), "enabled") {
					t.snap.PerUserMFA[u.ID] = "enforced" // as Entra does once the user registers
				}
			})
		}}
	singleFactorFix = pathFix{kind: FixSingleFactor, docs: docsBlockLegacy, noun: people,
		title:  "Stop single-factor sign-ins of %s: block legacy authentication and revoke their sessions",
		change: func(t *subTenant) { t.each(func(u *User) { t.dropSingleFactor(u.ID) }) }}
	entraConnectAppFix = pathFix{kind: FixSecureApp, docs: docsEntraConnectApp, noun: func(n int) string { return plural(n, "Sync_ account") },
		title:  "Switch Entra Connect to application-based authentication and remove %s",
		change: blockSignIn}
	secureAppModelFix = pathFix{kind: FixSecureApp, docs: docsSecureAppModel, noun: func(n int) string { return plural(n, "integration") },
		title:  "Move %s to the Secure Application Model (an app registration), then block their user sign-in",
		change: blockSignIn}
)
