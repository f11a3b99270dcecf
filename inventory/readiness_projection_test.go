package inventory

import (
	"strings"
	"testing"
	"time"
)

// burn builds a trend of open counts, one point per step days, starting at
// start; the open accounts are non-compliant.
func burn(start time.Time, step int, open ...int) []TrendPoint {
	points := make([]TrendPoint, len(open))
	for i, n := range open {
		points[i] = TrendPoint{Day: start.AddDate(0, 0, i*step),
			Counts: map[Compliance]int{NonCompliant: n, Compliant: 1000 - n}, Applicable: 1000}
	}
	return points
}

func TestProjectionOfCompletion(t *testing.T) {
	t.Parallel()
	start := date(2026, time.November, 1)
	tests := []struct {
		name     string
		trend    []TrendPoint
		deadline time.Time
		now      time.Time
		want     Projection
	}{
		{
			// 12 a week from 120 on 29 Nov: 10 weeks later, 7 Feb 2027.
			name:     "steady burn-down before the deadline",
			trend:    burn(start, 7, 168, 156, 144, 132, 120),
			deadline: date(2027, time.March, 21), now: date(2026, time.November, 29),
			want: Projection{Date: date(2027, time.February, 7), OK: true, BeforeDeadline: true,
				Note: "at the recent pace (12 fewer open accounts a week) the tenant is ready around 7 Feb 2027, 6 weeks before the deadline"},
		},
		{
			name:     "steady burn-down after the deadline",
			trend:    burn(start, 7, 168, 156, 144, 132, 120),
			deadline: date(2027, time.February, 1), now: date(2026, time.November, 29),
			want: Projection{Date: date(2027, time.February, 7), OK: true,
				Note: "at the recent pace (12 fewer open accounts a week) the tenant is ready around 7 Feb 2027, 6 days after the deadline"},
		},
		{
			name:  "no deadline set",
			trend: burn(start, 7, 168, 156, 144, 132, 120), now: date(2026, time.November, 29),
			want: Projection{Date: date(2027, time.February, 7), OK: true,
				Note: "at the recent pace (12 fewer open accounts a week) the tenant is ready around 7 Feb 2027"},
		},
		{
			// The big clean-up of early October is older than 4 weeks: only
			// the last 4 weeks set the pace (1 a day, 30 left).
			name: "only the last 4 weeks count",
			trend: append(burn(date(2026, time.October, 1), 1, 900, 500, 100),
				burn(start, 1, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30)...),
			deadline: date(2026, time.December, 30), now: date(2026, time.November, 29),
			want: Projection{Date: date(2026, time.December, 29), OK: true, BeforeDeadline: true,
				Note: "at the recent pace (7 fewer open accounts a week) the tenant is ready around 29 Dec 2026, 1 day before the deadline"},
		},
		{
			name:  "no progress",
			trend: burn(start, 7, 100, 104, 100, 104, 101), now: date(2026, time.November, 29),
			want: Projection{Note: "no progress in the last 4 weeks: no completion date can be projected"},
		},
		{
			name:  "one point",
			trend: burn(start, 1, 100), now: start,
			want: Projection{Note: "not enough recent history: the pace needs counts from at least two days in the last 4 weeks"},
		},
		{
			name:  "two points on the same day",
			trend: []TrendPoint{burn(start, 1, 100)[0], burn(start.Add(3*time.Hour), 1, 90)[0]}, now: start,
			want: Projection{Note: "not enough recent history: the pace needs counts from at least two days in the last 4 weeks"},
		},
		{
			name: "no trend", now: start,
			want: Projection{Note: "no counts have been stored yet: no completion date can be projected"},
		},
		{
			name:     "ready already",
			trend:    burn(start, 1, 3, 1, 0),
			deadline: date(2027, time.March, 1), now: date(2026, time.November, 3),
			want: Projection{Date: date(2026, time.November, 3), OK: true, BeforeDeadline: true,
				Note: "the tenant is ready: no account is non-compliant or at risk"},
		},
		{
			name:  "counts too old",
			trend: burn(start, 1, 30, 20, 10), now: date(2027, time.January, 15),
			want: Projection{Note: "no counts from the last 4 weeks (the latest are from 3 Nov 2026): " +
				"no completion date can be projected until the tenant is synced again"},
		},
		{
			name:  "a pace too slow to mean anything",
			trend: burn(start, 14, 5000, 4998, 4998), now: date(2026, time.November, 29),
			want: Projection{Note: "at the recent pace (0.5 fewer open accounts a week) the tenant would need more than ten years: " +
				"no completion date can be projected"},
		},
		{
			name:  "unsorted points",
			trend: []TrendPoint{burn(start, 7, 120)[0], burn(start.AddDate(0, 0, -28), 7, 168)[0], burn(start.AddDate(0, 0, -14), 7, 144)[0]},
			now:   start,
			want: Projection{Date: date(2027, time.January, 10), OK: true,
				Note: "at the recent pace (12 fewer open accounts a week) the tenant is ready around 10 Jan 2027"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ProjectCompletion(tt.trend, tt.deadline, tt.now)
			if !got.Date.Equal(tt.want.Date) || got.OK != tt.want.OK || got.BeforeDeadline != tt.want.BeforeDeadline {
				t.Errorf("ProjectCompletion() = %v ok=%v before=%v, want %v ok=%v before=%v",
					got.Date, got.OK, got.BeforeDeadline, tt.want.Date, tt.want.OK, tt.want.BeforeDeadline)
			}
			if got.Note != tt.want.Note {
				t.Errorf("note = %q\nwant   %q", got.Note, tt.want.Note)
			}
		})
	}
}

// At-risk accounts are open too: the burn-down counts both.
func TestProjectionCountsAtRisk(t *testing.T) {
	t.Parallel()
	start := date(2026, time.November, 1)
	var trend []TrendPoint
	for i, n := range []int{20, 16, 12} {
		trend = append(trend, TrendPoint{Day: start.AddDate(0, 0, 7*i), Counts: map[Compliance]int{NonCompliant: n / 2, AtRisk: n / 2}})
	}
	got := ProjectCompletion(trend, time.Time{}, start.AddDate(0, 0, 14))
	if !got.OK || !got.Date.Equal(date(2026, time.December, 6)) || !strings.Contains(got.Note, "4 fewer open accounts a week") {
		t.Errorf("ProjectCompletion() = %+v, want 6 Dec 2026 at 4 a week", got)
	}
}

func TestProjectionDeadlineWords(t *testing.T) {
	t.Parallel()
	tests := map[int]string{
		0: "on the deadline", 1: "1 day before the deadline", -1: "1 day after the deadline",
		13: "13 days before the deadline", 14: "2 weeks before the deadline", -20: "2 weeks after the deadline",
		43: "6 weeks before the deadline",
	}
	for days, want := range tests {
		if got := fromDeadline(days); got != want {
			t.Errorf("fromDeadline(%d) = %q, want %q", days, got, want)
		}
	}
}
