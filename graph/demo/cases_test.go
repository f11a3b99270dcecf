package demo_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
)

// Every case of DOMAIN.md is in the demo tenant, at every size.
func TestGenerateHasEveryNamedCase(t *testing.T) {
	t.Parallel()
	for _, opts := range []demo.Options{
		{AsOf: asOf},
		{AsOf: asOf, Seed: 42, Users: demo.MinUsers},
		{AsOf: asOf, Seed: 9, Users: 20000, Groups: 2000, Policies: 50},
	} {
		s := demo.Generate(opts)
		t.Run("service accounts", func(t *testing.T) { checkServiceAccounts(t, s) })
		t.Run("admins", func(t *testing.T) { checkAdmins(t, s) })
		t.Run("rooms", func(t *testing.T) { checkRooms(t, s) })
		t.Run("guests", func(t *testing.T) { checkGuests(t, s) })
		t.Run("policies", func(t *testing.T) { checkPolicies(t, s) })
		t.Run("registrations", func(t *testing.T) { checkRegistrations(t, s) })
		t.Run("sign-ins", func(t *testing.T) { checkSignIns(t, s) })
	}
}

func checkServiceAccounts(t *testing.T, s *inventory.Snapshot) {
	sync := userWhere(t, s, "UPN starting Sync_", func(u inventory.User) bool {
		return strings.HasPrefix(u.UserPrincipalName, "Sync_SRV-ADC01_1a2b3c4d5e6f@") && strings.HasSuffix(u.UserPrincipalName, ".onmicrosoft.com")
	})
	if !roleHolders(s, inventory.RoleDirectorySync)[sync.ID] {
		t.Error("the Sync_ account does not hold Directory Synchronization Accounts")
	}
	for _, upn := range []string{sync.UserPrincipalName, "invoicing@contoso-partners.com", "ticketing@contoso-partners.com", "pc-api-integration@contoso-partners.com"} {
		u := findUser(t, s, upn)
		if !u.LastSignIn.IsZero() || u.LastNonInteractiveSignIn.IsZero() {
			t.Errorf("%s: lastSignIn %v, lastNonInteractive %v; want only non-interactive", upn, u.LastSignIn, u.LastNonInteractiveSignIn)
		}
		if hasFold(s, u.ID, func(f inventory.SignInFold) bool { return f.Interactive }) {
			t.Errorf("%s signs in interactively", upn)
		}
	}
	if _, ok := s.Registrations[sync.ID]; ok {
		t.Error("the Sync_ account has registration details")
	}

	ticketing := findUser(t, s, "ticketing@contoso-partners.com")
	if ticketing.DisplayName != "Helpdesk Ticketing" {
		t.Errorf("ticketing display name = %q", ticketing.DisplayName)
	}
	if !hasFold(s, ticketing.ID, windowFold(func(f inventory.SignInFold) bool {
		return f.ClientAppUsed == "IMAP4" && f.Success && !f.Interactive && f.Requirement == "singleFactorAuthentication"
	})) {
		t.Error("no successful single-factor IMAP4 sign-in for the ticketing system")
	}
	scanner := findUser(t, s, "scanner-3rdfloor@contoso-partners.com")
	if !hasFold(s, scanner.ID, windowFold(func(f inventory.SignInFold) bool { return f.ClientAppUsed == "Authenticated SMTP" && f.Success })) {
		t.Error("no Authenticated SMTP sign-in for the scanner")
	}
	automation := findUser(t, s, "svc-automation@contoso-partners.com")
	for _, client := range []string{"Exchange Online PowerShell", "Mobile Apps and Desktop clients"} {
		if !hasFold(s, automation.ID, windowFold(func(f inventory.SignInFold) bool {
			return f.ClientAppUsed == client && f.Requirement == "singleFactorAuthentication" && f.Success
		})) {
			t.Errorf("no single-factor %s sign-in for svc-automation", client)
		}
	}
	for _, name := range []string{"Service Accounts", "MFA Exclusions"} {
		if !transitiveMembers(s, groupNamed(t, s, name).ID)[ticketing.ID] {
			t.Errorf("ticketing is not in %s", name)
		}
	}
}

