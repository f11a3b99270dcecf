package demo

import (
	"slices"

	"github.com/mfaboard/mfaboard/inventory"
)

// The demo's Partner Center (issue 13 §3): two integrations that follow the
// Secure Application Model (their app + user sign-ins carry MFA), one that
// does not (a billing connector signing in as a service account with a
// password; Partner Center now refuses it with error 900421), people who
// use the portal, and a few who sign in to it without MFA.

const (
	appPartnerCenter = "Microsoft Partner Center"
	appBilling       = "PSA Billing Connector"      // not SAM
	appReports       = "Lighthouse CSP Reports"     // SAM, admin consent
	appProvisioning  = "Northwind Customer Onboard" // SAM, one admin's consent
)

// partnerCenter adds the service principals and grants, makes the API
// integration accounts sign in through the billing connector, and derives
// every account's Partner Center sign-ins from its sign-in folds, so the
// two always agree.
func (g *generator) partnerCenter() {
	sp := func(name, appID, publisher string) inventory.ServicePrincipal {
		if appID == "" {
			appID = g.idFor("app", name)
		}
		s := inventory.ServicePrincipal{ID: g.idFor("servicePrincipal", name), AppID: appID, DisplayName: name, PublisherName: publisher}
		if publisher == "" {
			s.AppOwnerOrganizationID = g.snap.Tenant.ID
		}
		g.snap.ServicePrincipals = append(g.snap.ServicePrincipals, s)
		return s
	}
	pc := sp(appPartnerCenter, inventory.PartnerCenterAppID, "Microsoft Services")
	graph := sp("Microsoft Graph", "00000003-0000-0000-c000-000000000000", "Microsoft Services")
	billing, reports, provisioning := sp(appBilling, "", ""), sp(appReports, "", ""), sp(appProvisioning, "", "")
	apps := map[string]string{appBilling: billing.AppID, appReports: reports.AppID, appProvisioning: provisioning.AppID}

	admins := g.partnerAdmins(2)
	grant := func(client inventory.ServicePrincipal, resource inventory.ServicePrincipal, principal, scope string) {
		consent := "AllPrincipals"
		if principal != "" {
			consent = "Principal"
		}
		g.snap.PermissionGrants = append(g.snap.PermissionGrants, inventory.PermissionGrant{
			ID: g.idFor("grant", client.ID+resource.ID+principal), ClientID: client.ID, ResourceID: resource.ID,
			ConsentType: consent, PrincipalID: principal, Scope: scope,
		})
	}
	grant(billing, pc, "", "user_impersonation")
	grant(reports, pc, "", "user_impersonation")
	grant(reports, graph, "", "User.Read Directory.Read.All")
	if len(admins) > 0 {
		grant(provisioning, pc, g.snap.Users[admins[0]].ID, "user_impersonation")
	}

	for i := range g.snap.Users {
		if g.accts[i].cohort == apiIntegration {
			for j := range g.snap.SignIns[g.snap.Users[i].ID] {
				if f := &g.snap.SignIns[g.snap.Users[i].ID][j]; f.App == appPartnerCenter {
					f.App = appBilling
				}
			}
		}
	}
	if i := g.firstOf(apiIntegration); i >= 0 { // already refused some days
		g.addFolds(i, g.fold(g.daysAgo(1), appBilling, desktop, false, singleFactor, false))
	}
	for k, i := range admins { // SAM: consented once with MFA, then refresh tokens
		use := []string{appReports, appProvisioning}[k%2]
		g.addFolds(i, g.foldsOnDays(use, desktop, false, mfa, 5)...)
	}
	for _, i := range g.portalWithoutMFA(3) {
		g.addFolds(i, g.fold(g.inWindow(), appPartnerCenter, browser, true, singleFactor, true))
	}

	for _, u := range g.snap.Users {
		var pcs []inventory.PartnerSignIn
		for _, f := range g.snap.SignIns[u.ID] {
			appID, ok := apps[f.App]
			if f.App == appPartnerCenter {
				appID, ok = inventory.PartnerCenterAppID, true
			}
			if !ok {
				continue
			}
			p := inventory.PartnerSignIn{
				Day: f.Day, AppID: appID, App: f.App, Portal: f.App == appPartnerCenter, ClientAppUsed: f.ClientAppUsed,
				Interactive: f.Interactive, Requirement: f.Requirement, Count: f.Count, First: f.First, Last: f.Last,
			}
			if !f.Success {
				p.ErrorCode = inventory.ErrPartnerCenterNoMFA
			}
			pcs = append(pcs, p)
		}
		if len(pcs) > 0 {
			if g.snap.PartnerSignIns == nil {
				g.snap.PartnerSignIns = map[string][]inventory.PartnerSignIn{}
			}
			g.snap.PartnerSignIns[u.ID] = pcs
		}
	}
}

// partnerAdmins are up to n active, MFA-registered admins: the people who
// consent to and run the SAM integrations.
func (g *generator) partnerAdmins(n int) []int {
	var out []int
	for i, a := range g.accts {
		if len(out) < n && (a.cohort == globalAdmin || a.cohort == itAdmin) && a.active && a.registered && g.snap.Users[i].AccountEnabled {
			out = append(out, i)
		}
	}
	return out
}

// portalWithoutMFA are up to n active agents (help desk and sales) who will
// sign in to the portal with a password alone.
func (g *generator) portalWithoutMFA(n int) []int {
	var out []int
	for i, a := range g.accts {
		if len(out) < n && (a.cohort == serviceDeskAgent || a.cohort == accountManager) && a.active && g.snap.Users[i].AccountEnabled {
			out = append(out, i)
		}
	}
	return out
}

func (g *generator) firstOf(c cohort) int {
	return slices.IndexFunc(g.accts, func(a account) bool { return a.cohort == c })
}

// addFolds gives account i more sign-ins, merged as a real fold would be,
// and moves its signInActivity dates forward where they now lag.
func (g *generator) addFolds(i int, folds ...inventory.SignInFold) {
	u := &g.snap.Users[i]
	merged := mergeFolds(append(slices.Clone(g.snap.SignIns[u.ID]), folds...))
	g.snap.SignIns[u.ID] = merged
	advanceActivity(u, folds)
}
