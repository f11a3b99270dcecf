package views

import (
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views/readiness"
)

// TrendSVG only scales: the corners of the abstract plot land on the plot
// area's, a marker's label stays inside it, and the words say what it shows.
func TestTrendSVGScalesTheChart(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, time.November, d, 0, 0, 0, 0, time.UTC) }
	point := func(d, nc, ar int) inventory.TrendPoint {
		return inventory.TrendPoint{Day: day(d), Counts: map[inventory.Compliance]int{inventory.NonCompliant: nc, inventory.AtRisk: ar}}
	}
	m := readiness.Report{When: "The tenant is ready around 30 Nov 2026.",
		Readiness: inventory.Readiness{Deadline: day(28)},
		Chart: readiness.Chart{Ceiling: 2000, Dotted: true,
			YTicks: []readiness.Tick{{At: 0, Value: 0}, {At: 1, Value: 2000}},
			XTicks: []readiness.Tick{{At: 0.5, Label: "13 Nov"}},
			Days: []readiness.ChartDay{
				{TrendPoint: point(6, 1500, 500), X: 0, OpenY: 1, NonCompliantY: 0.75},
				{TrendPoint: point(20, 0, 0), X: 1, OpenY: 0, NonCompliantY: 0},
			},
			Projection: &readiness.Line{From: readiness.Point{X: 0.25, Y: 0.5}, To: readiness.Point{X: 0.75, Y: 0}},
			Markers: []readiness.Marker{
				{Kind: "deadline", X: 0.1, Label: "Deadline 28 Nov 2026", Row: 1},
				{Kind: "projected", X: 0.99, Label: "Projected 30 Nov 2026", Row: 2},
			}}}
	c := TrendSVG(m)
	if c.Open != "56.0,36.0 704.0,244.0" || c.NonCompliant != "56.0,88.0 704.0,244.0" {
		t.Errorf("open %q, non-compliant %q: want the plot's corners", c.Open, c.NonCompliant)
	}
	if len(c.YTicks) != 2 || c.YTicks[0] != (ChartTick{"244.0", "0"}) || c.YTicks[1] != (ChartTick{"36.0", "2,000"}) ||
		len(c.XTicks) != 1 || c.XTicks[0] != (ChartTick{"380.0", "13 Nov"}) {
		t.Errorf("ticks %+v %+v", c.YTicks, c.XTicks)
	}
	if c.Projection == nil || *c.Projection != (ChartLine{"218.0", "140.0", "542.0", "244.0"}) {
		t.Errorf("projection %+v", c.Projection)
	}
	if len(c.Markers) != 2 || c.Markers[0].Anchor != "start" || c.Markers[0].LabelX != "124.8" || c.Markers[0].LabelY != "27.0" ||
		c.Markers[1].Anchor != "end" || c.Markers[1].LabelX != "693.5" || c.Markers[1].LabelY != "40.0" {
		t.Errorf("markers %+v: want the label at the right edge drawn to the line's left", c.Markers)
	}
	if len(c.Dots) != 2 || c.Dots[0].Title != "6 Nov 2026: 2,000 open" {
		t.Errorf("dots %+v", c.Dots)
	}
	if c.Title != "Accounts still open, 6 Nov 2026 to 20 Nov 2026" ||
		c.Desc != "Open accounts (non-compliant and at risk): 2,000 on 6 Nov 2026, 0 on 20 Nov 2026. "+
			"The tenant is ready around 30 Nov 2026. The enforcement deadline is 28 Nov 2026." {
		t.Errorf("title %q\ndesc %q", c.Title, c.Desc)
	}
	m.Chart.Dotted = false
	if c := TrendSVG(m); len(c.Dots) != 0 || strings.Count(c.Open, ",") != 2 {
		t.Errorf("a long trend is dotted: %+v", c.Dots)
	}
}
