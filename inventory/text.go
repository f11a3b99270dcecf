package inventory

import "strings"

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
