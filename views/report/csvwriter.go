package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
)

// CSVWriter is the one CSV writer of mfaboard: the readiness CSV, the
// audit and split exports on the web and `mfaboard assess --format csv`
// all write through it, so every cell is defused the same way (csvCell):
// names, UPNs and reasons come from the tenant or from people, and a
// spreadsheet would run "=HYPERLINK(...)" as a formula.
type CSVWriter struct {
	buf *bufio.Writer
	cw  *csv.Writer
	rec []string
}

// NewCSVWriter writes buffered CSV to w; call Flush to send it.
func NewCSVWriter(w io.Writer) *CSVWriter {
	buf := bufio.NewWriterSize(w, 64<<10)
	return &CSVWriter{buf: buf, cw: csv.NewWriter(buf)}
}

// Write writes one record, each cell defused.
func (w *CSVWriter) Write(cells ...string) error {
	w.rec = w.rec[:0]
	for _, c := range cells {
		w.rec = append(w.rec, csvCell(c))
	}
	if err := w.cw.Write(w.rec); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}

// Flush sends what is buffered to the underlying writer.
func (w *CSVWriter) Flush() error {
	w.cw.Flush()
	if err := w.cw.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	if err := w.buf.Flush(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}
