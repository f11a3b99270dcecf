package report

import (
	"fmt"
	"io"

	"github.com/mfaboard/mfaboard/inventory"
)

// csvFlushEvery is how many rows go out at a time: a download starts at
// once and memory stays flat however long the list.
const csvFlushEvery = 1000

// WriteCSV streams the account list as CSV, a header then one row per
// account, in the columns of the XLSX's Accounts sheet; dates are written
// 2006-01-02 and empty when unset. Names and UPNs come from the tenant, so a
// cell that a spreadsheet would take for a formula is defused (csvCell).
func WriteCSV(w io.Writer, accounts func(yield func(inventory.AccountLine) error) error) error {
	cw := NewCSVWriter(w)
	header := make([]string, len(accountColumns))
	for i, c := range accountColumns {
		header[i] = c.title
	}
	if err := cw.Write(header...); err != nil {
		return err
	}
	record := make([]string, len(accountColumns))
	rows := 0
	err := accounts(func(a inventory.AccountLine) error {
		text := accountText(a)
		copy(record, text[:])
		for i, t := range accountDates(a) {
			record[len(text)+i] = ""
			if !t.IsZero() {
				record[len(text)+i] = t.Format("2006-01-02")
			}
		}
		if err := cw.Write(record...); err != nil {
			return fmt.Errorf("row for %s: %w", a.UserPrincipalName, err)
		}
		if rows++; rows%csvFlushEvery == 0 {
			return cw.Flush()
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("stream accounts to CSV: %w", err)
	}
	return cw.Flush()
}

// csvCell defuses formula injection: a spreadsheet runs a cell that starts
// with = + - or @ (and, in some, a tab or a carriage return) as a formula,
// and a display name like "=HYPERLINK(...)" is the tenant's to choose. A
// leading apostrophe makes the spreadsheet show the text as written.
func csvCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
