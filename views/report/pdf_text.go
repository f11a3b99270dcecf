package report

import (
	"strings"
	"unicode"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// fpdf's core fonts speak Windows-1252, and names come from the tenant in any
// script. fold turns a string into one Windows-1252 can carry: what it has
// stays ("Müller", "—", "…"), a letter with a mark it lacks loses the mark
// ("Łukasz" → "Lukasz", "Dvořák" → "Dvorak"), a few look-alikes are spelled
// out, and anything else becomes "?" rather than breaking the page or
// vanishing without a trace. Control characters become spaces.
func fold(s string) string {
	if isPrintableASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case unicode.IsControl(r):
			b.WriteByte(' ')
		case encodable(r):
			b.WriteRune(r)
		default:
			b.WriteString(foldRune(r))
		}
	}
	return b.String()
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\n') || c >= 0x7f {
			return false
		}
	}
	return true
}

// encodable reports whether Windows-1252 has r.
func encodable(r rune) bool {
	_, ok := charmap.Windows1252.EncodeRune(r)
	return ok
}

// lookAlikes are letters with no decomposition and punctuation Windows-1252
// lacks.
var lookAlikes = map[rune]string{
	'Ł': "L", 'ł': "l", 'Đ': "D", 'đ': "d", 'Ħ': "H", 'ħ': "h", 'ı': "i", 'Ŀ': "L", 'ŀ': "l",
	'Ŧ': "T", 'ŧ': "t", 'Ə': "E", 'ə': "e", 'ĸ': "k", 'ſ': "s",
	'\u2212': "-", '\u2010': "-", '\u2011': "-", '\u2012': "-", '\u2015': "-",
	'\u2032': "'", '\u2033': "\"", '\u2264': "<=", '\u2265': ">=", '\u2192': "->", '\u2190': "<-",
	'\u00a0': " ", '\u2007': " ", '\u2009': " ", '\u202f': " ", '\u200b': "",
	'\u2713': "v", '\u2714': "v", '\u2717': "x", '\u2718': "x",
}

func foldRune(r rune) string {
	if s, ok := lookAlikes[r]; ok {
		return s
	}
	var base strings.Builder
	for _, d := range norm.NFD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue // the mark Windows-1252 cannot show
		}
		if !encodable(d) {
			return "?"
		}
		base.WriteRune(d)
	}
	if base.Len() == 0 {
		return "?"
	}
	return base.String()
}
