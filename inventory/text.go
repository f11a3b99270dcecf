package inventory

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The limits of the free text a person types. The store checks them with
// CleanText before it writes, and the forms' maxlength attributes say the
// same numbers.
const (
	// MaxCommentLength is the most characters a comment, a justification,
	// compensating controls or a decision's note may have.
	MaxCommentLength = 4000
	// MaxReasonLength is the most characters the reason given with a move
	// (one card's or a bulk edit's) or an override may have: a line saying
	// why, typed in a one-line field.
	MaxReasonLength = 500
)

// CleanText returns free text a person typed, trimmed, or the EINVALID
// error a person reads: what names the text in the sentence ("The
// reason"), limit is the most characters it may have. Empty text is clean;
// a caller that requires text says so itself.
func CleanText(what, text string, limit int) (string, error) {
	text = strings.TrimSpace(text)
	if problem := textProblem(what, text, limit); problem != "" {
		return "", Errorf(EINVALID, "%s", problem)
	}
	return text, nil
}

// textProblem checks free text a person typed. NUL bytes and invalid UTF-8
// are refused here because PostgreSQL would refuse them later with an
// internal error instead of a sentence.
func textProblem(what, text string, limit int) string {
	if !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
		return what + " contains characters that are not text."
	}
	if n := utf8.RuneCountInString(text); n > limit {
		return fmt.Sprintf("%s can be at most %d characters; this one has %d.", what, limit, n)
	}
	return ""
}

// Printable replaces control characters (C0, DEL and C1, terminal escape
// sequences among them) with '?', so text from a tenant or a file cannot
// rewrite the terminal or the log that shows it.
func Printable(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return '?'
		}
		return r
	}, s)
}

func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0)
}
