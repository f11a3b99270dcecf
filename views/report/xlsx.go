package report

import (
	"fmt"
	"io"
	"os"

	"github.com/xuri/excelize/v2"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views/readiness"
)

// The workbook's sheets.
const (
	summarySheet  = "Summary"
	accountsSheet = "Accounts"
)

// WriteXLSX writes the readiness workbook: a Summary sheet (the verdict,
// counts and shares, by category, by path, the policy gaps, the exceptions
// and overdue work) and an Accounts sheet with one row per account and every
// field, under a frozen header with filters on. The accounts are streamed
// into the sheet (excelize's StreamWriter spills to a temporary file), so
// 100,000 of them are never held in memory; the finished file is, once,
// compressed, while it is written to w.
func WriteXLSX(w io.Writer, r inventory.Readiness, accounts func(yield func(inventory.AccountLine) error) error) (err error) {
	f := excelize.NewFile(excelize.Options{TmpDir: os.TempDir()})
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("remove the XLSX's temporary files: %w", cerr)
		}
	}()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", summarySheet); err != nil {
		return fmt.Errorf("name the summary sheet: %w", err)
	}
	if err := writeSummary(f, st, readiness.New(r)); err != nil {
		return fmt.Errorf("write the summary sheet: %w", err)
	}
	if _, err := f.NewSheet(accountsSheet); err != nil {
		return fmt.Errorf("add the accounts sheet: %w", err)
	}
	if err := writeAccounts(f, st, accounts); err != nil {
		return fmt.Errorf("write the accounts sheet: %w", err)
	}
	f.SetActiveSheet(0)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	return nil
}

// styles are the workbook's cell styles, by id.
type styles struct {
	title, heading, header, date, percent, wrap int
}

func newStyles(f *excelize.File) (styles, error) {
	dateFmt, percentFmt := "yyyy-mm-dd", "0.0%"
	var st styles
	for _, d := range []struct {
		id    *int
		style excelize.Style
	}{
		{&st.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&st.heading, excelize.Style{Font: &excelize.Font{Bold: true, Size: 12, Color: "1F2D5A"}}},
		{&st.header, excelize.Style{Font: &excelize.Font{Bold: true},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E2E7F0"}}}},
		{&st.date, excelize.Style{CustomNumFmt: &dateFmt}},
		{&st.percent, excelize.Style{CustomNumFmt: &percentFmt}},
		{&st.wrap, excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
	} {
		id, err := f.NewStyle(&d.style)
		if err != nil {
			return st, fmt.Errorf("define an XLSX style: %w", err)
		}
		*d.id = id
	}
	return st, nil
}

// writeAccounts streams one row per account under a frozen, filtered header.
func writeAccounts(f *excelize.File, st styles, accounts func(yield func(inventory.AccountLine) error) error) error {
	sw, err := f.NewStreamWriter(accountsSheet)
	if err != nil {
		return fmt.Errorf("open stream: %w", err)
	}
	for i, c := range accountColumns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return fmt.Errorf("set column width: %w", err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return fmt.Errorf("freeze header: %w", err)
	}
	row := make([]any, len(accountColumns))
	for i, c := range accountColumns {
		row[i] = excelize.Cell{StyleID: st.header, Value: c.title}
	}
	if err := sw.SetRow("A1", row); err != nil {
		return fmt.Errorf("write header: %w", err)
	}
	n := 1
	err = accounts(func(a inventory.AccountLine) error {
		text := accountText(a)
		for i, s := range text {
			row[i] = s
			if s == "" {
				row[i] = nil // an empty cell, which a filter shows as (Blanks)
			}
		}
		for i, t := range accountDates(a) {
			row[len(text)+i] = nil // an empty cell, not a 1900 date
			if !t.IsZero() {
				row[len(text)+i] = excelize.Cell{StyleID: st.date, Value: t}
			}
		}
		n++
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return fmt.Errorf("row %d: %w", n, err)
		}
		if err := sw.SetRow(cell, row); err != nil {
			return fmt.Errorf("write row for %s: %w", a.UserPrincipalName, err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("stream accounts: %w", err)
	}
	last, err := excelize.CoordinatesToCellName(len(accountColumns), n)
	if err != nil {
		return fmt.Errorf("filter range: %w", err)
	}
	// The filter covers the rows written; it goes into the sheet before the
	// stream closes it.
	if err := f.AutoFilter(accountsSheet, "A1:"+last, nil); err != nil {
		return fmt.Errorf("turn filters on: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("close stream: %w", err)
	}
	return nil
}
