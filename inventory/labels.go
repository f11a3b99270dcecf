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
