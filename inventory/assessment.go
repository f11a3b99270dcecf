package inventory

import "time"

// Category is what kind of account this is (DOMAIN.md §1).
type Category string

const (
	OfficeWorker   Category = "office_worker"
	ServiceAccount Category = "service_account"
	RoomDevice     Category = "room_device"
	GuestAccount   Category = "guest"
)

// Categories in display order.
var Categories = []Category{OfficeWorker, ServiceAccount, RoomDevice, GuestAccount}

// Marker is an extra fact that orders the work but never changes the path.
type Marker string

const (
	Privileged    Marker = "privileged"
	BreakGlass    Marker = "break_glass"
	DirectorySync Marker = "directory_sync"
	LegacyAuth    Marker = "legacy_auth"
	SMSVoiceOnly  Marker = "sms_voice_only"
	Disabled      Marker = "disabled"
	// PartnerCenterNoMFA: signed in to Partner Center (API or portal) in the
	// window without MFA (partner.go).
	PartnerCenterNoMFA Marker = "partner_center_no_mfa"
)

// Markers in display order.
var Markers = []Marker{Privileged, BreakGlass, PartnerCenterNoMFA, DirectorySync, LegacyAuth, SMSVoiceOnly, Disabled}

// Path is the recommended way out (DOMAIN.md §2).
type Path string

const (
	MFAEnrolment       Path = "mfa_enrolment"
	AppPassword        Path = "app_password"
	SecureAppModel     Path = "secure_app_model"
	TenantSplit        Path = "tenant_split"
	TechnicalException Path = "technical_exception"
)

// Paths in display order.
var Paths = []Path{MFAEnrolment, AppPassword, SecureAppModel, TenantSplit, TechnicalException}

// Compliance is the verdict (DOMAIN.md §3).
type Compliance string

const (
	Compliant     Compliance = "compliant"
	AtRisk        Compliance = "at_risk"
	NonCompliant  Compliance = "non_compliant"
	Excepted      Compliance = "excepted"
	NotApplicable Compliance = "not_applicable"
)

// Compliances in display order.
var Compliances = []Compliance{NonCompliant, AtRisk, Excepted, Compliant, NotApplicable}

// TenantKind says what a tenant is: mixed CSP/production, CSP only, or a
// production tenant after a split.
type TenantKind string

const (
	KindMixed      TenantKind = "mixed"
	KindCSP        TenantKind = "csp"
	KindProduction TenantKind = "production"
)

// ParseTenantKind accepts exactly the three kinds.
func ParseTenantKind(s string) (TenantKind, error) {
	switch k := TenantKind(s); k {
	case KindMixed, KindCSP, KindProduction:
		return k, nil
	}
	return "", Errorf(EINVALID, "unknown tenant kind %q: use mixed, csp or production", s)
}

// Settings are a tenant's configurable recognition rules.
type Settings struct {
	Kind TenantKind
	// Whole-word patterns (DOMAIN.md §1); a pattern of several words matches
	// those words in a row.
	ServicePatterns    []string
	RoomPatterns       []string
	BreakGlassPatterns []string
	// BreakGlassAccounts are UPNs or ids configured as break-glass.
	BreakGlassAccounts []string
	// RoomDeviceGroups are group ids or display names whose (transitive)
	// members are room devices.
	RoomDeviceGroups []string
	// Window is how far back sign-in evidence counts (default 30 days).
	Window time.Duration
}

// DefaultSettings returns the defaults of DOMAIN.md for a tenant kind.
func DefaultSettings(kind TenantKind) Settings {
	if kind == "" {
		kind = KindMixed
	}
	return Settings{
		Kind:               kind,
		ServicePatterns:    []string{"svc", "service", "noreply", "no reply", "scanner", "ticket", "ticketing", "automation", "api", "integration", "sync", "daemon", "bot", "smtp", "helpdesk mailbox"},
		RoomPatterns:       []string{"room", "rooms", "mtr", "hub", "surfacehub", "surface hub", "teamsroom", "teams room", "boardroom", "meetingroom", "meeting room", "conf room"},
		BreakGlassPatterns: []string{"breakglass", "break glass", "emergency"},
		Window:             30 * 24 * time.Hour,
	}
}

// Override is a person's decision that wins over the automatic answer and
// survives every later sync.
type Override struct {
	Category Category // "" = no override
	Path     Path     // "" = no override
	Author   string
	Reason   string
	At       time.Time
}

// Exception is a technical exception decided on the board.
type Exception struct {
	Granted bool
	Expiry  time.Time
}

// Inputs gathers what an assessment needs besides the snapshot.
type Inputs struct {
	Settings   Settings
	AsOf       time.Time            // the window is measured back from here
	Overrides  map[string]Override  // by user id
	Exceptions map[string]Exception // by user id
}

// Assessment is the verdict on one account, with every reason in words.
type Assessment struct {
	UserID            string
	UserPrincipalName string
	DisplayName       string

	Category         Category
	CategoryReason   string
	AutoCategory     Category // what the rules said, shown beside an override
	CategoryOverride bool

	Markers       []Marker
	MarkerReasons map[Marker]string

	Path         Path
	PathReason   string
	AutoPath     Path
	PathOverride bool

	Compliance Compliance
	// EnforcedBy names the mechanisms that enforce MFA: "security defaults",
	// "per-user MFA (enforced)", or policies by name.
	EnforcedBy []string
	// RiskBased is true when a risk-only policy is among the enforcers
	// ("risk-based (Identity Protection)").
	RiskBased bool
	Reasons   []string
	// Dated are keys of DatedFacts that bear on this account.
	Dated []string
}

// TenantVerdict is the tenant-level answer.
type TenantVerdict struct {
	TenantID    string
	DisplayName string
	Kind        TenantKind
	Ready       bool
	Counts      map[Compliance]int
	ByCategory  map[Category]int
	ByPath      map[Path]int
	ByMarker    map[Marker]int
	Gaps        []Gap // policy gaps that cause most failures, worst first
	Unchecked   []string
	AsOf        time.Time
	// The readiness view shows privileged accounts apart (DOMAIN.md §6:
	// Partner Center checks administrative users each year).
	PrivilegedCounts map[Compliance]int
	PrivilegedReady  bool
}

// Gap is a policy shortcoming and how many accounts it leaves uncovered.
type Gap struct {
	Policy      string
	Description string // e.g. "CA001 excludes 14 accounts through 3 groups"
	Accounts    int
}

// Result is a whole assessment run.
type Result struct {
	Tenant   TenantVerdict
	Accounts []Assessment // in the order of Snapshot.Users
	// Changes are what moved since the last sync (ChangesSince); a sync
	// fills them in, Assess leaves them nil.
	Changes []Change
}