func checkAdmins(t *testing.T, s *inventory.Snapshot) {
	globalAdmins := roleHolders(s, inventory.RoleGlobalAdministrator)
	if len(globalAdmins) < 5 {
		t.Errorf("%d Global Administrators, want the three admins and two break-glass accounts", len(globalAdmins))
	}
	ca001 := policyNamed(t, s, "CA001 - Require MFA for all users")
	for _, upn := range []string{"breakglass01@contosopartners.onmicrosoft.com", "emergency-admin@contosopartners.onmicrosoft.com"} {
		u := findUser(t, s, upn)
		if !globalAdmins[u.ID] {
			t.Errorf("%s is not a Global Administrator", upn)
		}
		if !slices.Contains(ca001.ExcludeUsers, u.ID) {
			t.Errorf("%s is not excluded from CA001", upn)
		}
		if reg := s.Registrations[u.ID]; !reg.IsMfaRegistered || !reg.IsAdmin || !slices.Equal(reg.MethodsRegistered, []string{"fido2"}) {
			t.Errorf("%s registration = %+v, want fido2 and isAdmin", upn, reg)
		}
	}
	for id := range globalAdmins {
		if reg, ok := s.Registrations[id]; ok && !reg.IsAdmin {
			t.Errorf("Global Administrator %s is not isAdmin in its registration", id)
		}
	}
	for _, name := range []string{"AdminAgents", "HelpdeskAgents", "SalesAgents"} {
		agents := groupNamed(t, s, name)
		all := transitiveMembers(s, agents.ID)
		if len(all) == 0 {
			t.Errorf("%s has no members", name)
		}
		if name == "SalesAgents" {
			continue
		}
		nestedOnly := 0
		for id := range all {
			if !slices.Contains(agents.MemberUserIDs, id) {
				nestedOnly++
			}
		}
		if nestedOnly == 0 {
			t.Errorf("nobody is in %s through a nested group", name)
		}
	}
}

func checkRooms(t *testing.T, s *inventory.Snapshot) {
	byMail := map[string]inventory.User{}
	for _, u := range s.Users {
		byMail[strings.ToLower(u.Mail)] = u
	}
	teamsRooms := 0
	for _, r := range s.Rooms {
		u, ok := byMail[strings.ToLower(r.EmailAddress)]
		if !ok {
			t.Errorf("room %s has no account", r.EmailAddress)
		}
		if strings.HasPrefix(u.UserPrincipalName, "mtr-") && u.AccountEnabled {
			teamsRooms++
		}
	}
	if teamsRooms < 3 {
		t.Errorf("%d Teams Rooms listed in rooms, want at least 3", teamsRooms)
	}
	boardroom := findUser(t, s, "mtr-boardroom4@contoso-partners.com")
	if _, ok := byMail[boardroom.Mail]; !ok || !slices.ContainsFunc(s.Rooms, func(r inventory.Room) bool { return r.EmailAddress == boardroom.Mail }) {
		t.Error("Boardroom 4 is not a room")
	}
	hub := findUser(t, s, "surfacehub-lobby@contoso-partners.com")
	devices := transitiveMembers(s, groupNamed(t, s, "Meeting Room Devices").ID)
	if !devices[hub.ID] {
		t.Error("the Surface Hub is not in the room-devices group")
	}
	conf := findUser(t, s, "conf-utrecht@contoso-partners.com")
	if !devices[conf.ID] || slices.ContainsFunc(s.Rooms, func(r inventory.Room) bool { return r.EmailAddress == conf.Mail }) {
		t.Error("conf-utrecht should be known only through the room-devices group")
	}
}

func checkGuests(t *testing.T, s *inventory.Snapshot) {
	jane := findUser(t, s, "jane.doe_fabrikam.com#EXT#@contosopartners.onmicrosoft.com")
	if jane.UserType != "Guest" || jane.Mail != "jane.doe@fabrikam.com" {
		t.Errorf("Jane Doe: userType %q, mail %q", jane.UserType, jane.Mail)
	}
	userWhere(t, s, "internal guest", func(u inventory.User) bool {
		return u.UserType == "Guest" && !strings.Contains(u.UserPrincipalName, "#EXT#")
	})
	userWhere(t, s, "b2b collaboration member", func(u inventory.User) bool {
		return u.UserType == "Member" && strings.Contains(u.UserPrincipalName, "#EXT#")
	})
	disabled := 0
	for _, u := range s.Users {
		if !u.AccountEnabled {
			disabled++
		}
	}
	if disabled < 3 {
		t.Errorf("%d disabled accounts, want a few leavers", disabled)
	}
}

