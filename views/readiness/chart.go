package readiness

import (
	"math"
	"slices"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// Chart is the burn-down of open accounts, laid out in abstract units: X
// runs from 0 at the left edge of the plot to 1 at the right, Y from 0 at
// the bottom (no account) to 1 at the top (Ceiling accounts). The page
// scales them into an SVG's plot area, the PDF into millimetres.
type Chart struct {
	// Empty says why there is no chart yet; "" when there is one.
	Empty    string
	From, To time.Time // the time axis
	Ceiling  int       // the count at the top of the plot
	// YTicks are round counts from 0 to Ceiling (Value, at Y); XTicks are
	// weeks or months along the time axis (Label, at X).
	YTicks, XTicks []Tick
	Days           []ChartDay // the trend, in day order
	// Dotted says there are few enough days to mark each one.
	Dotted bool
	// Projection is the burn-down from the latest count to zero at the
	// recent pace, cut at the right edge; nil when none can be drawn.
	Projection *Line
	// Markers are the vertical lines of the projected date and the
	// deadline, when they fall inside the time axis.
	Markers []Marker
}

// Tick is a grid line and its label.
type Tick struct {
	At    float64
	Value int    // a count (Y ticks)
	Label string // a day or month (X ticks)
}

// ChartDay is one day of the trend and where it lies.
type ChartDay struct {
	inventory.TrendPoint
	X, OpenY, NonCompliantY float64
}

// Point is a place in the plot.
type Point struct{ X, Y float64 }

// Line is a straight line in the plot.
type Line struct{ From, To Point }

// Marker is a labelled vertical line at a day. Row staggers the labels of
// markers that may stand close together: 1 is the top row.
type Marker struct {
	Kind  string // "deadline" or "projected"
	X     float64
	Label string // "Deadline 31 Mar 2027"
	Row   int
}

const (
	// chartReach is how far past the latest counts the chart reaches: a
	// projection years away would squash the history into a sliver.
	chartReach = 2 * 365 * 24 * time.Hour
	// dotsUpTo is how many days get a dot of their own.
	dotsUpTo = 60
)

// chartOf lays out r's trend with the projected completion and the
// deadline.
func chartOf(r inventory.Readiness) Chart {
	points := slices.Clone(r.Trend)
	slices.SortStableFunc(points, func(a, b inventory.TrendPoint) int { return a.Day.Compare(b.Day) })
	if len(points) == 0 {
		return Chart{Empty: "No trend yet: the counts are stored at every sync and at least daily."}
	}
	last := points[len(points)-1]
	proj := r.Projection
	c := Chart{From: points[0].Day, To: last.Day, Dotted: len(points) <= dotsUpTo}
	if !r.Deadline.IsZero() && r.Deadline.After(c.To) {
		c.To = r.Deadline
	}
	if proj.OK && proj.Date.After(c.To) {
		c.To = proj.Date
	}
	c.To = minTime(c.To, last.Day.Add(chartReach))
	if !c.To.After(c.From) {
		c.To = c.From.Add(24 * time.Hour)
	}
	peak := 1
	for _, p := range points {
		peak = max(peak, p.Open())
	}
	ceiling, tick := axisScale(peak)
	c.Ceiling = ceiling
	for v := 0; v <= ceiling; v += tick {
		c.YTicks = append(c.YTicks, Tick{At: c.y(float64(v)), Value: v})
	}
	c.XTicks = c.dayTicks()
	for _, p := range points {
		c.Days = append(c.Days, ChartDay{TrendPoint: p, X: c.x(p.Day), OpenY: c.y(float64(p.Open())),
			NonCompliantY: c.y(float64(p.Counts[inventory.NonCompliant]))})
	}
	if proj.OK && last.Open() > 0 && proj.Date.After(last.Day) {
		endT, endN := proj.Date, 0.0
		if proj.Date.After(c.To) { // cut at the edge, where the line would be then
			endT = c.To
			endN = float64(last.Open()) * float64(proj.Date.Sub(c.To)) / float64(proj.Date.Sub(last.Day))
		}
		c.Projection = &Line{From: Point{c.x(last.Day), c.y(float64(last.Open()))}, To: Point{c.x(endT), c.y(endN)}}
		if !proj.Date.After(c.To) {
			c.Markers = append(c.Markers, Marker{Kind: "projected", X: c.x(proj.Date), Label: "Projected " + Day(proj.Date), Row: 2})
		}
	}
	if !r.Deadline.IsZero() && !r.Deadline.Before(c.From) && !r.Deadline.After(c.To) {
		c.Markers = append(c.Markers, Marker{Kind: "deadline", X: c.x(r.Deadline), Label: "Deadline " + Day(r.Deadline), Row: 1})
	}
	return c
}

func (c Chart) x(t time.Time) float64 { return float64(t.Sub(c.From)) / float64(c.To.Sub(c.From)) }

func (c Chart) y(n float64) float64 { return n / float64(c.Ceiling) }

// dayTicks label the time axis: weeks over two months or less, else
// months, at most about eight labels either way.
func (c Chart) dayTicks() []Tick {
	var ticks []Tick
	span := c.To.Sub(c.From).Hours() / 24
	if span <= 62 {
		every := max(7, int(math.Ceil(span/8/7))*7)
		for t := c.From; !t.After(c.To); t = t.AddDate(0, 0, every) {
			ticks = append(ticks, Tick{At: c.x(t), Label: t.Format("2 Jan")})
		}
		return ticks
	}
	months := int(span/30) + 1
	every := max(1, (months+7)/8)
	y, m, _ := c.From.Date()
	for t, i := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC), 0; !t.After(c.To); t, i = t.AddDate(0, 1, 0), i+1 {
		if t.Before(c.From) || i%every != 0 {
			continue
		}
		ticks = append(ticks, Tick{At: c.x(t), Label: t.Format("Jan 2006")})
	}
	return ticks
}

// axisScale picks round ticks, at most four of them above zero, that reach
// the peak.
func axisScale(peak int) (ceiling, tick int) {
	tick = niceCeiling((peak + 3) / 4)
	n := max(1, (peak+tick-1)/tick)
	return n * tick, tick
}

// niceCeiling is the first 1, 2 or 5 times a power of ten at or above n.
func niceCeiling(n int) int {
	if n <= 0 {
		return 1
	}
	for pow := 1; ; pow *= 10 {
		for _, step := range []int{1, 2, 5} {
			if step*pow >= n {
				return step * pow
			}
		}
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
