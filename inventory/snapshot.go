// Package inventory holds the domain of mfaboard: the plain-Go picture of a
// tenant (Snapshot), the rules of DOMAIN.md that turn it into per-account
// verdicts (Assessment), and the workflow. It imports no Graph, HTTP, HTML or
// database package, so every rule is testable with nothing but Go.
package inventory

import "time"

// Collection names are the export folder's file names without ".json"
// (GRAPH-EXPORT.md). A Snapshot records which of them were present, so a
// verdict can say what could not be checked.
const (
	CollOrganization     = "organization"
	CollUsers            = "users"
	CollRegistrations    = "userRegistrationDetails"
	CollPolicies         = "conditionalAccessPolicies"
	CollNamedLocations   = "namedLocations"
	CollSecurityDefaults = "securityDefaults"
	CollDirectoryRoles   = "directoryRoles"
	CollGroups           = "groups"
	CollRooms            = "rooms"
	CollSignIns          = "signIns"
	CollPerUserMFA       = "perUserMfaState"
	// The Partner Center integrations (partner.go).
	CollServicePrincipals = "servicePrincipals"
	CollPermissionGrants  = "oauth2PermissionGrants"
)

// Collections lists every collection in the order a sync fetches them.
var Collections = []string{
	CollOrganization, CollUsers, CollRegistrations, CollPolicies, CollNamedLocations,
	CollSecurityDefaults, CollDirectoryRoles, CollGroups, CollRooms, CollSignIns, CollPerUserMFA,
	CollServicePrincipals, CollPermissionGrants,
}

// Well-known directory role template ids.
const (
	RoleGlobalAdministrator = "62e90394-69f5-4237-9190-012177145e10"
	RoleDirectorySync       = "d29b2b05-8046-44ba-8758-1e26182fcf32"
)

// Snapshot is one tenant as Graph described it at one moment, whatever the
// source (live Graph, an export folder, the demo generator).
type Snapshot struct {
	Tenant           Tenant
	Users            []User
	Registrations    map[string]Registration // by user id; absent = "no registration details"
	PerUserMFA       map[string]string       // by user id: "disabled", "enabled", "enforced" (as written)
	Policies         []Policy
	NamedLocations   []NamedLocation
	SecurityDefaults *bool // nil when the policy could not be read
	Roles            []DirectoryRole
	Groups           []Group
	Rooms            []Room
	SignIns          map[string][]SignInFold // by user id, folded per day and kind
	// Present names the collections the source actually had (a missing file or
	// a 403 means "not known", which a verdict must say).
	Present map[string]bool
	// Warnings are problems met while reading that did not stop the read.
	Warnings []Warning
	// PerUserMFANotRead says, by user id, why a sync did not ask for an
	// account's per-user MFA state ("CA001 enforces MFA", PerUserMFASkips;
	// shown as "not read: CA001 enforces MFA"): its verdict is the same
	// whatever the state. Such an account has no PerUserMFA entry.
	PerUserMFANotRead map[string]string

	// Partner Center (partner.go): the service principals, the delegated
	// permission grants, and by user id the sign-ins to Partner Center.
	ServicePrincipals []ServicePrincipal
	PermissionGrants  []PermissionGrant
	PartnerSignIns    map[string][]PartnerSignIn
}

// Tenant is a tenant the dashboard tracks. A source reads who it is (ID,
// DisplayName, Domains); the store adds what the dashboard keeps about it,
// which a snapshot leaves zero.
type Tenant struct {
	ID          string
	DisplayName string
	Domains     []string // verified domain names, default first

	Kind         TenantKind // a setting of the tenant (DOMAIN.md §2)
	LastSyncedAt time.Time  // zero if never synced
	LastRunID    int64      // the last successful sync run; 0 if never synced
	Accounts     int        // the accounts not removed, as of the last sync
}

// User is one account of /users.
type User struct {
	ID                    string
	DisplayName           string
	UserPrincipalName     string
	Mail                  string
	UserType              string // "Member", "Guest" (as written)
	AccountEnabled        bool
	OnPremisesSyncEnabled bool
	CreatedDateTime       time.Time
	JobTitle              string
	Department            string
	LicenseSKUs           []string // assignedLicenses[].skuId
	// From signInActivity; the zero time means empty (absent, null, "" or 0001-01-01).
	LastSignIn               time.Time
	LastNonInteractiveSignIn time.Time
	LastSuccessfulSignIn     time.Time
}

