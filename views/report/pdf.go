package report

import (
	"fmt"
	"io"

	"github.com/go-pdf/fpdf"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views/readiness"
)

// WritePDF writes the readiness report for management: the verdict on the
// cover, the figures (all accounts and privileged ones apart, by category,
// by path), the burn-down with the projected completion and the deadline,
// the policy gaps, overdue work, the exception register and the privileged
// accounts still open. A few pages, not a list of every account: that is
// the XLSX's job.
func WritePDF(w io.Writer, r inventory.Readiness) error {
	m := readiness.New(r)
	d := newDoc(r)
	d.cover(m)
	d.figures(m)
	d.burnDown(m)
	d.gaps(m)
	d.overdue(m)
	d.exceptions(m)
	d.privilegedOpen(m)
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("lay out readiness PDF: %w", err)
	}
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("write readiness PDF: %w", err)
	}
	return nil
}

// The page: A4 portrait in millimetres.
const (
	margin       = 15.0
	bottomMargin = 18.0
	font         = "Helvetica"
)

// doc is the PDF being written, with the translation of text into the core
// fonts' Windows-1252.
type doc struct {
	pdf    *fpdf.Fpdf
	tr     func(string) string
	width  float64 // between the margins
	bottom float64 // the lowest y content may reach
}

func newDoc(r inventory.Readiness) *doc {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, bottomMargin)
	pdf.SetTitle("MFA readiness report: "+r.Tenant.DisplayName, true)
	pdf.SetCreator("mfaboard", false)
	if !r.GeneratedAt.IsZero() {
		// The moment of the figures, so the same readiness gives the same file.
		pdf.SetCreationDate(r.GeneratedAt)
		pdf.SetModificationDate(r.GeneratedAt)
	}
	pdf.AliasNbPages("{nb}")
	pageW, pageH := pdf.GetPageSize()
	d := &doc{pdf: pdf, width: pageW - 2*margin, bottom: pageH - bottomMargin}
	d.tr = pdf.UnicodeTranslatorFromDescriptor("") // cp1252
	footer := "MFA readiness report"
	for _, part := range []string{r.Tenant.DisplayName, readiness.Day(r.GeneratedAt)} {
		if part != "" {
			footer += " \u00b7 " + part
		}
	}
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont(font, "", 8)
		pdf.SetTextColor(110, 110, 110)
		pdf.CellFormat(d.width*0.75, 5, d.t(footer), "", 0, "L", false, 0, "")
		pdf.CellFormat(d.width*0.25, 5, fmt.Sprintf("Page %d of {nb}", pdf.PageNo()), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()
	return d
}

// t is s as the core fonts can show it.
func (d *doc) t(s string) string { return d.tr(fold(s)) }

func (d *doc) normal(size float64) {
	d.pdf.SetFont(font, "", size)
	d.pdf.SetTextColor(30, 30, 30)
}

// ensure starts a new page unless h millimetres still fit on this one.
func (d *doc) ensure(h float64) {
	if d.pdf.GetY()+h > d.bottom {
		d.pdf.AddPage()
	}
}

// heading starts a section, on a new page unless the heading and need
// millimetres of what follows it fit on this one: a heading never stands
// alone at the foot of a page.
func (d *doc) heading(s string, need float64) {
	d.ensure(15 + need)
	d.pdf.Ln(5)
	d.pdf.SetFont(font, "B", 13)
	d.pdf.SetTextColor(20, 45, 90)
	d.pdf.SetDrawColor(20, 45, 90)
	d.pdf.SetLineWidth(0.3)
	d.pdf.CellFormat(0, 8, d.t(s), "B", 1, "L", false, 0, "")
	d.pdf.Ln(2)
	d.normal(10)
}

// para writes a paragraph that wraps.
func (d *doc) para(s string, size float64) {
	d.normal(size)
	d.pdf.MultiCell(0, size*0.5, d.t(s), "", "L", false)
	d.pdf.Ln(1)
}

// note writes a small grey line: what a table leaves out, and why.
func (d *doc) note(s string) {
	d.pdf.SetFont(font, "I", 8.5)
	d.pdf.SetTextColor(90, 90, 90)
	d.pdf.MultiCell(0, 4.2, d.t(s), "", "L", false)
	d.normal(10)
}

// column is one column of a table: its title, width in millimetres and
// alignment ("L", "C" or "R").
type column struct {
	title string
	width float64
	align string
}

// maxCellLines keeps one long justification from filling a page.
const maxCellLines = 8

// table writes rows under a header that repeats on every page; a cell wraps
// inside its column, and a row never splits across pages.
func (d *doc) table(cols []column, rows [][]string) {
	const lineH, pad = 4.4, 0.9
	header := func() {
		d.pdf.SetFont(font, "B", 8.5)
		d.pdf.SetFillColor(226, 231, 240)
		d.pdf.SetTextColor(20, 45, 90)
		for _, c := range cols {
			d.pdf.CellFormat(c.width, 6.5, d.t(c.title), "", 0, c.align, true, 0, "")
		}
		d.pdf.Ln(6.5)
		d.pdf.SetFont(font, "", 8.5)
		d.pdf.SetTextColor(30, 30, 30)
	}
	d.pdf.SetFont(font, "", 8.5) // the rows' font, to measure the first
	if len(rows) > 0 {
		first := 1
		for j, c := range cols {
			if j < len(rows[0]) {
				first = max(first, len(d.lines(rows[0][j], c.width)))
			}
		}
		d.ensure(6.5 + float64(first)*lineH + 2*pad)
	}
	header()
	cells := make([][][]byte, len(cols))
	for i, row := range rows {
		n := 1
		for j, c := range cols {
			text := ""
			if j < len(row) {
				text = row[j]
			}
			cells[j] = d.lines(text, c.width)
			n = max(n, len(cells[j]))
		}
		h := float64(n)*lineH + 2*pad
		if d.pdf.GetY()+h > d.bottom {
			d.pdf.AddPage()
			header()
		}
		x, y := margin, d.pdf.GetY()
		if i%2 == 1 {
			d.pdf.SetFillColor(245, 247, 250)
			d.pdf.Rect(x, y, d.width, h, "F")
		}
		for j, c := range cols {
			for k, line := range cells[j] {
				d.pdf.SetXY(x, y+pad+float64(k)*lineH)
				d.pdf.CellFormat(c.width, lineH, string(line), "", 0, c.align, false, 0, "")
			}
			x += c.width
		}
		d.pdf.SetXY(margin, y+h)
	}
	d.pdf.Ln(2)
}

// lines wraps text to a column, at most maxCellLines of them.
func (d *doc) lines(text string, width float64) [][]byte {
	lines := d.pdf.SplitLines([]byte(d.t(text)), width)
	if len(lines) == 0 {
		return [][]byte{nil}
	}
	if len(lines) > maxCellLines {
		lines = lines[:maxCellLines]
		last := lines[maxCellLines-1]
		last = last[:max(0, len(last)-3):max(0, len(last)-3)] // room for the ellipsis
		lines[maxCellLines-1] = append(last, d.t("\u2026")...)
	}
	return lines
}
