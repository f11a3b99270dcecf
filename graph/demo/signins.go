package demo

import (
	"slices"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// Values as the sign-in logs write them.
const (
	mfa          = "multiFactorAuthentication"
	singleFactor = "singleFactorAuthentication"

	browser  = "Browser"
	desktop  = "Mobile Apps and Desktop clients"
	imap     = "IMAP4"
	smtpAuth = "Authenticated SMTP"
	exoPS    = "Exchange Online PowerShell"
	eas      = "Exchange ActiveSync"
	other    = "Other clients"

	appExchange = "Office 365 Exchange Online"
	appTeams    = "Microsoft Teams"
	appHome     = "OfficeHome"
)

// app is an application a person signs in to, with the client it is used from.
type app struct{ name, client string }

var personApps = []app{
	{appHome, browser}, {"One Outlook Web", browser}, {"Office 365 SharePoint Online", browser},
	{appTeams, desktop}, {"Microsoft Office", desktop}, {"Microsoft Authentication Broker", desktop},
	{"Windows Sign In", desktop}, {"OneDrive SyncEngine", desktop}, {appExchange, desktop},
}

var adminApps = []app{{"Azure Portal", browser}, {"Microsoft 365 admin center", browser}, {"Microsoft Partner Center", browser}}

// signIns writes every account's sign-in folds and the signInActivity dates
// that agree with them.
func (g *generator) signIns() {
	for i := range g.snap.Users {
		u := &g.snap.Users[i]
		folds, older := g.foldsFor(&g.accts[i])
		folds = mergeFolds(folds)
		if len(folds) > 0 {
			g.snap.SignIns[u.ID] = folds
		}
		setActivity(u, folds, older)
	}
}

// foldsFor tells an account's story in sign-ins. older is a last sign-in
// before the window with nothing logged since (zero if none).
func (g *generator) foldsFor(a *account) (folds []inventory.SignInFold, older time.Time) {
	switch a.cohort {
	case officeWorker, cloudEngineer, serviceDeskAgent, accountManager, itAdmin, globalAdmin, contractor, b2bMember:
		return g.personFolds(a)
	case leaver:
		if g.chance(30) { // someone still tries the old password
			folds = append(folds, g.fold(g.inWindow(), appHome, browser, true, singleFactor, false))
		}
		return folds, g.longAgo(35, 200)
	case newHire:
		if g.chance(40) { // asked to register MFA, did not finish
			folds = append(folds, g.fold(g.inWindow(), appHome, browser, true, singleFactor, false))
		}
		return folds, time.Time{}
	case guest:
		if a.registered || g.chance(40) { // MFA done here or trusted from home
			a.active = true
			return g.activeFolds(appTeams, desktop, mfa, 1+g.rng.IntN(2)), time.Time{}
		}
		if g.chance(50) {
			return nil, time.Time{} // invited, never redeemed
		}
		return nil, g.longAgo(31, 300)
	case internalGuest:
		return nil, g.longAgo(40, 90)
	case breakGlass:
		if g.chance(50) { // the quarterly test
			a.active = true
			return []inventory.SignInFold{g.fold(g.inWindow(), "Azure Portal", browser, true, mfa, true)}, time.Time{}
		}
		return nil, g.longAgo(60, 120)
	case syncAccount:
		folds = g.serviceFolds("Microsoft Azure Active Directory Connect", desktop, 8)
		return append(folds, g.fold(g.beforeWindow(), "Microsoft Azure Active Directory Connect", desktop, false, singleFactor, true)), time.Time{}
	case imapTicketing:
		return g.serviceFolds(appExchange, imap, 8), time.Time{}
	case smtpDevice:
		return g.serviceFolds(appExchange, smtpAuth, 5), time.Time{}
	case powerShellAutomation:
		a.active = true
		folds = g.activeFolds("Microsoft Exchange REST API Based Powershell", desktop, singleFactor, 4)
		return append(folds, g.serviceFolds(appExchange, exoPS, 3)...), time.Time{}
	case apiIntegration:
		folds = g.serviceFolds("Microsoft Partner Center", desktop, 6)
		return append(folds, g.fold(g.beforeWindow(), "Microsoft Partner Center", desktop, false, singleFactor, true)), time.Time{}
	case invoicingIntegration:
		return g.serviceFolds("Invoicing Connector", desktop, 6), time.Time{}
	case teamsRoom, groupOnlyRoom, surfaceHub:
		a.active = true
		folds = g.activeFolds(appTeams, desktop, singleFactor, 1)
		return append(folds, g.serviceFolds(appTeams, desktop, 4)...), time.Time{}
	}
	return nil, time.Time{} // room mailboxes never sign in
}

// personFolds: most people sign in with MFA every week; contractors, excluded
// from the MFA policy, sign in with a password alone.
func (g *generator) personFolds(a *account) (folds []inventory.SignInFold, older time.Time) {
	requirement := mfa
	if a.cohort == contractor {
		requirement = singleFactor
	}
	switch {
	case !a.registered && requirement == mfa:
		if g.chance(50) { // the registration prompt, abandoned
			folds = append(folds, g.fold(g.inWindow(), appHome, browser, true, singleFactor, false))
		}
		older = g.longAgo(31, 150)
	case g.chance(90):
		a.active = true
		apps := personApps
		if a.role != "" || a.cohort == cloudEngineer {
			apps = append(slices.Clip(apps), adminApps...)
		}
		for range 1 + g.rng.IntN(3) {
			use := pick(g, apps)
			folds = append(folds, g.fold(g.inWindow(), use.name, use.client, true, requirement, true))
		}
		if g.chance(50) {
			folds = append(folds, g.fold(g.inWindow(), appTeams, desktop, false, requirement, true))
		}
		if requirement == mfa && a.cohort == officeWorker && g.chance(2) {
			// Evidence beats policy theory: a password-only sign-in while
			// the account was briefly outside every MFA policy.
			folds = append(folds, g.fold(g.inWindow(), appHome, browser, true, singleFactor, true))
		}
	default:
		older = g.longAgo(31, 120) // on leave
	}
	if g.chance(6) { // password spray, or legacy clients stopped by the block policy
		use := pick(g, []app{{appHome, browser}, {appExchange, imap}, {appExchange, smtpAuth}, {appExchange, eas}, {appExchange, other}})
		folds = append(folds, g.fold(g.inWindow(), use.name, use.client, true, singleFactor, false))
	}
	if g.chance(8) { // before the window: must not count
		use := pick(g, []app{{appHome, browser}, {appExchange, eas}})
		folds = append(folds, g.fold(g.beforeWindow(), use.name, use.client, true, singleFactor, true))
	}
	return folds, older
}

// activeFolds are n interactive successful sign-ins on different days.
func (g *generator) activeFolds(appName, client, requirement string, n int) []inventory.SignInFold {
	return g.foldsOnDays(appName, client, true, requirement, n)
}

// serviceFolds are n non-interactive, single-factor, successful sign-ins on
// different days: a service signing in on its own.
func (g *generator) serviceFolds(appName, client string, n int) []inventory.SignInFold {
	return g.foldsOnDays(appName, client, false, singleFactor, n)
}

func (g *generator) foldsOnDays(appName, client string, interactive bool, requirement string, n int) []inventory.SignInFold {
	folds := make([]inventory.SignInFold, 0, n)
	start := g.rng.IntN(29)
	step := 1 + g.rng.IntN(3)
	for k := range n {
		d := (start + k*step) % 29
		folds = append(folds, g.fold(g.daysAgo(d), appName, client, interactive, requirement, true))
	}
	return folds
}

// fold is a day's worth of one kind of sign-in, the last one at t.
func (g *generator) fold(t time.Time, appName, client string, interactive bool, requirement string, success bool) inventory.SignInFold {
	count := 1
	switch r := g.rng.IntN(20); {
	case r >= 17:
		count = 3
	case r >= 12:
		count = 2
	}
	day := t.Truncate(24 * time.Hour)
	first := t
	if count > 1 {
		room := min(t.Sub(day), 6*time.Hour) / time.Second
		if room > 0 {
			first = t.Add(-time.Duration(g.rng.Int64N(int64(room))) * time.Second)
		}
	}
	return inventory.SignInFold{
		Day: day, App: appName, ClientAppUsed: client, Interactive: interactive,
		Requirement: requirement, Success: success, Count: count, First: first, Last: t,
	}
}

// mergeFolds joins folds that share a day and kind, as a real fold would
// have, and orders them by time.
func mergeFolds(folds []inventory.SignInFold) []inventory.SignInFold {
	out := folds[:0]
	for _, f := range folds {
		merged := false
		for j := range out {
			o := &out[j]
			if o.Day.Equal(f.Day) && o.App == f.App && o.ClientAppUsed == f.ClientAppUsed &&
				o.Interactive == f.Interactive && o.Requirement == f.Requirement && o.Success == f.Success {
				o.Count += f.Count
				if f.First.Before(o.First) {
					o.First = f.First
				}
				if f.Last.After(o.Last) {
					o.Last = f.Last
				}
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b inventory.SignInFold) int { return a.First.Compare(b.First) })
	return out
}

// setActivity fills signInActivity from the folds: Graph's last interactive
// sign-in counts failures too; the last successful one counts both kinds.
func setActivity(u *inventory.User, folds []inventory.SignInFold, older time.Time) {
	u.LastSignIn, u.LastNonInteractiveSignIn, u.LastSuccessfulSignIn = older, older, older
	advanceActivity(u, folds)
}

// advanceActivity moves signInActivity forward to the folds' last times.
func advanceActivity(u *inventory.User, folds []inventory.SignInFold) {
	for _, f := range folds {
		if f.Interactive && f.Last.After(u.LastSignIn) {
			u.LastSignIn = f.Last
		}
		if !f.Interactive && f.Last.After(u.LastNonInteractiveSignIn) {
			u.LastNonInteractiveSignIn = f.Last
		}
		if f.Success && f.Last.After(u.LastSuccessfulSignIn) {
			u.LastSuccessfulSignIn = f.Last
		}
	}
}
