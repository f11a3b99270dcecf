package demo

import (
	"slices"

	"github.com/mfaboard/mfaboard/inventory"
)

// DemoPolicies is the number of hand-made Conditional Access policies.
const DemoPolicies = 10

// Policy states as Graph writes them.
const (
	stateEnabled    = "enabled"
	stateReportOnly = "enabledForReportingButNotEnforced"
	stateDisabled   = "disabled"
)

// Named locations.
const (
	locationHQ        = "HQ Amsterdam"
	locationRotterdam = "Office Rotterdam"
	locationCountries = "Allowed countries"
)

// guestTypes are every kind of guest or external user Graph names.
var guestTypes = []string{
	"internalGuest", "b2bCollaborationGuest", "b2bCollaborationMember",
	"b2bDirectConnectUser", "otherExternalUser", "serviceProvider",
}

// Built-in authentication strengths.
var (
	strengthMFA = inventory.AuthStrength{
		ID:          "00000000-0000-0000-0000-000000000002",
		DisplayName: "Multifactor authentication",
		AllowedCombinations: []string{
			"windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor", "deviceBasedPush",
			"temporaryAccessPassOneTime", "temporaryAccessPassMultiUse", "password,microsoftAuthenticatorPush",
			"password,softwareOath", "password,hardwareOath", "password,sms", "password,voice",
			"federatedMultiFactor", "microsoftAuthenticatorPush,federatedSingleFactor",
			"softwareOath,federatedSingleFactor", "hardwareOath,federatedSingleFactor",
			"sms,federatedSingleFactor", "voice,federatedSingleFactor",
		},
	}
	strengthPhishingResistant = inventory.AuthStrength{
		ID:                  "00000000-0000-0000-0000-000000000004",
		DisplayName:         "Phishing-resistant MFA",
		AllowedCombinations: []string{"windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor"},
	}
)

func (g *generator) namedLocations() {
	for _, l := range []struct {
		name, kind string
		trusted    bool
	}{
		{locationHQ, "ip", true},
		{locationRotterdam, "ip", true},
		{locationCountries, "country", false},
	} {
		g.snap.NamedLocations = append(g.snap.NamedLocations, inventory.NamedLocation{
			ID: g.locationID(l.name), DisplayName: l.name, IsTrusted: l.trusted, Kind: l.kind,
		})
	}
}

func (g *generator) locationID(name string) string { return g.idFor("namedLocation", name) }

