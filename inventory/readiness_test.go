package inventory

import (
	"testing"
	"time"
)

func TestHeadline(t *testing.T) {
	t.Parallel()
	counts := func(nc, ar, ex, ok, na int) map[Compliance]int {
		return map[Compliance]int{NonCompliant: nc, AtRisk: ar, Excepted: ex, Compliant: ok, NotApplicable: na}
	}
	tests := []struct {
		name         string
		counts, priv map[Compliance]int
		want         string
	}{
		{"both kinds open", counts(23, 54, 0, 400, 9), counts(2, 1, 0, 10, 0),
			"Not ready: 23 accounts are non-compliant and 54 at risk (3 of them privileged)"},
		{"only non-compliant", counts(1, 0, 0, 40, 0), counts(0, 0, 0, 3, 0),
			"Not ready: 1 account is non-compliant (none of them privileged)"},
		{"only at risk, all privileged", counts(0, 2, 0, 40, 0), counts(0, 2, 0, 3, 0),
			"Not ready: 2 accounts are at risk (all of them privileged)"},
		{"one open and privileged", counts(0, 1, 0, 40, 0), counts(0, 1, 0, 3, 0),
			"Not ready: 1 account is at risk (privileged)"},
		{"ready with exceptions", counts(0, 0, 4, 400, 12), counts(0, 0, 0, 10, 0),
			"Ready: every applicable account is challenged by MFA (4 with a documented technical exception)"},
		{"ready without exceptions", counts(0, 0, 0, 400, 0), nil,
			"Ready: every applicable account is challenged by MFA"},
		{"disabled accounts only", counts(0, 0, 0, 0, 5), nil,
			"No verdict yet: no enabled account has been assessed"},
		{"nothing assessed", nil, nil,
			"No verdict yet: no enabled account has been assessed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Readiness{Tenant: TenantVerdict{Counts: tt.counts, PrivilegedCounts: tt.priv}}
			if got := r.Headline(); got != tt.want {
				t.Errorf("Headline() = %q\nwant          %q", got, tt.want)
			}
		})
	}
}

func TestShares(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		counts map[Compliance]int
		want   map[Compliance]float64
	}{
		{"thirds: the largest remainder gets the tenth left over", map[Compliance]int{NonCompliant: 1, AtRisk: 1, Compliant: 1},
			map[Compliance]float64{NonCompliant: 33.4, AtRisk: 33.3, Excepted: 0, Compliant: 33.3}},
		{"disabled accounts are not applicable", map[Compliance]int{Compliant: 3, NonCompliant: 1, NotApplicable: 1000},
			map[Compliance]float64{NonCompliant: 25, AtRisk: 0, Excepted: 0, Compliant: 75}},
		{"a share under 0.05% rounds to zero", map[Compliance]int{Compliant: 99_990, AtRisk: 10},
			map[Compliance]float64{NonCompliant: 0, AtRisk: 0, Excepted: 0, Compliant: 100}},
		{"exact tenths stay as they are", map[Compliance]int{NonCompliant: 1, AtRisk: 2, Excepted: 3, Compliant: 994},
			map[Compliance]float64{NonCompliant: 0.1, AtRisk: 0.2, Excepted: 0.3, Compliant: 99.4}},
		{"sevenths", map[Compliance]int{NonCompliant: 1, AtRisk: 2, Excepted: 2, Compliant: 2},
			map[Compliance]float64{NonCompliant: 14.3, AtRisk: 28.6, Excepted: 28.6, Compliant: 28.5}},
		{"nothing applicable", map[Compliance]int{NotApplicable: 4},
			map[Compliance]float64{NonCompliant: 0, AtRisk: 0, Excepted: 0, Compliant: 0}},
		{"a negative count is ignored", map[Compliance]int{NonCompliant: -5, Compliant: 1},
			map[Compliance]float64{NonCompliant: 0, AtRisk: 0, Excepted: 0, Compliant: 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Shares(tt.counts)
			if len(got) != len(tt.want) {
				t.Errorf("Shares() has %d entries, want %d: %v", len(got), len(tt.want), got)
			}
			for c, w := range tt.want {
				if got[c] != w {
					t.Errorf("share of %s = %v, want %v", c, got[c], w)
				}
			}
		})
	}
}

// Whatever the counts, the shares add up to 100.0 in tenths.
func TestSharesAddUpTo100(t *testing.T) {
	t.Parallel()
	for nc := 0; nc < 40; nc += 3 {
		for ar := 0; ar < 40; ar += 7 {
			for ex := 0; ex < 13; ex += 4 {
				for ok := 1; ok < 3000; ok += 997 {
					counts := map[Compliance]int{NonCompliant: nc, AtRisk: ar, Excepted: ex, Compliant: ok}
					tenths := 0
					for _, s := range Shares(counts) {
						tenths += int(s*10 + 0.5)
					}
					if tenths != 1000 {
						t.Fatalf("Shares(%v) add up to %d tenths, want 1000", counts, tenths)
					}
				}
			}
		}
	}
}