func checkPolicies(t *testing.T, s *inventory.Snapshot) {
	ca001 := policyNamed(t, s, "CA001 - Require MFA for all users")
	exclusions := groupNamed(t, s, "MFA Exclusions")
	if ca001.State != "enabled" || !slices.Equal(ca001.IncludeUsers, []string{"All"}) || !slices.Equal(ca001.ExcludeGroups, []string{exclusions.ID}) {
		t.Errorf("CA001 = %+v", ca001)
	}
	for _, name := range []string{"Contractors EU", "Service Accounts"} {
		if !slices.Contains(exclusions.MemberGroupIDs, groupNamed(t, s, name).ID) {
			t.Errorf("MFA Exclusions does not nest %s", name)
		}
	}
	if ca002 := policyNamed(t, s, "CA002 - Require MFA for admins"); !slices.Contains(ca002.IncludeRoles, inventory.RoleGlobalAdministrator) || !slices.Contains(ca002.BuiltInControls, "mfa") {
		t.Errorf("CA002 = %+v", ca002)
	}
	if ca003 := policyNamed(t, s, "CA003 - Require MFA for guests"); ca003.State != "enabledForReportingButNotEnforced" || ca003.IncludeGuests == nil {
		t.Errorf("CA003 = %+v", ca003)
	}
	if ca004 := policyNamed(t, s, "CA004 - MFA outside trusted locations"); !ca004.HasLocations || !slices.Equal(ca004.ExcludeLocations, []string{"AllTrusted"}) {
		t.Errorf("CA004 = %+v", ca004)
	}
	if ca005 := policyNamed(t, s, "CA005 - MFA or compliant device"); ca005.GrantOperator != "OR" || !slices.Equal(ca005.BuiltInControls, []string{"mfa", "compliantDevice"}) {
		t.Errorf("CA005 = %+v", ca005)
	}
	if ca006 := policyNamed(t, s, "CA006 - Phishing-resistant MFA for admins"); ca006.AuthStrength == nil || !slices.Contains(ca006.AuthStrength.AllowedCombinations, "fido2") {
		t.Errorf("CA006 = %+v", ca006)
	}
	if ca007 := policyNamed(t, s, "CA007 - Block legacy authentication"); !slices.Equal(ca007.ClientAppTypes, []string{"exchangeActiveSync", "other"}) || !slices.Equal(ca007.BuiltInControls, []string{"block"}) {
		t.Errorf("CA007 = %+v", ca007)
	}
	if ca008 := policyNamed(t, s, "CA008 - Risky sign-ins require MFA"); !slices.Equal(ca008.SignInRiskLevels, []string{"high", "medium"}) || !slices.Equal(ca008.IncludeUsers, []string{"All"}) {
		t.Errorf("CA008 = %+v", ca008)
	}
	if !slices.ContainsFunc(s.Policies, func(p inventory.Policy) bool { return p.State == "disabled" }) {
		t.Error("no disabled policy")
	}
	if !slices.ContainsFunc(s.NamedLocations, func(l inventory.NamedLocation) bool {
		return l.DisplayName == "HQ Amsterdam" && l.Kind == "ip" && l.IsTrusted
	}) || !slices.ContainsFunc(s.NamedLocations, func(l inventory.NamedLocation) bool { return l.Kind == "country" }) {
		t.Errorf("named locations = %+v", s.NamedLocations)
	}
	if len(s.Policies) > demo.DemoPolicies && len(s.Groups) > demo.DemoGroups {
		checkVariationsNeedNesting(t, s)
	}
}

// checkVariationsNeedNesting: some generated policy includes a group and
// excludes a group nested inside it, so only expansion tells who is covered.
func checkVariationsNeedNesting(t *testing.T, s *inventory.Snapshot) {
	for _, p := range s.Policies[demo.DemoPolicies:] {
		for _, in := range p.IncludeGroups {
			for _, out := range p.ExcludeGroups {
				if in != out && nestedGroupsOf(s, in)[out] {
					return
				}
			}
		}
	}
	t.Error("no generated policy excludes a group nested in the group it includes")
}

func checkRegistrations(t *testing.T, s *inventory.Snapshot) {
	phone := map[string]bool{"mobilePhone": true, "alternateMobilePhone": true, "officePhone": true}
	missing, unregistered, smsOnly, strong := 0, 0, 0, 0
	for _, u := range s.Users {
		reg, ok := s.Registrations[u.ID]
		switch {
		case !ok:
			missing++
		case !reg.IsMfaRegistered:
			unregistered++
		case !slices.ContainsFunc(reg.MethodsRegistered, func(m string) bool { return !phone[m] }):
			smsOnly++
		case slices.Contains(reg.MethodsRegistered, "microsoftAuthenticatorPush"):
			strong++
		}
	}
	if missing < 2 || unregistered == 0 || smsOnly == 0 || strong < len(s.Users)/2 {
		t.Errorf("registrations: %d missing, %d not registered, %d SMS/voice only, %d with Authenticator of %d",
			missing, unregistered, smsOnly, strong, len(s.Users))
	}
	states := map[string]int{}
	for _, st := range s.PerUserMFA {
		states[st]++
	}
	if states["enabled"] == 0 || states["enforced"] == 0 || states["disabled"] < len(s.Users)*9/10 || len(states) != 3 {
		t.Errorf("per-user MFA states = %v", states)
	}
}

