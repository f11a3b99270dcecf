package report

import (
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/mfaboard/mfaboard/views/readiness"
)

// styled is a cell value with its style.
type styled struct {
	value any
	style int
}

// sheetWriter writes the summary sheet a row at a time and keeps the first
// error, so the layout reads as a list of rows.
type sheetWriter struct {
	f   *excelize.File
	st  styles
	row int
	err error
}

// put writes one row from column A; a styled value carries its style, a nil
// leaves the cell empty.
func (s *sheetWriter) put(values ...any) {
	for i, v := range values {
		if s.err != nil {
			return
		}
		style := 0
		if sv, ok := v.(styled); ok {
			v, style = sv.value, sv.style
		}
		if v == nil {
			continue
		}
		cell, err := excelize.CoordinatesToCellName(i+1, s.row)
		if err != nil {
			s.err = err
			return
		}
		if s.err = s.f.SetCellValue(summarySheet, cell, v); s.err == nil && style != 0 {
			s.err = s.f.SetCellStyle(summarySheet, cell, cell, style)
		}
	}
	s.row++
}

// header writes a row of column titles.
func (s *sheetWriter) header(titles ...string) {
	values := make([]any, len(titles))
	for i, t := range titles {
		values[i] = styled{t, s.st.header}
	}
	s.put(values...)
}

// heading starts a section after a blank row.
func (s *sheetWriter) heading(title string) {
	s.row++
	s.put(styled{title, s.st.heading})
}

// date is a day as a real date cell, or words when there is none.
func (s *sheetWriter) date(d time.Time, none string) any {
	if d.IsZero() {
		return none
	}
	return styled{d, s.st.date}
}

func writeSummary(f *excelize.File, st styles, m readiness.Report) error {
	r := m.Readiness
	s := &sheetWriter{f: f, st: st, row: 1}
	s.put(styled{m.Headline, st.title})
	s.row++
	s.put("Tenant", r.Tenant.DisplayName)
	s.put("Tenant ID", r.Tenant.TenantID)
	s.put("Kind", r.Tenant.Kind.Label())
	s.put("Generated", s.date(r.GeneratedAt, ""))
	s.put("Assessed", s.date(r.Tenant.AsOf, ""))
	s.put("Enforcement deadline", s.date(r.Deadline, "none set"))
	var projected any = "none"
	if r.Projection.OK {
		projected = s.date(r.Projection.Date, "none")
	}
	s.put("Projected completion", projected)
	s.put("Projection", m.When)

	s.heading("Figures (shares of applicable accounts: enabled, guests included)")
	for i, t := range m.Figures {
		if i > 0 {
			s.heading(t.Title)
		}
		s.figures(t)
	}

	s.heading("Policy gaps that cause most failures")
	s.header("Accounts", "Gap", "Policy")
	for _, g := range m.Gaps {
		s.put(g.Accounts, g.Description, g.Policy)
	}
	s.heading("Exception register")
	s.header("User principal name", "Display name", "Status", "Expiry", "Justification", "Compensating controls", "Decided by")
	for _, e := range m.Exceptions {
		s.put(e.UserPrincipalName, e.DisplayName, e.Status, s.date(e.ExceptionLine.Expiry, e.Expiry),
			styled{e.Justification, st.wrap}, styled{e.CompensatingControls, st.wrap}, e.DecidedBy)
	}
	s.heading("Overdue work by assignee")
	s.header("Assignee", "Overdue", "Open work")
	for _, o := range m.Overdue {
		s.put(o.Assignee, o.Overdue, o.Open)
	}
	if len(r.Tenant.Unchecked) > 0 {
		s.heading("Not checked in this assessment")
		for _, u := range r.Tenant.Unchecked {
			s.put(u)
		}
	}
	if s.err != nil {
		return s.err
	}
	if err := f.SetColWidth(summarySheet, "A", "A", 34); err != nil {
		return fmt.Errorf("set column width: %w", err)
	}
	if err := f.SetColWidth(summarySheet, "B", "K", 16); err != nil {
		return fmt.Errorf("set column width: %w", err)
	}
	return nil
}

// figures writes a figure table: per verdict, the count and its share.
func (s *sheetWriter) figures(t readiness.FigureTable) {
	titles := []string{t.First, "Applicable"}
	for _, c := range readiness.Verdicts {
		titles = append(titles, c.Label(), c.Label()+" %")
	}
	s.header(append(titles, "Disabled")...)
	for _, row := range t.Rows {
		values := []any{row.Label, row.Applicable}
		for _, c := range row.Cells {
			var share any
			if c.Percent != "" {
				share = styled{c.Share / 100, s.st.percent}
			}
			values = append(values, c.Count, share)
		}
		s.put(append(values, row.Disabled)...)
	}
}
