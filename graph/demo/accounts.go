package demo

import (
	"strconv"
	"strings"

	"github.com/mfaboard/mfaboard/inventory"
)

// cohort is the story behind an account: it decides its registration, its
// sign-ins, its groups and its roles.
type cohort int

const (
	officeWorker     cohort = iota
	contractor              // in Contractors EU, so excluded from the MFA policy
	leaver                  // disabled
	newHire                 // created this week: no registration details yet
	cloudEngineer           // AdminAgents through Cloud Engineers
	serviceDeskAgent        // HelpdeskAgents through Service Desk Tier 2
	accountManager          // SalesAgents directly
	itAdmin                 // holds a directory role other than Global Administrator
	globalAdmin             // a person's separate admin account
	breakGlass
	syncAccount
	imapTicketing
	smtpDevice // scanners and other senders over Authenticated SMTP
	powerShellAutomation
	apiIntegration // Partner Center API and other app + user integrations
	invoicingIntegration
	teamsRoom
	groupOnlyRoom // a room device recognised only through the room-devices group
	surfaceHub
	roomMailbox // a plain room mailbox: a disabled account listed in rooms
	guest
	internalGuest
	b2bMember
)

// account is what the generator knows about a user besides its Graph fields.
type account struct {
	cohort cohort
	dept   int // index into departments, -1 for non-people
	// active accounts signed in within the window.
	active bool
	// registered: its registration details say MFA-registered.
	registered bool
	// role is the template id of the directory role it holds, if any.
	role string
	// perUser is the per-user MFA state when not "disabled".
	perUser string
}

// MinUsers is the smallest tenant Generate makes: the twenty named accounts
// every tenant has once, the smallest share of each generated cohort, and a
// few office workers.
const MinUsers = 60

// accounts creates the named accounts, then the generated ones in a shuffled
// order so that the cohorts mix as they would in a real directory.
func (g *generator) accounts() {
	g.snap.Users = make([]inventory.User, 0, g.opts.Users)
	g.accts = make([]account, 0, g.opts.Users)
	g.namedAccounts()

	n := g.opts.Users - len(g.snap.Users)
	plan := []struct {
		c     cohort
		count int
	}{
		{guest, max(3, n*5/100)},
		{teamsRoom, n / 250},
		{smtpDevice, n / 500},
		{apiIntegration, n / 500},
		{itAdmin, max(3, n/200)},
		{cloudEngineer, max(3, n/150)},
		{serviceDeskAgent, max(3, n/100)},
		{accountManager, max(2, n/150)},
		{contractor, max(4, n*2/100)},
		{leaver, max(3, n*3/100)},
		{newHire, max(2, n/100)},
	}
	cohorts := make([]cohort, 0, n)
	for _, p := range plan {
		for range p.count {
			cohorts = append(cohorts, p.c)
		}
	}
	for len(cohorts) < n {
		cohorts = append(cohorts, officeWorker)
	}
	g.rng.Shuffle(len(cohorts), func(i, j int) { cohorts[i], cohorts[j] = cohorts[j], cohorts[i] })

	for _, c := range cohorts {
		switch c {
		case guest:
			g.addGuest()
		case teamsRoom:
			g.addGeneratedRoom()
		case smtpDevice, apiIntegration:
			g.addGeneratedService(c)
		default:
			g.addPerson(c)
		}
	}
}

// addPerson adds a member account of a person in the given cohort.
func (g *generator) addPerson(c cohort) {
	dept := g.departmentFor(c)
	first, last := pick(g, firstNames), pick(g, lastNames)
	title := pick(g, departments[dept].Titles)
	switch c {
	case contractor:
		title = pick(g, contractorTitles)
	case accountManager:
		title = "Account Manager"
	case itAdmin:
		title = "System Administrator"
	}
	u := inventory.User{
		DisplayName:           first + " " + last,
		UserPrincipalName:     g.uniqueUPN(localPart(first)+"."+localPart(last), g.domain),
		UserType:              "Member",
		AccountEnabled:        c != leaver,
		OnPremisesSyncEnabled: c != contractor && g.chance(85),
		CreatedDateTime:       g.longAgo(30, 2400),
		JobTitle:              title,
		Department:            departments[dept].Name,
		LicenseSKUs:           g.personLicenses(dept),
	}
	switch c {
	case contractor:
		u.DisplayName += " (Contractor)"
		u.LicenseSKUs = []string{skuExchangeOnlinePlan}
	case newHire:
		u.CreatedDateTime = g.longAgo(0, 4)
	case leaver:
		if g.chance(50) {
			u.LicenseSKUs = nil // licences already reclaimed
		}
	}
	u.Mail = u.UserPrincipalName
	g.add(u, account{cohort: c, dept: dept})
}

