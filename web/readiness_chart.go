package web

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
)

// The burn-down chart of the readiness page, drawn as SVG on the server:
// this file turns the trend into coordinates, the view only writes them.

// The chart's viewBox and plot area, in SVG units.
const (
	chartWidth, chartHeight = 720.0, 280.0
	plotLeft, plotRight     = 56.0, 704.0
	plotTop, plotBottom     = 36.0, 244.0
	// chartReach is how far past the latest counts the chart reaches: a
	// projection years away would squash the history into a sliver.
	chartReach = 2 * 365 * 24 * time.Hour
	// dotsUpTo is how many days get a dot of their own.
	dotsUpTo = 60
)

// trendChart lays out r's trend with the projected completion and the
// deadline.
func trendChart(r inventory.Readiness) views.TrendChart {
	points := slices.Clone(r.Trend)
	slices.SortStableFunc(points, func(a, b inventory.TrendPoint) int { return a.Day.Compare(b.Day) })
	if len(points) == 0 {
		return views.TrendChart{Empty: "No trend yet: the counts are stored at every sync and at least daily."}
	}
	first, last := points[0], points[len(points)-1]
	proj := r.Projection
	from, to := first.Day, last.Day
	if !r.Deadline.IsZero() && r.Deadline.After(to) {
		to = r.Deadline
	}
	if proj.OK && proj.Date.After(to) {
		to = proj.Date
	}
	to = minTime(to, last.Day.Add(chartReach))
	if !to.After(from) {
		to = from.Add(24 * time.Hour)
	}
	peak := 1
	for _, p := range points {
		peak = max(peak, p.Open())
	}
	ceiling, tick := axisScale(peak)
	g := chartGeometry{from: from, to: to, ceiling: ceiling}

	c := views.TrendChart{
		Width: num(chartWidth), Height: num(chartHeight),
		Left: num(plotLeft), Right: num(plotRight), Top: num(plotTop), Bottom: num(plotBottom),
		Title: fmt.Sprintf("Accounts still open, %s to %s", views.Date(first.Day), views.Date(last.Day)),
		Desc:  chartDescription(first, last, r),
	}
	for v := 0; v <= ceiling; v += tick {
		c.YTicks = append(c.YTicks, views.ChartTick{At: num(g.y(float64(v))), Label: views.Itoa(v)})
	}
	c.XTicks = g.dayTicks()
	open := make([]string, len(points))
	nc := make([]string, len(points))
	for i, p := range points {
		x := g.x(p.Day)
		open[i] = num(x) + "," + num(g.y(float64(p.Open())))
		nc[i] = num(x) + "," + num(g.y(float64(p.Counts[inventory.NonCompliant])))
		if len(points) <= dotsUpTo {
			c.Dots = append(c.Dots, views.ChartDot{X: num(x), Y: num(g.y(float64(p.Open()))),
				Title: fmt.Sprintf("%s: %s open", views.Date(p.Day), views.Itoa(p.Open()))})
		}
		c.Rows = append(c.Rows, views.TrendRow{Day: views.Date(p.Day), Open: views.Itoa(p.Open()),
			NonCompliant: views.Itoa(p.Counts[inventory.NonCompliant]), AtRisk: views.Itoa(p.Counts[inventory.AtRisk]),
			Applicable: views.Itoa(p.Applicable)})
	}
	c.Open, c.NonCompliant = strings.Join(open, " "), strings.Join(nc, " ")

	if proj.OK && last.Open() > 0 && proj.Date.After(last.Day) {
		endT, endN := proj.Date, 0.0
		if proj.Date.After(to) { // cut at the edge, where the line would be then
			endT = to
			endN = float64(last.Open()) * float64(proj.Date.Sub(to)) / float64(proj.Date.Sub(last.Day))
		}
		c.Projection = &views.ChartLine{X1: num(g.x(last.Day)), Y1: num(g.y(float64(last.Open()))),
			X2: num(g.x(endT)), Y2: num(g.y(endN))}
		if !proj.Date.After(to) {
			c.Markers = append(c.Markers, g.marker("projected", proj.Date, "Projected "+views.Date(proj.Date), 2))
		}
	}
	if !r.Deadline.IsZero() && !r.Deadline.Before(from) && !r.Deadline.After(to) {
		c.Markers = append(c.Markers, g.marker("deadline", r.Deadline, "Deadline "+views.Date(r.Deadline), 1))
	}
	return c
}

// chartDescription says in words what the chart shows.
func chartDescription(first, last inventory.TrendPoint, r inventory.Readiness) string {
	s := fmt.Sprintf("Open accounts (non-compliant and at risk): %s on %s, %s on %s.",
		views.Itoa(first.Open()), views.Date(first.Day), views.Itoa(last.Open()), views.Date(last.Day))
	if r.Projection.Note != "" {
		s += " " + sentence(r.Projection.Note)
	}
	if !r.Deadline.IsZero() {
		s += " The enforcement deadline is " + views.Date(r.Deadline) + "."
	}
	return s
}

// chartGeometry maps days and counts into the plot area.
type chartGeometry struct {
	from, to time.Time
	ceiling  int
}

func (g chartGeometry) x(t time.Time) float64 {
	return plotLeft + (plotRight-plotLeft)*float64(t.Sub(g.from))/float64(g.to.Sub(g.from))
}

func (g chartGeometry) y(n float64) float64 {
	return plotBottom - (plotBottom-plotTop)*n/float64(g.ceiling)
}

// dayTicks labels the time axis: weeks over two months or less, else
// months, at most about eight labels either way.
func (g chartGeometry) dayTicks() []views.ChartTick {
	var ticks []views.ChartTick
	span := g.to.Sub(g.from).Hours() / 24
	if span <= 62 {
		every := max(7, int(math.Ceil(span/8/7))*7)
		for t := g.from; !t.After(g.to); t = t.AddDate(0, 0, every) {
			ticks = append(ticks, views.ChartTick{At: num(g.x(t)), Label: t.Format("2 Jan")})
		}
		return ticks
	}
	months := int(span/30) + 1
	every := max(1, (months+7)/8)
	y, m, _ := g.from.Date()
	for t, i := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC), 0; !t.After(g.to); t, i = t.AddDate(0, 1, 0), i+1 {
		if t.Before(g.from) || i%every != 0 {
			continue
		}
		ticks = append(ticks, views.ChartTick{At: num(g.x(t)), Label: t.Format("Jan 2006")})
	}
	return ticks
}

// marker is a labelled vertical line at a day; row staggers the labels of
// markers close together. A label that would leave the plot goes on the
// line's left.
func (g chartGeometry) marker(kind string, at time.Time, label string, row int) views.ChartMarker {
	const charWidth = 6.2 // of the label's font, near enough
	x := g.x(at)
	m := views.ChartMarker{Kind: kind, X: num(x), LabelX: num(x + 4), LabelY: num(plotTop - 22 + 13*float64(row)),
		Anchor: "start", Label: label}
	if x+4+charWidth*float64(len(label)) > plotRight {
		m.LabelX, m.Anchor = num(x-4), "end"
	}
	return m
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

// num writes a coordinate with one decimal, as SVG reads it.
func num(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
