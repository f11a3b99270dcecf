package report

import (
	"fmt"
	"slices"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// longestChart is how far past the latest counts the chart reaches: a
// projection years away would squash the history into a sliver.
const longestChart = 2 * 365 * 24 * time.Hour

// burnDown draws the open accounts over time as vector lines, with the
// projected completion (dashed) and the enforcement deadline (a vertical
// line), each labelled in words so the chart reads in black and white.
func (d *doc) burnDown(r inventory.Readiness) {
	d.heading("Burn-down: accounts still open", 100)
	points := slices.Clone(r.Trend)
	slices.SortStableFunc(points, func(a, b inventory.TrendPoint) int { return a.Day.Compare(b.Day) })
	if len(points) == 0 {
		d.para("No trend yet: the counts are stored at every sync and at least daily, and the chart appears from the second day.", 10)
		return
	}
	const chartH, axisW, axisH = 78.0, 14.0, 9.0
	d.ensure(chartH + 12)
	p := d.pdf
	top := p.GetY() + 4
	c := chart{left: margin + axisW, top: top, width: d.width - axisW - 2, height: chartH - axisH - 4}
	c.from = points[0].Day
	last := points[len(points)-1]
	c.to = last.Day
	if !r.Deadline.IsZero() && r.Deadline.After(c.to) {
		c.to = r.Deadline
	}
	proj := r.Projection
	if proj.OK && proj.Date.After(c.to) {
		c.to = proj.Date
	}
	if limit := last.Day.Add(longestChart); c.to.After(limit) {
		c.to = limit
	}
	if !c.to.After(c.from) {
		c.to = c.from.Add(24 * time.Hour)
	}
	peak := 0
	for _, pt := range points {
		peak = max(peak, pt.Open())
	}
	c.ceiling, c.tick = axisScale(peak)

	d.axes(c)
	// Open accounts (non-compliant and at risk), and the non-compliant among
	// them, so the chart shows what kind of work is left.
	d.series(c, points, func(pt inventory.TrendPoint) int { return pt.Open() }, rgb{20, 45, 90}, 0.7)
	d.series(c, points, func(pt inventory.TrendPoint) int { return pt.Counts[inventory.NonCompliant] },
		verdictColours[inventory.NonCompliant], 0.4)
	if proj.OK && last.Open() > 0 {
		d.projection(c, last, proj.Date)
	}
	if !r.Deadline.IsZero() && !r.Deadline.Before(c.from) && !r.Deadline.After(c.to) {
		d.marker(c, r.Deadline, "Deadline "+day(r.Deadline), verdictColours[inventory.NonCompliant], 1)
	}
	p.SetDashPattern(nil, 0)
	p.SetXY(margin, top+chartH)
	d.chartLegend()
	d.para(sentence(proj.Note), 9)
}

// chart maps days and counts to the page.
type chart struct {
	left, top, width, height float64
	from, to                 time.Time
	ceiling, tick            int
}

func (c chart) x(t time.Time) float64 {
	return c.left + c.width*float64(t.Sub(c.from))/float64(c.to.Sub(c.from))
}

func (c chart) y(n float64) float64 { return c.top + c.height - c.height*n/float64(c.ceiling) }

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

func (d *doc) axes(c chart) {
	p := d.pdf
	p.SetFont(font, "", 7)
	p.SetTextColor(80, 80, 80)
	p.SetLineWidth(0.15)
	for v := 0; v <= c.ceiling; v += c.tick {
		y := c.y(float64(v))
		p.SetDrawColor(220, 220, 220)
		p.Line(c.left, y, c.left+c.width, y)
		label := fmt.Sprint(v)
		p.Text(c.left-1.5-p.GetStringWidth(label), y+1.2, label)
	}
	p.SetDrawColor(60, 60, 60)
	p.SetLineWidth(0.3)
	p.Line(c.left, c.top, c.left, c.top+c.height)
	p.Line(c.left, c.top+c.height, c.left+c.width, c.top+c.height)
	// Month ticks, at most about eight of them.
	months := int(c.to.Sub(c.from).Hours()/24/30) + 1
	every := max(1, (months+7)/8)
	y, m, _ := c.from.Date()
	for t, i := time.Date(y, m, 1, 0, 0, 0, 0, c.from.Location()), 0; !t.After(c.to); t, i = t.AddDate(0, 1, 0), i+1 {
		if t.Before(c.from) || i%every != 0 {
			continue
		}
		x := c.x(t)
		p.Line(x, c.top+c.height, x, c.top+c.height+1.2)
		label := t.Format("Jan 2006")
		p.Text(x-p.GetStringWidth(label)/2, c.top+c.height+4.5, label)
	}
}

// series draws one count over the days, with a dot on each day when there
// are few enough to see.
func (d *doc) series(c chart, points []inventory.TrendPoint, count func(inventory.TrendPoint) int, col rgb, width float64) {
	p := d.pdf
	p.SetDrawColor(col.r, col.g, col.b)
	p.SetFillColor(col.r, col.g, col.b)
	p.SetLineWidth(width)
	for i, pt := range points {
		x, y := c.x(pt.Day), c.y(float64(count(pt)))
		if i > 0 {
			prev := points[i-1]
			p.Line(c.x(prev.Day), c.y(float64(count(prev))), x, y)
		}
		if len(points) <= 60 {
			p.Circle(x, y, width, "F")
		}
	}
}

// projection draws the projected burn-down from the latest count to zero,
// cut at the chart's right edge when the date lies beyond it.
func (d *doc) projection(c chart, last inventory.TrendPoint, date time.Time) {
	p := d.pdf
	col := verdictColours[inventory.Compliant]
	p.SetDrawColor(col.r, col.g, col.b)
	p.SetLineWidth(0.5)
	p.SetDashPattern([]float64{1.6, 1.2}, 0)
	open := float64(last.Open())
	endT, endN := date, 0.0
	if date.After(c.to) {
		endT = c.to
		endN = open * float64(date.Sub(c.to)) / float64(date.Sub(last.Day))
	}
	p.Line(c.x(last.Day), c.y(open), c.x(endT), c.y(endN))
	p.SetDashPattern(nil, 0)
	if date.After(c.to) {
		return
	}
	d.marker(c, date, "Projected "+day(date), col, 2)
}

// marker is a labelled vertical line at a day; row staggers the labels of
// markers close together.
func (d *doc) marker(c chart, at time.Time, label string, col rgb, row int) {
	p := d.pdf
	x := c.x(at)
	p.SetDrawColor(col.r, col.g, col.b)
	p.SetLineWidth(0.4)
	p.SetDashPattern([]float64{0.8, 0.8}, 0)
	p.Line(x, c.top, x, c.top+c.height)
	p.SetDashPattern(nil, 0)
	p.SetFont(font, "B", 7)
	p.SetTextColor(col.r, col.g, col.b)
	text := d.t(label)
	w := p.GetStringWidth(text)
	lx := x + 1
	if lx+w > c.left+c.width {
		lx = x - 1 - w // keep the label inside the chart
	}
	p.Text(lx, c.top+3+float64(row-1)*3.5, text)
}

func (d *doc) chartLegend() {
	p := d.pdf
	d.normal(8)
	x, y := margin+14, p.GetY()
	items := []struct {
		label  string
		col    rgb
		dashed bool
	}{
		{"Open (non-compliant and at risk)", rgb{20, 45, 90}, false},
		{"Non-compliant", verdictColours[inventory.NonCompliant], false},
		{"Projected at the recent pace", verdictColours[inventory.Compliant], true},
	}
	for _, it := range items {
		p.SetDrawColor(it.col.r, it.col.g, it.col.b)
		p.SetLineWidth(0.6)
		if it.dashed {
			p.SetDashPattern([]float64{1.6, 1.2}, 0)
		}
		p.Line(x, y+2.7, x+7, y+2.7)
		p.SetDashPattern(nil, 0)
		p.SetXY(x+8.5, y)
		label := d.t(it.label)
		p.CellFormat(p.GetStringWidth(label)+2, 5.5, label, "", 0, "L", false, 0, "")
		x += 8.5 + p.GetStringWidth(label) + 7
	}
	p.SetXY(margin, y+8)
	d.normal(10)
}
