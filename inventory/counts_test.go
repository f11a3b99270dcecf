package inventory

import (
	"maps"
	"testing"
)

func TestIsPrivilegedOpen(t *testing.T) {
	for _, markers := range [][]Marker{nil, {Privileged}, {BreakGlass}, {Privileged, BreakGlass}, {DirectorySync, LegacyAuth}, {LegacyAuth, BreakGlass}} {
		keys := false
		for _, m := range markers {
			keys = keys || m == Privileged || m == BreakGlass
		}
		for _, c := range Compliances {
			want := keys && (c == NonCompliant || c == AtRisk)
			if got := IsPrivilegedOpen(markers, c); got != want {
				t.Errorf("IsPrivilegedOpen(%v, %s) = %v, want %v", markers, c, got, want)
			}
		}
	}
}

func TestTenantVerdictCount(t *testing.T) {
	v := NewTenantVerdict("t1")
	if len(v.Counts) != len(Compliances) || len(v.ByCategory) != len(Categories) || len(v.ByPath) != len(Paths) ||
		len(v.ByMarker) != len(Markers) || len(v.PrivilegedCounts) != len(Compliances) || !v.PrivilegedReady || v.TenantID != "t1" {
		t.Fatalf("NewTenantVerdict = %+v, want every value at zero and the privileged ready", v)
	}
	v.Count(Compliant, OfficeWorker, MFAEnrolment, []Marker{Privileged, SMSVoiceOnly}, 2)
	v.Count(Excepted, RoomDevice, TechnicalException, []Marker{Privileged}, 1)
	v.Count(NonCompliant, ServiceAccount, SecureAppModel, []Marker{BreakGlass}, 3) // break-glass alone is not counted as privileged
	v.Count(AtRisk, GuestAccount, MFAEnrolment, nil, 0)                            // nothing to count
	if !v.PrivilegedReady {
		t.Error("privileged accounts compliant and excepted: not ready")
	}
	want := map[Compliance]int{Compliant: 2, Excepted: 1, NonCompliant: 3, AtRisk: 0, NotApplicable: 0}
	if !maps.Equal(v.Counts, want) || v.ByCategory[ServiceAccount] != 3 || v.ByPath[MFAEnrolment] != 2 ||
		v.ByMarker[Privileged] != 3 || v.ByMarker[BreakGlass] != 3 || v.ByMarker[SMSVoiceOnly] != 2 {
		t.Errorf("counts %v, categories %v, paths %v, markers %v", v.Counts, v.ByCategory, v.ByPath, v.ByMarker)
	}
	if p := v.PrivilegedCounts; p[Compliant] != 2 || p[Excepted] != 1 || p[NonCompliant] != 0 {
		t.Errorf("privileged counts %v", p)
	}
	if Ready(v.Counts) || !Ready(v.PrivilegedCounts) {
		t.Errorf("Ready(all) = %v, Ready(privileged) = %v; want false, true", Ready(v.Counts), Ready(v.PrivilegedCounts))
	}
	v.Count(AtRisk, OfficeWorker, MFAEnrolment, []Marker{DirectorySync, Privileged}, 1)
	if v.PrivilegedReady || Ready(v.PrivilegedCounts) {
		t.Error("a privileged account at risk leaves the privileged accounts ready")
	}
}
