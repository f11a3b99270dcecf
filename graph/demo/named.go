package demo

import (
	"strings"

	"github.com/mfaboard/mfaboard/inventory"
)

// namedAccounts adds the accounts every partner tenant has exactly once: the
// ones that make MFA hard, each a case DOMAIN.md names.
func (g *generator) namedAccounts() {
	// Global Administrators: people's separate cloud-only admin accounts.
	for i, title := range []string{"CTO", "IT Manager", "Head of Cloud Operations"} {
		first, last := pick(g, firstNames), pick(g, lastNames)
		local := "adm-" + localPart(first) + "." + localPart(last)
		dept := deptIT
		if i == 0 {
			dept = deptManagement
		}
		g.add(inventory.User{
			DisplayName:       first + " " + last + " (Admin)",
			UserPrincipalName: g.uniqueUPN(local, g.onmicrosoft),
			UserType:          "Member",
			AccountEnabled:    true,
			CreatedDateTime:   g.longAgo(400, 2000),
			JobTitle:          title,
			Department:        departments[dept].Name,
			LicenseSKUs:       []string{skuEntraIDP2},
		}, account{cohort: globalAdmin, dept: dept})
	}

	g.cloudOnly(breakGlass, "breakglass01", "Break Glass Account 01", g.onmicrosoft, 1800)
	g.cloudOnly(breakGlass, "emergency-admin", "Emergency Admin", g.onmicrosoft, 1500)
	g.cloudOnly(syncAccount, "Sync_SRV-ADC01_1a2b3c4d5e6f", "On-Premises Directory Synchronization Service Account", g.onmicrosoft, 2100)
	g.cloudOnly(imapTicketing, "ticketing", "Helpdesk Ticketing", g.domain, 1300, skuExchangeOnlinePlan)
	scanner := g.cloudOnly(smtpDevice, "scanner-3rdfloor", "Scanner 3rd Floor", g.domain, 900, skuExchangeOnlinePlan)
	g.accts[scanner].perUser = "enforced" // set up for an app password
	g.cloudOnly(powerShellAutomation, "svc-automation", "PowerShell Automation", g.domain, 1100)
	g.cloudOnly(apiIntegration, "pc-api-integration", "Partner Center API Integration", g.domain, 1600)
	// Named after the product, not the job: only its sign-ins show it is
	// not a person.
	g.cloudOnly(invoicingIntegration, "invoicing", "Invoicing (Exact Online)", g.domain, 700)

	g.cloudOnly(teamsRoom, "mtr-boardroom4", "Boardroom 4", g.domain, 800, skuTeamsRoomsPro)
	g.cloudOnly(teamsRoom, "mtr-ams-training", "Amsterdam Training Room", g.domain, 600, skuTeamsRoomsPro)
	g.cloudOnly(teamsRoom, "mtr-rtm-huddle2", "Rotterdam Huddle 2", g.domain, 500, skuTeamsRoomsPro)
	g.cloudOnly(surfaceHub, "surfacehub-lobby", "Surface Hub Lobby", g.domain, 1000, skuTeamsRoomsPro)
	// A device whose name gives nothing away: only the room-devices group
	// (a setting) tells it is one.
	g.cloudOnly(groupOnlyRoom, "conf-utrecht", "Utrecht Conference", g.domain, 400, skuTeamsRoomsPro)
	mailbox := g.cloudOnly(roomMailbox, "ams-room-2.14", "Amsterdam Room 2.14", g.domain, 1700)
	g.snap.Users[mailbox].AccountEnabled = false // resource mailboxes are disabled accounts

	g.guestNamed("jane", "doe", "Jane Doe", guestCompanies[0], guest, "Guest")
	g.guestNamed("tom", "becker", "Tom Becker", guestCompanies[1], b2bMember, "Member")
	g.add(inventory.User{
		DisplayName:       "Pieter Bakker (External)",
		UserPrincipalName: g.uniqueUPN("ext.pieter.bakker", g.domain),
		Mail:              "ext.pieter.bakker@" + g.domain,
		UserType:          "Guest",
		AccountEnabled:    true,
		CreatedDateTime:   g.longAgo(100, 600),
		JobTitle:          "Auditor",
	}, account{cohort: internalGuest, dept: -1})
}

// cloudOnly adds a non-person account created in the cloud and returns its
// index.
func (g *generator) cloudOnly(c cohort, local, name, domain string, ageDays int, skus ...string) int {
	u := inventory.User{
		DisplayName:       name,
		UserPrincipalName: g.uniqueUPN(local, domain),
		UserType:          "Member",
		AccountEnabled:    true,
		CreatedDateTime:   g.longAgo(ageDays, ageDays+60),
		LicenseSKUs:       skus,
	}
	if domain == g.domain {
		u.Mail = u.UserPrincipalName
	}
	g.add(u, account{cohort: c, dept: -1})
	return len(g.snap.Users) - 1
}

// guestNamed adds an external account with #EXT# in its UPN: an invited
// guest, or (userType Member) a b2b collaboration member from a sister
// company's cross-tenant sync.
func (g *generator) guestNamed(first, last, name string, company company, c cohort, userType string) {
	mail := g.uniqueLocal(first+"."+last, company.domain) + "@" + company.domain
	g.add(inventory.User{
		DisplayName:       name + " (" + company.name + ")",
		UserPrincipalName: g.uniqueUPN(strings.ReplaceAll(mail, "@", "_")+"#EXT#", g.onmicrosoft),
		Mail:              mail,
		UserType:          userType,
		AccountEnabled:    true,
		CreatedDateTime:   g.longAgo(200, 900),
	}, account{cohort: c, dept: -1})
}