// Registration is one row of userRegistrationDetails.
type Registration struct {
	IsMfaRegistered   bool
	IsMfaCapable      bool
	IsAdmin           bool
	MethodsRegistered []string
	DefaultMethod     string
}

// Policy is one Conditional Access policy, decoded so that values Graph adds
// later are kept as written rather than guessed.
type Policy struct {
	ID          string
	DisplayName string
	State       string // "enabled", "disabled", "enabledForReportingButNotEnforced", or as written

	IncludeUsers  []string // user ids or All, None, GuestsOrExternalUsers
	ExcludeUsers  []string
	IncludeGroups []string
	ExcludeGroups []string
	IncludeRoles  []string // role template ids
	ExcludeRoles  []string
	IncludeGuests *GuestsOrExternalUsers // nil when absent
	ExcludeGuests *GuestsOrExternalUsers

	IncludeApplications []string
	ExcludeApplications []string
	// HasLocations is false when the locations condition is absent.
	HasLocations     bool
	IncludeLocations []string
	ExcludeLocations []string
	// Conditions that narrow who or what the policy reaches besides users,
	// apps and locations.
	HasPlatforms     bool
	IncludePlatforms []string
	ExcludePlatforms []string
	DeviceFilter     string // devices.deviceFilter.rule, "" when absent
	ClientAppTypes   []string
	SignInRiskLevels []string
	UserRiskLevels   []string
	// OtherConditions names any further condition that is set (for example
	// "authenticationFlows", "insiderRiskLevels"): the rules treat each as
	// narrowing, since a condition we do not understand cannot be assumed
	// to reach everyone.
	OtherConditions []string

	HasGrant        bool
	GrantOperator   string   // "AND", "OR" (as written)
	BuiltInControls []string // "mfa", "compliantDevice", "block", ... as written
	// AuthStrength is nil when the grant names no authentication strength.
	AuthStrength *AuthStrength
	// OtherGrants names custom controls / terms of use if present.
	OtherGrants []string
}

// GuestsOrExternalUsers is includeGuestsOrExternalUsers /
// excludeGuestsOrExternalUsers of a policy.
type GuestsOrExternalUsers struct {
	Types []string // split from the comma-separated guestOrExternalUserTypes
	// ExternalTenantsAll is true when externalTenants is absent or has
	// membershipKind "all"; false when it enumerates some tenants.
	ExternalTenantsAll bool
	ExternalTenantIDs  []string
}

// AuthStrength is an authentication strength a grant requires.
type AuthStrength struct {
	ID                  string
	DisplayName         string
	AllowedCombinations []string // e.g. "fido2", "password,microsoftAuthenticatorPush"
	// RequirementsSatisfied is what Graph says the strength grants ("mfa",
	// "none"), "" when the field was absent (StrengthGrantsMFA).
	RequirementsSatisfied string
}

// NamedLocation is one named location (for reasons).
type NamedLocation struct {
	ID          string
	DisplayName string
	IsTrusted   bool
	Kind        string // "ip" or "country"
}

// DirectoryRole is an activated directory role with its members.
type DirectoryRole struct {
	ID          string
	TemplateID  string
	DisplayName string
	MemberIDs   []string // user ids (and other principals, kept as written)
}

// Group is a group with its direct members.
type Group struct {
	ID             string
	DisplayName    string
	MemberUserIDs  []string
	MemberGroupIDs []string
}

// Room is a place of /places/microsoft.graph.room.
type Room struct {
	ID           string
	DisplayName  string
	EmailAddress string
}

// SignInFold is every sign-in event of one account that shares a UTC day,
// an application, a client app, interactivity, an authentication
// requirement and success, folded into a count with the first and last time.
type SignInFold struct {
	Day           time.Time // UTC midnight
	App           string    // appDisplayName
	ClientAppUsed string
	Interactive   bool
	Requirement   string // authenticationRequirement as written
	Success       bool   // status.errorCode == 0
	Count         int
	First         time.Time
	Last          time.Time
}

// Warning is a problem met while reading a source that did not stop it:
// which file or endpoint, which field, and what was wrong, in words.
type Warning struct {
	Source  string // collection or file, e.g. "conditionalAccessPolicies.json"
	Field   string // e.g. "value[3].state"
	Message string
}

func (w Warning) String() string {
	s := w.Source
	if w.Field != "" {
		s += " " + w.Field
	}
	if s != "" {
		return s + ": " + w.Message
	}
	return w.Message
}