func (g *generator) departmentFor(c cohort) int {
	switch c {
	case cloudEngineer:
		return deptCloudEngineering
	case serviceDeskAgent:
		return deptServiceDesk
	case accountManager:
		return deptSales
	case itAdmin:
		return deptIT
	case contractor:
		if g.chance(50) {
			return deptConsulting
		}
		return deptCloudEngineering
	}
	total := 0
	for _, d := range departments {
		total += d.Weight
	}
	w := g.rng.IntN(total)
	for i, d := range departments {
		if w < d.Weight {
			return i
		}
		w -= d.Weight
	}
	return len(departments) - 1
}

func (g *generator) personLicenses(dept int) []string {
	var skus []string
	switch r := g.rng.IntN(10); {
	case r < 3:
		skus = []string{skuM365E5}
	case r < 7:
		skus = []string{skuM365E3, skuEntraIDP2}
	default:
		skus = []string{skuM365BusinessPrem}
	}
	if departments[dept].Name == "Finance" || departments[dept].Name == "Management" {
		skus = append(skus, skuPowerBIPro)
	}
	return skus
}

// addGuest adds an invited B2B guest from one of the partner's customers.
func (g *generator) addGuest() {
	first, last := pick(g, firstNames), pick(g, lastNames)
	company := pick(g, guestCompanies)
	dom := company.domain
	mail := g.uniqueLocal(localPart(first)+"."+localPart(last), dom) + "@" + dom
	ext := strings.ReplaceAll(mail, "@", "_") + "#EXT#"
	u := inventory.User{
		DisplayName:       first + " " + last + " (" + company.name + ")",
		UserPrincipalName: g.uniqueUPN(ext, g.onmicrosoft),
		Mail:              mail,
		UserType:          "Guest",
		AccountEnabled:    true,
		CreatedDateTime:   g.longAgo(10, 1500),
	}
	g.add(u, account{cohort: guest, dept: -1})
}

// addGeneratedRoom adds a Teams Rooms resource account; rooms() lists it.
func (g *generator) addGeneratedRoom() {
	city := pick(g, cities)
	floor, number := 1+g.rng.IntN(6), 1+g.rng.IntN(40)
	label := strconv.Itoa(floor) + "." + twoDigits(number)
	local := "mtr-" + strings.ToLower(city) + "-" + strconv.Itoa(floor) + twoDigits(number)
	u := inventory.User{
		DisplayName:       city + " " + pick(g, roomNames) + " " + label,
		UserPrincipalName: g.uniqueUPN(local, g.domain),
		UserType:          "Member",
		AccountEnabled:    true,
		CreatedDateTime:   g.longAgo(60, 1400),
		LicenseSKUs:       []string{skuTeamsRoomsPro},
	}
	u.Mail = u.UserPrincipalName
	g.add(u, account{cohort: teamsRoom, dept: -1})
}

// addGeneratedService adds a service account whose name says what it is.
func (g *generator) addGeneratedService(c cohort) {
	var local, name string
	city := pick(g, cities)
	if c == smtpDevice {
		device := pick(g, smtpDevices)
		local = device.local + "-" + strings.ToLower(city)
		name = device.name + " " + city
	} else {
		tool := pick(g, serviceTools)
		local, name = tool.local, tool.name
	}
	u := inventory.User{
		DisplayName:       name,
		UserPrincipalName: g.uniqueUPN(local, g.domain),
		UserType:          "Member",
		AccountEnabled:    true,
		CreatedDateTime:   g.longAgo(90, 2000),
	}
	if c == smtpDevice {
		u.LicenseSKUs = []string{skuExchangeOnlinePlan}
	}
	u.Mail = u.UserPrincipalName
	g.add(u, account{cohort: c, dept: -1})
}

// add appends a user and its account record, giving the user its id.
func (g *generator) add(u inventory.User, a account) {
	u.ID = g.idFor("user", strings.ToLower(u.UserPrincipalName))
	g.snap.Users = append(g.snap.Users, u)
	g.accts = append(g.accts, a)
}