func checkSignIns(t *testing.T, s *inventory.Snapshot) {
	start := asOf.Add(-demo.Window)
	excluded := transitiveMembers(s, groupNamed(t, s, "MFA Exclusions").ID)
	var failed, old, evidence, mfaPeople, people int
	for _, u := range s.Users {
		folds := s.SignIns[u.ID]
		if slices.ContainsFunc(folds, func(f inventory.SignInFold) bool { return !f.Success && f.Last.After(start) }) {
			failed++
		}
		if slices.ContainsFunc(folds, func(f inventory.SignInFold) bool { return f.Last.Before(start) }) {
			old++
		}
		if excluded[u.ID] && u.JobTitle != "" && slices.ContainsFunc(folds, windowFold(func(f inventory.SignInFold) bool {
			return f.Success && f.Requirement == "singleFactorAuthentication"
		})) {
			evidence++
		}
		if u.JobTitle != "" && u.AccountEnabled && !excluded[u.ID] && s.Registrations[u.ID].IsMfaRegistered {
			people++
			if slices.ContainsFunc(folds, windowFold(func(f inventory.SignInFold) bool {
				return f.Interactive && f.Success && f.Requirement == "multiFactorAuthentication"
			})) {
				mfaPeople++
			}
		}
	}
	if failed == 0 || old == 0 || evidence == 0 || mfaPeople < people*7/10 {
		t.Errorf("sign-ins: %d accounts with failures, %d with events before the window, %d excluded people with single-factor evidence, %d of %d registered people with MFA sign-ins",
			failed, old, evidence, mfaPeople, people)
	}
}

func windowFold(match func(inventory.SignInFold) bool) func(inventory.SignInFold) bool {
	start := asOf.Add(-demo.Window)
	return func(f inventory.SignInFold) bool { return f.Last.After(start) && match(f) }
}

func hasFold(s *inventory.Snapshot, userID string, match func(inventory.SignInFold) bool) bool {
	return slices.ContainsFunc(s.SignIns[userID], match)
}

func userWhere(t *testing.T, s *inventory.Snapshot, what string, match func(inventory.User) bool) inventory.User {
	t.Helper()
	i := slices.IndexFunc(s.Users, match)
	if i < 0 {
		t.Fatalf("no %s", what)
	}
	return s.Users[i]
}

func roleHolders(s *inventory.Snapshot, template string) map[string]bool {
	holders := map[string]bool{}
	for _, r := range s.Roles {
		if r.TemplateID == template {
			for _, m := range r.MemberIDs {
				holders[m] = true
			}
		}
	}
	return holders
}

func groupNamed(t *testing.T, s *inventory.Snapshot, name string) inventory.Group {
	t.Helper()
	return named(t, "group", s.Groups, func(g inventory.Group) string { return g.DisplayName }, name)
}

func policyNamed(t *testing.T, s *inventory.Snapshot, name string) inventory.Policy {
	t.Helper()
	return named(t, "policy", s.Policies, func(p inventory.Policy) string { return p.DisplayName }, name)
}

// named is the one of items whose display name is name, failing t when
// there is none.
func named[T any](t *testing.T, what string, items []T, nameOf func(T) string, name string) T {
	t.Helper()
	i := slices.IndexFunc(items, func(x T) bool { return nameOf(x) == name })
	if i < 0 {
		t.Fatalf("no %s %s", what, name)
	}
	return items[i]
}

// nestedGroupsOf is every group inside a group, at any depth.
func nestedGroupsOf(s *inventory.Snapshot, id string) map[string]bool {
	byID := map[string]inventory.Group{}
	for _, g := range s.Groups {
		byID[g.ID] = g
	}
	seen := map[string]bool{}
	stack := []string{id}
	for len(stack) > 0 {
		g := byID[stack[len(stack)-1]]
		stack = stack[:len(stack)-1]
		for _, child := range g.MemberGroupIDs {
			if !seen[child] {
				seen[child] = true
				stack = append(stack, child)
			}
		}
	}
	return seen
}

// transitiveMembers is every user in a group, directly or through nesting.
func transitiveMembers(s *inventory.Snapshot, id string) map[string]bool {
	groups := nestedGroupsOf(s, id)
	groups[id] = true
	users := map[string]bool{}
	for _, g := range s.Groups {
		if groups[g.ID] {
			for _, m := range g.MemberUserIDs {
				users[m] = true
			}
		}
	}
	return users
}
