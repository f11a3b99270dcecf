// Package reporttest reads the readiness report's files back for tests: the
// PDF's words, compared without the spaces between them, since text
// extraction joins and splits lines as the layout falls.
package reporttest

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"unicode"

	"github.com/ledongthuc/pdf"
)

// PDFText is the text of a PDF with every white space removed, and its
// number of pages. A file that does not open fails the test.
func PDFText(tb testing.TB, doc []byte) (text string, pages int) {
	tb.Helper()
	r, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		tb.Fatalf("the PDF does not open: %v", err)
	}
	plain, err := r.GetPlainText()
	if err != nil {
		tb.Fatalf("no text in the PDF: %v", err)
	}
	b, err := io.ReadAll(plain)
	if err != nil {
		tb.Fatalf("read the PDF's text: %v", err)
	}
	return Squeeze(string(b)), r.NumPage()
}

// Squeeze removes every white space from s, to compare it with PDFText.
func Squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