// policies writes the hand-made set: the policies a partner really has, with
// the exclusions they really write.
func (g *generator) policies() {
	g.snap.Policies = make([]inventory.Policy, 0, g.opts.Policies)
	// Every list is a slice of its own, so no two policies share storage.
	breakGlassIDs := g.usersOf(breakGlass)
	breakGlassUsers := func() []string { return slices.Clone(breakGlassIDs) }
	exclusions := func() []string { return []string{g.groupID(groupMFAExclusions)} }
	// Microsoft's templates exclude the sync account's role; partners copy it.
	syncRole := func() []string { return []string{roleDirectorySync} }
	all := func() []string { return []string{"All"} }
	mfaGrant := func(p *inventory.Policy) {
		p.HasGrant, p.GrantOperator, p.BuiltInControls = true, "OR", []string{"mfa"}
	}

	ca001 := g.policy("CA001 - Require MFA for all users", stateEnabled)
	ca001.IncludeUsers, ca001.ExcludeUsers, ca001.ExcludeGroups = all(), breakGlassUsers(), exclusions()
	ca001.ExcludeRoles = syncRole()
	mfaGrant(ca001)

	ca002 := g.policy("CA002 - Require MFA for admins", stateEnabled)
	ca002.IncludeRoles = []string{
		roleGlobalAdmin, rolePrivilegedRole, roleSecurityAdmin, roleExchangeAdmin, roleSharePointAdmin,
		roleUserAdmin, roleHelpdeskAdmin, roleBillingAdmin, roleApplicationAdmin, roleCloudAppAdmin,
		roleAuthAdmin, roleIntuneAdmin, roleTeamsAdmin,
	}
	ca002.ExcludeUsers = breakGlassUsers()
	mfaGrant(ca002)

	ca003 := g.policy("CA003 - Require MFA for guests", stateReportOnly)
	ca003.IncludeGuests = &inventory.GuestsOrExternalUsers{Types: slices.Clone(guestTypes), ExternalTenantsAll: true}
	mfaGrant(ca003)

	ca004 := g.policy("CA004 - MFA outside trusted locations", stateEnabled)
	ca004.IncludeUsers, ca004.ExcludeUsers, ca004.ExcludeRoles = all(), breakGlassUsers(), syncRole()
	ca004.HasLocations, ca004.IncludeLocations, ca004.ExcludeLocations = true, all(), []string{"AllTrusted"}
	mfaGrant(ca004)

	ca005 := g.policy("CA005 - MFA or compliant device", stateEnabled)
	ca005.IncludeUsers, ca005.ExcludeUsers, ca005.ExcludeGroups = all(), breakGlassUsers(), exclusions()
	ca005.ExcludeRoles = syncRole()
	ca005.HasGrant, ca005.GrantOperator, ca005.BuiltInControls = true, "OR", []string{"mfa", "compliantDevice"}

	ca006 := g.policy("CA006 - Phishing-resistant MFA for admins", stateEnabled)
	ca006.IncludeRoles = []string{roleGlobalAdmin, rolePrivilegedRole, roleSecurityAdmin, roleConditionalAccess}
	ca006.ExcludeUsers = breakGlassUsers()
	strength := strengthPhishingResistant
	strength.AllowedCombinations = slices.Clone(strength.AllowedCombinations)
	ca006.HasGrant, ca006.GrantOperator, ca006.AuthStrength = true, "OR", &strength

	ca007 := g.policy("CA007 - Block legacy authentication", stateEnabled)
	ca007.IncludeUsers, ca007.ExcludeUsers = all(), breakGlassUsers()
	ca007.ExcludeGroups = []string{g.groupID(groupServiceAccts)} // the ticketing mailbox still reads IMAP
	ca007.ClientAppTypes = []string{"exchangeActiveSync", "other"}
	ca007.HasGrant, ca007.GrantOperator, ca007.BuiltInControls = true, "OR", []string{"block"}

	ca008 := g.policy("CA008 - Risky sign-ins require MFA", stateEnabled)
	ca008.IncludeUsers, ca008.ExcludeUsers, ca008.ExcludeGroups = all(), breakGlassUsers(), exclusions()
	ca008.ExcludeRoles = syncRole()
	ca008.SignInRiskLevels = []string{"high", "medium"}
	mfaGrant(ca008)

	ca009 := g.policy("CA009 - Block sign-ins outside allowed countries", stateDisabled)
	ca009.IncludeUsers, ca009.ExcludeUsers = all(), breakGlassUsers()
	ca009.HasLocations, ca009.IncludeLocations = true, all()
	ca009.ExcludeLocations = []string{g.locationID(locationCountries)}
	ca009.HasGrant, ca009.GrantOperator, ca009.BuiltInControls = true, "OR", []string{"block"}

	// The compensating control for devices that cannot do MFA.
	ca010 := g.policy("CA010 - Teams Rooms require compliant device", stateEnabled)
	ca010.IncludeGroups = []string{g.groupID(groupRoomDevices)}
	ca010.HasGrant, ca010.GrantOperator, ca010.BuiltInControls = true, "AND", []string{"compliantDevice"}
}

// policy appends a policy on all cloud apps and client apps, to be narrowed
// by the caller, and returns it for filling in.
func (g *generator) policy(name, state string) *inventory.Policy {
	g.snap.Policies = append(g.snap.Policies, inventory.Policy{
		ID:                  g.idFor("policy", name),
		DisplayName:         name,
		State:               state,
		IncludeApplications: []string{"All"},
		ClientAppTypes:      []string{"all"},
	})
	return &g.snap.Policies[len(g.snap.Policies)-1]
}

// usersOf lists the ids of a cohort's accounts.
func (g *generator) usersOf(c cohort) []string {
	var ids []string
	for i, a := range g.accts {
		if a.cohort == c {
			ids = append(ids, g.snap.Users[i].ID)
		}
	}
	return ids
}

// rooms lists the places with a mailbox: the Teams Rooms and the plain room
// mailbox. The Surface Hub and the unnamed conference device are not rooms.
func (g *generator) rooms() {
	for i, a := range g.accts {
		if a.cohort != teamsRoom && a.cohort != roomMailbox {
			continue
		}
		u := g.snap.Users[i]
		g.snap.Rooms = append(g.snap.Rooms, inventory.Room{
			ID: g.idFor("room", u.Mail), DisplayName: u.DisplayName, EmailAddress: u.Mail,
		})
	}
}
