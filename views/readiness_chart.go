package views

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mfaboard/mfaboard/views/readiness"
)

// The burn-down chart of the readiness page, drawn as SVG on the server:
// the readiness.Chart's abstract units scaled into the viewBox below, ready
// to write into attributes.

// The chart's viewBox and plot area, in SVG units.
const (
	chartWidth, chartHeight = 720.0, 280.0
	plotLeft, plotRight     = 56.0, 704.0
	plotTop, plotBottom     = 36.0, 244.0
	// labelCharWidth is the width of a marker label's character, near enough.
	labelCharWidth = 6.2
)

// TrendChart is the burn-down in SVG units.
type TrendChart struct {
	Title, Desc   string
	Width, Height string // of the viewBox
	// The plot area's edges.
	Left, Right, Top, Bottom string
	YTicks, XTicks           []ChartTick
	// Open and NonCompliant are polyline points ("x,y x,y ...").
	Open, NonCompliant string
	Dots               []ChartDot
	Projection         *ChartLine // nil when none can be drawn
	Markers            []ChartMarker
}

// ChartTick is a grid line or an axis label at a coordinate.
type ChartTick struct{ At, Label string }

// ChartDot is one day's point.
type ChartDot struct{ X, Y, Title string }

// ChartLine is a straight line.
type ChartLine struct{ X1, Y1, X2, Y2 string }

// ChartMarker is a labelled vertical line at a day.
type ChartMarker struct {
	Kind   string // "deadline" or "projected"
	X      string
	LabelX string
	LabelY string
	Anchor string // the label's text-anchor: start or end
	Label  string
}

// TrendSVG scales the report's chart into the page's viewBox; the title and
// the description say in words what it shows.
func TrendSVG(m readiness.Report) TrendChart {
	c := m.Chart
	sc := TrendChart{Width: num(chartWidth), Height: num(chartHeight),
		Left: num(plotLeft), Right: num(plotRight), Top: num(plotTop), Bottom: num(plotBottom)}
	if len(c.Days) == 0 {
		return sc
	}
	first, last := c.Days[0], c.Days[len(c.Days)-1]
	sc.Title = fmt.Sprintf("Accounts still open, %s to %s", Date(first.Day), Date(last.Day))
	sc.Desc = fmt.Sprintf("Open accounts (non-compliant and at risk): %s on %s, %s on %s.",
		Itoa(first.Open()), Date(first.Day), Itoa(last.Open()), Date(last.Day))
	if m.When != "" {
		sc.Desc += " " + m.When
	}
	if d := m.Readiness.Deadline; !d.IsZero() {
		sc.Desc += " The enforcement deadline is " + Date(d) + "."
	}
	for _, t := range c.YTicks {
		sc.YTicks = append(sc.YTicks, ChartTick{At: num(svgY(t.At)), Label: Itoa(t.Value)})
	}
	for _, t := range c.XTicks {
		sc.XTicks = append(sc.XTicks, ChartTick{At: num(svgX(t.At)), Label: t.Label})
	}
	open := make([]string, len(c.Days))
	nc := make([]string, len(c.Days))
	for i, d := range c.Days {
		x := num(svgX(d.X))
		open[i] = x + "," + num(svgY(d.OpenY))
		nc[i] = x + "," + num(svgY(d.NonCompliantY))
		if c.Dotted {
			sc.Dots = append(sc.Dots, ChartDot{X: x, Y: num(svgY(d.OpenY)),
				Title: fmt.Sprintf("%s: %s open", Date(d.Day), Itoa(d.Open()))})
		}
	}
	sc.Open, sc.NonCompliant = strings.Join(open, " "), strings.Join(nc, " ")
	if p := c.Projection; p != nil {
		sc.Projection = &ChartLine{X1: num(svgX(p.From.X)), Y1: num(svgY(p.From.Y)), X2: num(svgX(p.To.X)), Y2: num(svgY(p.To.Y))}
	}
	for _, mk := range c.Markers {
		x := svgX(mk.X)
		cm := ChartMarker{Kind: mk.Kind, X: num(x), LabelX: num(x + 4), LabelY: num(plotTop - 22 + 13*float64(mk.Row)),
			Anchor: "start", Label: mk.Label}
		if x+4+labelCharWidth*float64(len(mk.Label)) > plotRight { // keep the label inside the plot
			cm.LabelX, cm.Anchor = num(x-4), "end"
		}
		sc.Markers = append(sc.Markers, cm)
	}
	return sc
}

func svgX(at float64) float64 { return plotLeft + (plotRight-plotLeft)*at }

func svgY(at float64) float64 { return plotBottom - (plotBottom-plotTop)*at }

// num writes a coordinate with one decimal, as SVG reads it.
func num(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
