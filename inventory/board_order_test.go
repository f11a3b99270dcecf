package inventory

import (
	"slices"
	"testing"
	"time"
)

func TestBoardRank(t *testing.T) {
	t.Parallel()
	tests := []struct {
		markers []Marker
		c       Compliance
		want    int
	}{
		{[]Marker{Privileged}, NonCompliant, 0},
		{[]Marker{BreakGlass}, NonCompliant, 0},
		{[]Marker{LegacyAuth, BreakGlass}, AtRisk, 1},
		{nil, NonCompliant, 2},
		{[]Marker{LegacyAuth}, AtRisk, 3},
		{[]Marker{Privileged}, Compliant, 4},
		{[]Marker{BreakGlass}, "", 4},
		{nil, Compliant, 5},
		{[]Marker{DirectorySync}, Excepted, 5},
		{nil, "", 5},
	}
	for _, tt := range tests {
		if got := BoardRank(tt.markers, tt.c); got != tt.want {
			t.Errorf("BoardRank(%v, %q) = %d, want %d", tt.markers, tt.c, got, tt.want)
		}
	}
	for _, rc := range BoardRankCases() {
		var m []Marker
		if rc.Privileged {
			m = []Marker{BreakGlass}
		}
		if got := BoardRank(m, rc.Compliance); got != rc.Rank {
			t.Errorf("BoardRankCases says %+v, BoardRank says %d", rc, got)
		}
	}
}

// TestCompareCards: severity first, then the due date (none last), then
// the UPN without regard to case.
func TestCompareCards(t *testing.T) {
	t.Parallel()
	day := func(d int) time.Time { return time.Date(2026, 12, d, 0, 0, 0, 0, time.UTC) }
	want := []Card{
		{AccountID: "1", UserPrincipalName: "zed-admin@x", Markers: []Marker{Privileged}, Compliance: NonCompliant},
		{AccountID: "2", UserPrincipalName: "bg@x", Markers: []Marker{BreakGlass}, Compliance: AtRisk},
		{AccountID: "3", UserPrincipalName: "zoe@x", Compliance: NonCompliant, DueDate: day(1)},
		{AccountID: "4", UserPrincipalName: "amy@x", Compliance: NonCompliant, DueDate: day(9)},
		{AccountID: "5", UserPrincipalName: "Ann@x", Compliance: NonCompliant},
		{AccountID: "6", UserPrincipalName: "bea@x", Compliance: NonCompliant},
		{AccountID: "7", UserPrincipalName: "al@x", Compliance: AtRisk},
		{AccountID: "8", UserPrincipalName: "admin@x", Markers: []Marker{Privileged}, Compliance: Compliant},
		{AccountID: "9", UserPrincipalName: "aaa@x", Compliance: Compliant, DueDate: day(1)},
	}
	got := slices.Clone(want)
	slices.Reverse(got)
	slices.SortFunc(got, CompareCards)
	for i := range want {
		if got[i].AccountID != want[i].AccountID {
			t.Fatalf("position %d holds %s, want %s (%v)", i, got[i].UserPrincipalName, want[i].UserPrincipalName, ids(got))
		}
	}
}

func ids(cards []Card) []string {
	var out []string
	for _, c := range cards {
		out = append(out, c.AccountID)
	}
	return out
}
