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
		f.file(i, FixAppPassword, "", func(c *candidate) {
			c.docs = docsAppPassword
			c.title = func(n int) string {
				return fmt.Sprintf("Set up app passwords for %s sending mail over SMTP AUTH (per-user MFA enforced; temporary, until SMTP AUTH basic auth ends)", devices(n))
			}
			c.change = func(t *subTenant) {
				t.each(func(u *User) {
					t.snap.PerUserMFA[u.ID] = "enforced"
					t.register(u.ID)
					t.dropSingleFactor(u.ID)
				})
			}
		})
	case SecureAppModel:
		f.secureAppFix(i, u, a)
	case TenantSplit:
		f.file(i, FixTenantSplit, "", func(c *candidate) {
			c.docs = docsTeamsRooms
			c.title = func(n int) string {
				return fmt.Sprintf("Move %s to a separate production tenant (tenant split)", roomDevices(n))
			}
			c.change = func(t *subTenant) { t.each(func(u *User) { u.AccountEnabled = false }) }
		})
	case TechnicalException:
		f.file(i, FixException, "", func(c *candidate) {
			c.docs = docsPartnerRequirements
			c.title = func(n int) string {
				return fmt.Sprintf("Request technical exceptions for %s, with a compliant-device policy as the compensating control", roomDevices(n))
			}
			c.change = func(t *subTenant) {
				t.each(func(u *User) {
					t.in.Exceptions[u.ID] = Exception{Granted: true, Expiry: t.in.AsOf.AddDate(MaxExceptionTerm, 0, 0)}
				})
			}
		})
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
		f.file(i, FixRegistration, "", func(c *candidate) {
			c.docs = docsRegistrationCampaign
			c.title = func(n int) string {
				return fmt.Sprintf("Register MFA for %s (a registration campaign: the Authenticator app or a passkey)", people(n))
			}
			c.change = func(t *subTenant) {
				t.each(func(u *User) {
					t.register(u.ID)
					if strings.EqualFold(strings.TrimSpace(t.snap.PerUserMFA[u.ID]), "enabled") {
						t.snap.PerUserMFA[u.ID] = "enforced" // as Entra does once the user registers
					}
				})
			}
		})
	}
	if singleFactor {
		f.file(i, FixSingleFactor, "", func(c *candidate) {
			c.docs = docsBlockLegacy
			c.title = func(n int) string {
				return fmt.Sprintf("Stop single-factor sign-ins of %s: block legacy authentication and revoke their sessions", people(n))
			}
			c.change = func(t *subTenant) { t.each(func(u *User) { t.dropSingleFactor(u.ID) }) }
		})
	}
	return needsReg || singleFactor
}

// secureAppFix files a service account on the Secure Application Model
// path by what it does: the Entra Connect sync account, a tool that reads
// a mailbox over a legacy protocol, or any other integration. Each leaves
// user credentials, after which the account's sign-in is blocked.
func (f *finder) secureAppFix(i int, u *User, a *Assessment) {
	block := func(t *subTenant) { t.each(func(u *User) { u.AccountEnabled = false }) }
	ev := evidenceOf(f.s.SignIns[u.ID], f.r.win)
	switch {
	case slices.Contains(a.Markers, DirectorySync):
		f.file(i, FixSecureApp, "sync", func(c *candidate) {
			c.docs, c.change = docsEntraConnectApp, block
			c.title = func(n int) string {
				return fmt.Sprintf("Switch Entra Connect to application-based authentication and remove %s", plural(n, "Sync_ account"))
			}
		})
	case len(ev.legacy) > 0:
		c := f.file(i, FixSecureApp, "legacy", func(c *candidate) {
			c.docs, c.change = docsAppOnlyOAuth, block
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
		f.file(i, FixSecureApp, "integration", func(c *candidate) {
			c.docs, c.change = docsSecureAppModel, block
			c.title = func(n int) string {
				return fmt.Sprintf("Move %s to the Secure Application Model (an app registration), then block their user sign-in", plural(n, "integration"))
			}
		})
	}
}
