package inventory

import "testing"

func TestEveryValueHasALabel(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	check := func(value, label string) {
		t.Helper()
		if label == "" || label == value {
			t.Errorf("%q has no label of its own (%q)", value, label)
		}
		if seen[label] {
			t.Errorf("label %q is used twice", label)
		}
		seen[label] = true
	}
	for _, c := range Categories {
		check(string(c), c.Label())
	}
	for _, m := range Markers {
		check(string(m), m.Label())
	}
	for _, p := range Paths {
		check(string(p), p.Label())
	}
	for _, c := range Compliances {
		check(string(c), c.Label())
	}
	for _, k := range []TenantKind{KindMixed, KindCSP, KindProduction} {
		check(string(k), k.Label())
	}
	for _, g := range []GuestKind{NotGuest, B2BCollaborationGuest, B2BCollaborationMember, InternalGuest} {
		check(string(g), g.Label())
	}
	for _, k := range []CauseKind{CausePolicyDisabled, CauseReportOnly, CauseUnknownState, CauseNotIncluded, CauseExcluded,
		CauseApps, CauseLocations, CauseConditions, CauseGrant} {
		check(string(k), k.Label())
	}
	if got := Category("kiosk").Label(); got != "kiosk" {
		t.Errorf("an unknown value shows as written, got %q", got)
	}
}

func TestGuestKindOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		userType, upn string
		want          GuestKind
	}{
		{"Guest", "jane_fabrikam.com#EXT#@contoso.onmicrosoft.com", B2BCollaborationGuest},
		{"guest", "jane_fabrikam.com#ext#@contoso.onmicrosoft.com", B2BCollaborationGuest},
		{"Member", "tom_northwind.com#EXT#@contoso.onmicrosoft.com", B2BCollaborationMember},
		{"Guest", "ext.pieter@contoso.com", InternalGuest},
		{"Member", "anna@contoso.com", NotGuest},
		{"", "anna@contoso.com", NotGuest},
	}
	for _, tt := range tests {
		if got := GuestKindOf(tt.userType, tt.upn); got != tt.want {
			t.Errorf("GuestKindOf(%q, %q) = %q, want %q", tt.userType, tt.upn, got, tt.want)
		}
	}
}