func TestReadinessAdd(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, time.November, 20, 9, 0, 0, 0, time.UTC)
	yesterday, tomorrow := now.AddDate(0, 0, -1), now.AddDate(0, 0, 1)
	r := NewReadiness(TenantVerdict{}, nil, time.Time{}, now)
	lines := []AccountLine{
		{UserPrincipalName: "admin@c.test", Category: OfficeWorker, Path: MFAEnrolment, Compliance: AtRisk,
			Markers: []Marker{Privileged}, Status: Planned, Assignee: "Ada", DueDate: yesterday},
		{UserPrincipalName: "bg@c.test", Category: OfficeWorker, Path: MFAEnrolment, Compliance: AtRisk,
			Markers: []Marker{BreakGlass}, Status: InProgress, Assignee: "Ada", DueDate: tomorrow},
		{UserPrincipalName: "sync@c.test", Category: ServiceAccount, Path: SecureAppModel, Compliance: NonCompliant,
			Markers: []Marker{Privileged, DirectorySync}, Status: Blocked, Assignee: "Bo", DueDate: now},
		{UserPrincipalName: "ok-admin@c.test", Category: OfficeWorker, Path: MFAEnrolment, Compliance: Compliant,
			Markers: []Marker{Privileged}, Status: Verified, Assignee: "Bo", DueDate: yesterday},
		{UserPrincipalName: "new@c.test", Category: OfficeWorker, Path: MFAEnrolment, Compliance: NonCompliant, Status: Triage},
		{UserPrincipalName: "late-nobody@c.test", Category: GuestAccount, Path: MFAEnrolment, Compliance: NonCompliant,
			Status: Planned, DueDate: yesterday},
		{UserPrincipalName: "room@c.test", Category: RoomDevice, Path: TenantSplit, Compliance: Excepted,
			Status: ExceptionGranted, Assignee: "Cy", DueDate: yesterday},
	}
	for _, l := range lines {
		r.Add(l)
	}
	r.Exceptions = []ExceptionLine{
		{UserPrincipalName: "b@c.test", Expiry: now.AddDate(0, 3, 0)},
		{UserPrincipalName: "a@c.test", Expiry: now.AddDate(0, 1, 0)},
		{UserPrincipalName: "c@c.test"},
	}
	r.Finish()

	if got := r.ByCategory[OfficeWorker]; got[AtRisk] != 2 || got[NonCompliant] != 1 || got[Compliant] != 1 {
		t.Errorf("office workers by verdict = %v", got)
	}
	if got := r.ByPath[TenantSplit][Excepted]; got != 1 {
		t.Errorf("tenant split excepted = %d, want 1", got)
	}
	var open []string
	for _, l := range r.PrivilegedOpen {
		open = append(open, l.UserPrincipalName)
	}
	// Non-compliant first, then break-glass before privileged.
	if want := []string{"sync@c.test", "bg@c.test", "admin@c.test"}; !equal(open, want) {
		t.Errorf("PrivilegedOpen = %v, want %v", open, want)
	}
	want := []AssigneeOverdue{{Assignee: "Ada", Overdue: 1, Open: 2}, {Assignee: "", Overdue: 1, Open: 1}, {Assignee: "Bo", Overdue: 0, Open: 1}}
	if len(r.Overdue) != len(want) {
		t.Fatalf("Overdue = %+v, want %+v", r.Overdue, want)
	}
	for i := range want {
		if r.Overdue[i] != want[i] {
			t.Errorf("Overdue[%d] = %+v, want %+v", i, r.Overdue[i], want[i])
		}
	}
	var exc []string
	for _, e := range r.Exceptions {
		exc = append(exc, e.UserPrincipalName)
	}
	if want := []string{"c@c.test", "a@c.test", "b@c.test"}; !equal(exc, want) {
		t.Errorf("Exceptions = %v, want %v (no expiry first, then soonest)", exc, want)
	}
	if r.Projection.Note == "" {
		t.Error("Finish left the projection empty")
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestReadinessLineFrom(t *testing.T) {
	t.Parallel()
	due := time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)
	a := Assessment{UserID: "u1", UserPrincipalName: "u1@c.test", DisplayName: "U One", Category: ServiceAccount,
		Markers: []Marker{LegacyAuth}, Path: AppPassword, Compliance: NonCompliant, Reasons: []string{"r"}, EnforcedBy: nil}
	got := LineFrom(a, Card{Status: Planned, Assignee: "e1", AssigneeName: "Eve", DueDate: due}, time.Time{})
	if got.ID != "u1" || got.Assignee != "Eve" || got.Status != Planned || !got.DueDate.Equal(due) || got.Path != AppPassword || !got.Has(LegacyAuth) {
		t.Errorf("LineFrom = %+v", got)
	}
	if got := LineFrom(a, Card{Assignee: "e1"}, time.Time{}); got.Assignee != "e1" {
		t.Errorf("without a name the assignee is its id, got %q", got.Assignee)
	}
}
