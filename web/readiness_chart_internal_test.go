package web

import (
	"strconv"
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

// coords reads "x,y x,y" back as numbers.
func coords(t *testing.T, points string) [][2]float64 {
	t.Helper()
	var out [][2]float64
	for _, p := range strings.Fields(points) {
		x, y, ok := strings.Cut(p, ",")
		fx, err1 := strconv.ParseFloat(x, 64)
		fy, err2 := strconv.ParseFloat(y, 64)
		if !ok || err1 != nil || err2 != nil {
			t.Fatalf("point %q is not x,y", p)
		}
		out = append(out, [2]float64{fx, fy})
	}
	return out
}

func TestTrendChartGeometry(t *testing.T) {
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
		projectionReachesX0 bool // the dashed line reaches zero inside the chart
		projectionCut       bool // the dashed line leaves the chart's right edge above zero
	}{
		{name: "no history", empty: true},
		{name: "one day", trend: weekly[:1], points: 1},
		{name: "a burn-down and a deadline after it", trend: weekly, deadline: chartDay(2027, time.March, 1), points: 3,
			deadlineDrawn: true, projectedDrawn: true, projectionReachesX0: true},
		{name: "a deadline before the history starts is not drawn", trend: weekly, deadline: chartDay(2026, time.January, 1),
			points: 3, projectedDrawn: true, projectionReachesX0: true},
		{name: "a deadline years away is beyond the chart", trend: weekly, deadline: chartDay(2031, time.January, 1), points: 3,
			projectedDrawn: true, projectionReachesX0: true},
		{name: "no progress: no projection", trend: []inventory.TrendPoint{chartPoint(nov, 80), chartPoint(nov.AddDate(0, 0, 7), 80)},
			deadline: chartDay(2027, time.March, 1), points: 2, deadlineDrawn: true},
		{name: "a projection years away is cut at the edge",
			trend:  []inventory.TrendPoint{chartPoint(nov, 2000), chartPoint(nov.AddDate(0, 0, 7), 1990)},
			points: 2, projectionCut: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			now := nov.AddDate(0, 0, 15)
			if len(c.trend) > 0 {
				now = c.trend[len(c.trend)-1].Day.Add(12 * time.Hour)
			}
			r := inventory.Readiness{Trend: c.trend, Deadline: c.deadline, GeneratedAt: now}
			r.Projection = inventory.ProjectCompletion(r.Trend, r.Deadline, r.GeneratedAt)
			ch := trendChart(r)
			if (ch.Empty != "") != c.empty {
				t.Fatalf("empty %q, want empty %v", ch.Empty, c.empty)
			}
			if c.empty {
				return
			}
			open := coords(t, ch.Open)
			if len(open) != c.points || len(coords(t, ch.NonCompliant)) != c.points || len(ch.Rows) != c.points {
				t.Fatalf("%d open points, want %d", len(open), c.points)
			}
			for i, p := range open {
				if p[0] < plotLeft || p[0] > plotRight || p[1] < plotTop || p[1] > plotBottom {
					t.Fatalf("point %d %v lies outside the plot", i, p)
				}
				if i > 0 && p[0] <= open[i-1][0] {
					t.Fatalf("points are not in day order: %v", open)
				}
			}
			// The highest count sits at or under the top tick, and zero on
			// the axis.
			top := ch.YTicks[len(ch.YTicks)-1]
			if ch.YTicks[0].Label != "0" || ch.YTicks[0].At != num(plotBottom) || top.At != num(plotTop) {
				t.Errorf("y ticks %v: want 0 at the bottom and the ceiling at the top", ch.YTicks)
			}
			kinds := map[string]bool{}
			for _, m := range ch.Markers {
				kinds[m.Kind] = true
				x, _ := strconv.ParseFloat(m.X, 64)
				if x < plotLeft || x > plotRight || !strings.Contains(m.Label, " ") {
					t.Errorf("marker %+v outside the plot or unlabelled", m)
				}
			}
			if kinds["deadline"] != c.deadlineDrawn || kinds["projected"] != c.projectedDrawn {
				t.Errorf("markers %+v: want deadline %v, projected %v", ch.Markers, c.deadlineDrawn, c.projectedDrawn)
			}
			if c.projectionReachesX0 {
				if ch.Projection == nil || ch.Projection.Y2 != num(plotBottom) {
					t.Errorf("projection %+v: want it to reach zero", ch.Projection)
				}
			} else if ch.Projection != nil && ch.Projection.Y2 == num(plotBottom) {
				t.Errorf("projection %+v reaches zero inside the chart", ch.Projection)
			}
			if c.projectionCut && (ch.Projection == nil || ch.Projection.X2 != num(plotRight) || ch.Projection.Y2 == num(plotBottom)) {
				t.Errorf("projection %+v: want it cut at the right edge, above zero", ch.Projection)
			}
			if len(ch.XTicks) == 0 || len(ch.XTicks) > 10 {
				t.Errorf("%d time ticks, want a few", len(ch.XTicks))
			}
		})
	}
}

func TestAxisScale(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ peak, ceiling, tick int }{
		{1, 1, 1}, {4, 4, 1}, {7, 8, 2}, {100, 100, 50}, {120, 150, 50}, {2907, 3000, 1000}, {13550, 15000, 5000},
	} {
		ceiling, tick := axisScale(c.peak)
		if ceiling != c.ceiling || tick != c.tick || ceiling < c.peak || ceiling/tick > 4 {
			t.Errorf("axisScale(%d) = %d, %d; want %d, %d", c.peak, ceiling, tick, c.ceiling, c.tick)
		}
	}
}
