package inventory

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// recentPace is how far back the burn-down pace is measured: long enough
// to smooth a week's holidays, short enough that last quarter's big clean-up
// does not promise a pace the team no longer keeps.
const recentPace = 28 * 24 * time.Hour

// longestProjection is how far a projection may reach before it stops
// meaning anything.
const longestProjection = 10 * 365

// ProjectCompletion projects when no account will be open (non-compliant or
// at risk) from the burn-down of the recent past: a least-squares line
// through the open counts of the trend points of the last 28 days (ending at
// the latest point), at least two days of them. The line gives the pace; the
// latest count is what is left to do at that pace. deadline may be zero (none
// set). now tells whether the counts are too old to project from.
func ProjectCompletion(trend []TrendPoint, deadline time.Time, now time.Time) Projection {
	points := slices.Clone(trend)
	slices.SortStableFunc(points, func(a, b TrendPoint) int { return a.Day.Compare(b.Day) })
	if len(points) == 0 {
		return Projection{Note: "no counts have been stored yet: no completion date can be projected"}
	}
	last := points[len(points)-1]
	if last.Open() == 0 {
		return Projection{Date: last.Day, OK: true, BeforeDeadline: onOrBefore(last.Day, deadline),
			Note: "the tenant is ready: no account is non-compliant or at risk"}
	}
	if !now.IsZero() && last.Day.Before(now.Add(-recentPace)) {
		return Projection{Note: "no counts from the last 4 weeks (the latest are from " + last.Day.Format(dayLayout) +
			"): no completion date can be projected until the tenant is synced again"}
	}
	from := last.Day.Add(-recentPace)
	recent := points[:0:0]
	for _, p := range points {
		if !p.Day.Before(from) {
			recent = append(recent, p)
		}
	}
	perDay, ok := burnDown(recent)
	if !ok {
		return Projection{Note: "not enough recent history: the pace needs counts from at least two days in the last 4 weeks"}
	}
	if perDay >= 0 {
		return Projection{Note: "no progress in the last 4 weeks: no completion date can be projected"}
	}
	pace := fmt.Sprintf("at the recent pace (%s a week)", weeklyPace(-perDay*7))
	// A hair under a whole day is that day, not the next: 120 left at 12 a
	// week is 70 days, whatever the last bit of the float says.
	days := math.Ceil(float64(last.Open())/-perDay - 1e-6)
	if days > longestProjection {
		return Projection{Note: pace + " the tenant would need more than ten years: no completion date can be projected"}
	}
	y, m, d := last.Day.Date()
	date := time.Date(y, m, d+int(days), 0, 0, 0, 0, last.Day.Location())
	p := Projection{Date: date, OK: true, BeforeDeadline: onOrBefore(date, deadline)}
	p.Note = pace + " the tenant is ready around " + date.Format(dayLayout)
	if !deadline.IsZero() {
		p.Note += ", " + fromDeadline(civilDay(deadline)-civilDay(date))
	}
	return p
}

// dayLayout is how reports write a day.
const dayLayout = "2 Jan 2006"

// burnDown is the least-squares slope of the open count, in accounts per
// day; ok is false with fewer than two distinct days.
func burnDown(points []TrendPoint) (perDay float64, ok bool) {
	if len(points) < 2 {
		return 0, false
	}
	// x is the calendar day: two syncs on one day are one day's counts,
	// not a pace measured in hours.
	origin := civilDay(points[0].Day)
	x := func(p TrendPoint) float64 { return float64(civilDay(p.Day) - origin) }
	var sx, sy float64
	for _, p := range points {
		sx += x(p)
		sy += float64(p.Open())
	}
	n := float64(len(points))
	mx, my := sx/n, sy/n
	var sxy, sxx float64
	for _, p := range points {
		dx := x(p) - mx
		sxy += dx * (float64(p.Open()) - my)
		sxx += dx * dx
	}
	if sxx == 0 { // every point on the same day
		return 0, false
	}
	return sxy / sxx, true
}

// weeklyPace writes a weekly burn-down as "12 fewer open accounts", the
// way a person says it (not "−12 open accounts").
func weeklyPace(perWeek float64) string {
	var n string
	switch {
	case perWeek >= 9.95:
		n = strconv.FormatFloat(math.Round(perWeek), 'f', 0, 64)
	case perWeek < 0.05:
		return "fewer than 0.1 open accounts closed" // "0 fewer" would read as no progress
	default:
		n = strings.TrimSuffix(strconv.FormatFloat(perWeek, 'f', 1, 64), ".0")
	}
	noun := "open accounts"
	if n == "1" {
		noun = "open account"
	}
	return n + " fewer " + noun
}

// fromDeadline says how far a day lies from the deadline, days after it when
// negative.
func fromDeadline(days int) string {
	side := "before"
	if days < 0 {
		side, days = "after", -days
	}
	switch {
	case days == 0:
		return "on the deadline"
	case days >= 14:
		return fmt.Sprintf("%d weeks %s the deadline", days/7, side)
	case days == 1:
		return "1 day " + side + " the deadline"
	}
	return fmt.Sprintf("%d days %s the deadline", days, side)
}

// civilDay numbers the calendar day of t, so a difference counts calendar
// days whatever the clock time or the daylight saving.
func civilDay(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func onOrBefore(day, deadline time.Time) bool {
	return !deadline.IsZero() && civilDay(day) <= civilDay(deadline)
}
