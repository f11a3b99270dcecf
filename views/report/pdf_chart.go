package report

import (
	"fmt"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views/readiness"
)

// burnDown draws the open accounts over time as vector lines, with the
// projected completion (dashed) and the enforcement deadline (a vertical
// line), each labelled in words so the chart reads in black and white. The
// layout is the report's chart; this scales it into millimetres.
func (d *doc) burnDown(m readiness.Report) {
	d.heading("Burn-down: accounts still open", 100)
	ch := m.Chart
	if len(ch.Days) == 0 {
		d.para("No trend yet: the counts are stored at every sync and at least daily, and the chart appears from the second day.", 10)
		return
	}
	const chartH, axisW, axisH = 78.0, 14.0, 9.0
	d.ensure(chartH + 12)
	p := d.pdf
	top := p.GetY() + 4
	c := plot{left: margin + axisW, top: top, width: d.width - axisW - 2, height: chartH - axisH - 4}

	d.axes(c, ch)
	// Open accounts (non-compliant and at risk), and the non-compliant among
	// them, so the chart shows what kind of work is left.
	d.series(c, ch, func(day readiness.ChartDay) float64 { return day.OpenY }, rgb{20, 45, 90}, 0.7)
	d.series(c, ch, func(day readiness.ChartDay) float64 { return day.NonCompliantY },
		verdictColours[inventory.NonCompliant], 0.4)
	if l := ch.Projection; l != nil {
		col := verdictColours[inventory.Compliant]
		p.SetDrawColor(col.r, col.g, col.b)
		p.SetLineWidth(0.5)
		p.SetDashPattern([]float64{1.6, 1.2}, 0)
		p.Line(c.x(l.From.X), c.y(l.From.Y), c.x(l.To.X), c.y(l.To.Y))
		p.SetDashPattern(nil, 0)
	}
	for _, mk := range ch.Markers {
		col := verdictColours[inventory.NonCompliant]
		if mk.Kind == "projected" {
			col = verdictColours[inventory.Compliant]
		}
		d.marker(c, mk, col)
	}
	p.SetDashPattern(nil, 0)
	p.SetXY(margin, top+chartH)
	d.chartLegend()
	d.para(m.When, 9)
}

// plot is where the chart's abstract units land on the page.
type plot struct{ left, top, width, height float64 }

func (c plot) x(at float64) float64 { return c.left + c.width*at }

func (c plot) y(at float64) float64 { return c.top + c.height - c.height*at }

func (d *doc) axes(c plot, ch readiness.Chart) {
	p := d.pdf
	p.SetFont(font, "", 7)
	p.SetTextColor(80, 80, 80)
	p.SetLineWidth(0.15)
	for _, t := range ch.YTicks {
		y := c.y(t.At)
		p.SetDrawColor(220, 220, 220)
		p.Line(c.left, y, c.left+c.width, y)
		label := fmt.Sprint(t.Value)
		p.Text(c.left-1.5-p.GetStringWidth(label), y+1.2, label)
	}
	p.SetDrawColor(60, 60, 60)
	p.SetLineWidth(0.3)
	p.Line(c.left, c.top, c.left, c.top+c.height)
	p.Line(c.left, c.top+c.height, c.left+c.width, c.top+c.height)
	for _, t := range ch.XTicks {
		x := c.x(t.At)
		p.Line(x, c.top+c.height, x, c.top+c.height+1.2)
		p.Text(x-p.GetStringWidth(t.Label)/2, c.top+c.height+4.5, t.Label)
	}
}

// series draws one count over the days, with a dot on each day when there
// are few enough to see.
func (d *doc) series(c plot, ch readiness.Chart, y func(readiness.ChartDay) float64, col rgb, width float64) {
	p := d.pdf
	p.SetDrawColor(col.r, col.g, col.b)
	p.SetFillColor(col.r, col.g, col.b)
	p.SetLineWidth(width)
	for i, day := range ch.Days {
		px, py := c.x(day.X), c.y(y(day))
		if i > 0 {
			prev := ch.Days[i-1]
			p.Line(c.x(prev.X), c.y(y(prev)), px, py)
		}
		if ch.Dotted {
			p.Circle(px, py, width, "F")
		}
	}
}

// marker is a labelled vertical line at a day; the label's row staggers
// the labels of markers close together.
func (d *doc) marker(c plot, mk readiness.Marker, col rgb) {
	p := d.pdf
	x := c.x(mk.X)
	p.SetDrawColor(col.r, col.g, col.b)
	p.SetLineWidth(0.4)
	p.SetDashPattern([]float64{0.8, 0.8}, 0)
	p.Line(x, c.top, x, c.top+c.height)
	p.SetDashPattern(nil, 0)
	p.SetFont(font, "B", 7)
	p.SetTextColor(col.r, col.g, col.b)
	text := d.t(mk.Label)
	w := p.GetStringWidth(text)
	lx := x + 1
	if lx+w > c.left+c.width {
		lx = x - 1 - w // keep the label inside the chart
	}
	p.Text(lx, c.top+3+float64(mk.Row-1)*3.5, text)
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
