package report

import (
	"fmt"
	"strings"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views/readiness"
)

// rgb is a colour of the verdicts, the same in every chart.
type rgb struct{ r, g, b int }

var verdictColours = map[inventory.Compliance]rgb{
	inventory.NonCompliant: {196, 43, 43},
	inventory.AtRisk:       {232, 148, 28},
	inventory.Excepted:     {118, 104, 186},
	inventory.Compliant:    {42, 145, 78},
}

// cover is the top of the first page: whose tenant, the verdict, when it
// will be ready, and what the assessment could not check.
func (d *doc) cover(m readiness.Report) {
	r := m.Readiness
	p := d.pdf
	p.SetFont(font, "", 10)
	p.SetTextColor(90, 90, 90)
	p.CellFormat(0, 5, d.t("MFA readiness report"), "", 1, "L", false, 0, "")
	p.SetFont(font, "B", 20)
	p.SetTextColor(20, 45, 90)
	p.MultiCell(0, 9, d.t(m.Name), "", "L", false)
	facts := []string{}
	if r.Tenant.Kind != "" {
		facts = append(facts, r.Tenant.Kind.Label()+" tenant")
	}
	if !r.GeneratedAt.IsZero() {
		facts = append(facts, "generated "+readiness.Day(r.GeneratedAt))
	}
	if !r.Tenant.AsOf.IsZero() {
		facts = append(facts, "assessed "+readiness.Day(r.Tenant.AsOf))
	}
	if r.Deadline.IsZero() {
		facts = append(facts, "no enforcement deadline set")
	} else {
		facts = append(facts, "enforcement deadline "+readiness.Day(r.Deadline))
	}
	d.para(strings.Join(facts, " \u00b7 "), 10)
	p.Ln(2)

	// The verdict, on a band of its colour, words first: it must read in
	// black and white too.
	band := verdictColours[inventory.NonCompliant]
	if m.Ready() {
		band = verdictColours[inventory.Compliant]
	}
	p.SetFillColor(band.r, band.g, band.b)
	p.SetTextColor(255, 255, 255)
	p.SetFont(font, "B", 14)
	p.MultiCell(0, 8, d.t(m.Headline), "", "L", true)
	p.Ln(3)
	d.normal(10)
	p.SetFont(font, "B", 10)
	p.CellFormat(0, 5, d.t("When the tenant will be ready"), "", 1, "L", false, 0, "")
	d.para(m.When, 10)
	if len(r.Tenant.Unchecked) > 0 {
		d.note("Not checked in this assessment: " + strings.Join(r.Tenant.Unchecked, "; ") + ".")
	}
}

// figures are the shares: the privileged accounts and all accounts, as
// tables and bars, then by category and by path.
func (d *doc) figures(m readiness.Report) {
	d.heading("Where the tenant stands", 40)
	d.para("Shares are of the applicable accounts: every enabled account, guests included. "+
		"Disabled accounts are listed but not counted. Excepted accounts have an approved technical exception: "+
		"they are shown apart, not as compliant.", 9)
	overall := m.Figures[0]
	d.figureTable(overall)
	for _, row := range overall.Rows {
		d.shareBar(row)
	}
	d.legend()
	for _, t := range m.Figures[1:] {
		if len(t.Rows) > 0 {
			d.heading(t.Title, 35)
			d.figureTable(t)
		}
	}
}

// figureTable writes a table of counts with their shares: "12 (3.4%)".
func (d *doc) figureTable(t readiness.FigureTable) {
	cols := []column{{t.First, 40, "L"}, {"Applicable", 20, "R"}}
	for _, c := range readiness.Verdicts {
		cols = append(cols, column{c.Label(), 26, "R"})
	}
	cols = append(cols, column{"Disabled", 16, "R"})
	cells := make([][]string, len(t.Rows))
	for i, row := range t.Rows {
		cells[i] = []string{row.Label, fmt.Sprint(row.Applicable)}
		for _, c := range row.Cells {
			cell := fmt.Sprint(c.Count)
			if c.Percent != "" {
				cell += " (" + c.Percent + ")"
			}
			cells[i] = append(cells[i], cell)
		}
		cells[i] = append(cells[i], fmt.Sprint(row.Disabled))
	}
	d.table(cols, cells)
}

// shareBar draws a row's shares as one bar of the verdict colours, with the
// percentage written in every segment wide enough to hold it.
func (d *doc) shareBar(row readiness.FigureRow) {
	const labelW, barH = 40.0, 7.0
	d.ensure(barH + 3)
	p := d.pdf
	x, y := margin, p.GetY()
	d.normal(8.5)
	p.SetXY(x, y)
	p.CellFormat(labelW, barH, d.t(row.Label), "", 0, "L", false, 0, "")
	barW := d.width - labelW
	if row.Applicable == 0 {
		p.SetDrawColor(160, 160, 160)
		p.Rect(x+labelW, y, barW, barH, "D")
		p.CellFormat(barW, barH, d.t("no applicable account"), "", 0, "C", false, 0, "")
		p.SetXY(margin, y+barH+2)
		return
	}
	at := x + labelW
	for _, c := range row.Cells {
		w := barW * c.Share / 100
		if w <= 0 {
			continue
		}
		col := verdictColours[c.Verdict]
		p.SetFillColor(col.r, col.g, col.b)
		p.Rect(at, y, w, barH, "F")
		if p.GetStringWidth(c.Percent)+2 < w {
			p.SetTextColor(255, 255, 255)
			p.SetXY(at, y)
			p.CellFormat(w, barH, c.Percent, "", 0, "C", false, 0, "")
		}
		at += w
	}
	p.SetXY(margin, y+barH+2)
	d.normal(10)
}

// legend names the verdict colours.
func (d *doc) legend() {
	p := d.pdf
	d.normal(8)
	x, y := margin+40, p.GetY()
	for _, c := range readiness.Verdicts {
		col := verdictColours[c]
		p.SetFillColor(col.r, col.g, col.b)
		p.Rect(x, y+1, 3.5, 3.5, "F")
		label := d.t(c.Label())
		p.SetXY(x+4.5, y)
		p.CellFormat(p.GetStringWidth(label)+2, 5.5, label, "", 0, "L", false, 0, "")
		x += 4.5 + p.GetStringWidth(label) + 8
	}
	p.SetXY(margin, y+8)
	d.normal(10)
}
