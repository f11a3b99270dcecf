package inventory

// Labels are the words the UI shows for each value; a value Graph or a
// later version adds shows as written rather than as a blank.

var categoryLabels = map[Category]string{
	OfficeWorker:   "Office worker",
	ServiceAccount: "Service account",
	RoomDevice:     "Room device",
	GuestAccount:   "Guest",
}

// Label returns the human words for a category.
func (c Category) Label() string { return label(categoryLabels, c) }

var markerLabels = map[Marker]string{
	Privileged:    "Privileged",
	BreakGlass:    "Break-glass",
	DirectorySync: "Directory sync",
	LegacyAuth:    "Legacy authentication",
	SMSVoiceOnly:  "SMS or voice only",
	Disabled:      "Disabled",

	PartnerCenterNoMFA: "Partner Center without MFA",
}

// Label returns the human words for a marker.
func (m Marker) Label() string { return label(markerLabels, m) }

var pathLabels = map[Path]string{
	MFAEnrolment:       "MFA enrolment",
	AppPassword:        "App password (temporary)",
	SecureAppModel:     "Secure Application Model",
	TenantSplit:        "Tenant split",
	TechnicalException: "Technical exception",
}

// Label returns the human words for a path.
func (p Path) Label() string { return label(pathLabels, p) }

var complianceLabels = map[Compliance]string{
	Compliant:     "Compliant",
	AtRisk:        "At risk",
	NonCompliant:  "Non-compliant",
	Excepted:      "Excepted",
	NotApplicable: "Not applicable",
}

// Label returns the human words for a verdict.
func (c Compliance) Label() string { return label(complianceLabels, c) }

var tenantKindLabels = map[TenantKind]string{
	KindMixed:      "Mixed (CSP and production)",
	KindCSP:        "CSP only",
	KindProduction: "Production",
}

// Label returns the human words for a tenant kind.
func (k TenantKind) Label() string { return label(tenantKindLabels, k) }

var guestKindLabels = map[GuestKind]string{
	NotGuest:               "Not a guest",
	B2BCollaborationGuest:  "B2B collaboration guest",
	B2BCollaborationMember: "B2B collaboration member",
	InternalGuest:          "Internal guest",
}

// Label returns the human words for a guest kind.
func (g GuestKind) Label() string { return label(guestKindLabels, g) }

var causeLabels = map[CauseKind]string{
	CausePolicyDisabled: "Policy disabled",
	CauseReportOnly:     "Report-only",
	CauseUnknownState:   "Unknown state",
	CauseNotIncluded:    "Not included",
	CauseExcluded:       "Excluded",
	CauseApps:           "Not all cloud apps",
	CauseLocations:      "Locations",
	CauseConditions:     "Narrowing conditions",
	CauseGrant:          "Grant without MFA",
}

// Label returns the human words for a kind of cause.
func (k CauseKind) Label() string { return label(causeLabels, k) }

func label[K ~string](labels map[K]string, k K) string {
	if l, ok := labels[k]; ok {
		return l
	}
	return string(k)
}

// Help says what the path asks of the engineer (DOMAIN.md §2).
func (p Path) Help() string {
	switch p {
	case MFAEnrolment:
		return "Register MFA methods (several for break-glass accounts, e.g. FIDO2 keys kept in a safe) and make sure a policy enforces MFA with no exclusion."
	case AppPassword:
		return "Set per-user MFA to enforced, register, and create an app password for the device. Temporary: it works only while the protocol still takes basic auth, and never under security defaults."
	case SecureAppModel:
		return "Move the integration off user credentials onto an app registration: the Secure Application Model for Partner Center, app-only OAuth for mailboxes (IMAP/POP with XOAUTH2 or Graph mail, scoped with RBAC for Applications), application-based authentication for Entra Connect (2.5 or later), then remove the user account."
	case TenantSplit:
		return "Move the workload to a separate production tenant, away from the CSP tenant."
	case TechnicalException:
		return "File a technical exception request with Microsoft: justification, compensating controls (for Teams Rooms a policy of their own: compliant managed device and a named location), decision and expiry."
	}
	return ""
}
