package readiness

import (
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

func chartDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// chartPoint is a day with open accounts, two thirds of them non-compliant.
func chartPoint(day time.Time, open int) inventory.TrendPoint {
	counts := map[inventory.Compliance]int{inventory.NonCompliant: open * 2 / 3, inventory.AtRisk: open - open*2/3, inventory.Compliant: 100}
	return inventory.TrendPoint{Day: day, Counts: counts, Applicable: inventory.ApplicableCount(counts)}
}

func inPlot(v float64) bool { return v >= 0 && v <= 1 }

func TestChartGeometry(t *testing.T) {
	t.Parallel()
	nov := chartDay(2026, time.November, 2)
	weekly := []inventory.TrendPoint{chartPoint(nov, 120), chartPoint(nov.AddDate(0, 0, 7), 100), chartPoint(nov.AddDate(0, 0, 14), 80)}
	for _, c := range []struct {
		name                string
		trend               []inventory.TrendPoint
		deadline            time.Time
		empty               bool
		points              int
		deadlineDrawn       bool
		projectedDrawn      bool
		projectionReachesX0 bool   // the dashed line reaches zero inside the chart
		projectionCut       bool   // the dashed line leaves the chart's right edge above zero
		tickLabel           string // a label of the time axis
	}{
		{name: "no history", empty: true},
		{name: "one day", trend: weekly[:1], points: 1, tickLabel: "2 Nov"},
		{name: "a burn-down and a deadline after it", trend: weekly, deadline: chartDay(2027, time.March, 1), points: 3,
			deadlineDrawn: true, projectedDrawn: true, projectionReachesX0: true, tickLabel: "Dec 2026"},
		{name: "a deadline before the history starts is not drawn", trend: weekly, deadline: chartDay(2026, time.January, 1),
			points: 3, projectedDrawn: true, projectionReachesX0: true, tickLabel: "7 Dec"},
		{name: "a deadline years away is beyond the chart", trend: weekly, deadline: chartDay(2031, time.January, 1), points: 3,
			projectedDrawn: true, projectionReachesX0: true, tickLabel: "Mar 2027"},
		{name: "no progress: no projection", trend: []inventory.TrendPoint{chartPoint(nov, 80), chartPoint(nov.AddDate(0, 0, 7), 80)},
			deadline: chartDay(2027, time.March, 1), points: 2, deadlineDrawn: true, tickLabel: "Jan 2027"},
		{name: "a short span is labelled by weeks", trend: weekly, deadline: chartDay(2026, time.December, 1), points: 3,
			deadlineDrawn: true, projectedDrawn: true, projectionReachesX0: true, tickLabel: "16 Nov"},
		{name: "a projection years away is cut at the edge",
			trend:  []inventory.TrendPoint{chartPoint(nov, 2000), chartPoint(nov.AddDate(0, 0, 7), 1990)},
			points: 2, projectionCut: true, tickLabel: "Nov 2028"},
	} {
		t.Run(c.name, func(t *testing.T) {
			now := nov.AddDate(0, 0, 15)
			if len(c.trend) > 0 {
				now = c.trend[len(c.trend)-1].Day.Add(12 * time.Hour)
			}
			r := inventory.Readiness{Trend: c.trend, Deadline: c.deadline, GeneratedAt: now}
			r.Projection = inventory.ProjectCompletion(r.Trend, r.Deadline, r.GeneratedAt)
			ch := chartOf(r)
			if (ch.Empty != "") != c.empty {
				t.Fatalf("empty %q, want empty %v", ch.Empty, c.empty)
			}
			if c.empty {
				return
			}
			if len(ch.Days) != c.points || ch.Dotted != (c.points <= dotsUpTo) {
				t.Fatalf("%d days (dotted %v), want %d", len(ch.Days), ch.Dotted, c.points)
			}
			for i, d := range ch.Days {
				if !inPlot(d.X) || !inPlot(d.OpenY) || !inPlot(d.NonCompliantY) || d.NonCompliantY > d.OpenY {
					t.Fatalf("day %d %+v lies outside the plot, or more are non-compliant than open", i, d)
				}
				if i > 0 && d.X <= ch.Days[i-1].X {
					t.Fatalf("days are not in order: %+v", ch.Days)
				}
			}
			// The highest count sits at or under the top tick, and zero on
			// the axis.
			top := ch.YTicks[len(ch.YTicks)-1]
			if ch.YTicks[0].Value != 0 || ch.YTicks[0].At != 0 || top.At != 1 || top.Value != ch.Ceiling || len(ch.YTicks) > 5 {
				t.Errorf("y ticks %+v: want 0 at the bottom and the ceiling %d at the top", ch.YTicks, ch.Ceiling)
			}
			kinds := map[string]bool{}
			for _, m := range ch.Markers {
				kinds[m.Kind] = true
				if !inPlot(m.X) || !strings.Contains(m.Label, " ") || m.Row < 1 {
					t.Errorf("marker %+v outside the plot or unlabelled", m)
				}
			}
			if kinds["deadline"] != c.deadlineDrawn || kinds["projected"] != c.projectedDrawn {
				t.Errorf("markers %+v: want deadline %v, projected %v", ch.Markers, c.deadlineDrawn, c.projectedDrawn)
			}
			if c.projectionReachesX0 {
				if ch.Projection == nil || ch.Projection.To.Y != 0 || !inPlot(ch.Projection.To.X) {
					t.Errorf("projection %+v: want it to reach zero", ch.Projection)
				}
			} else if ch.Projection != nil && ch.Projection.To.Y == 0 {
				t.Errorf("projection %+v reaches zero inside the chart", ch.Projection)
			}
			if c.projectionCut && (ch.Projection == nil || ch.Projection.To.X != 1 || ch.Projection.To.Y <= 0) {
				t.Errorf("projection %+v: want it cut at the right edge, above zero", ch.Projection)
			}
			labels := map[string]bool{}
			for _, tk := range ch.XTicks {
				labels[tk.Label] = true
				if !inPlot(tk.At) {
					t.Errorf("time tick %+v outside the plot", tk)
				}
			}
			if len(ch.XTicks) == 0 || len(ch.XTicks) > 10 || !labels[c.tickLabel] {
				t.Errorf("time ticks %+v: want a few, %q among them", ch.XTicks, c.tickLabel)
			}
		})
	}
}

func TestAxisScale(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ peak, ceiling, tick int }{
		{0, 1, 1}, {1, 1, 1}, {4, 4, 1}, {7, 8, 2}, {100, 100, 50}, {120, 150, 50}, {2907, 3000, 1000}, {13550, 15000, 5000},
	} {
		ceiling, tick := axisScale(c.peak)
		if ceiling != c.ceiling || tick != c.tick || ceiling < c.peak || ceiling/tick > 4 {
			t.Errorf("axisScale(%d) = %d, %d; want %d, %d", c.peak, ceiling, tick, c.ceiling, c.tick)
		}
	}
}
