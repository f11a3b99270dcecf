package inventory

import "testing"

func TestPrintable(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Anna de Vries":           "Anna de Vries",
		"\x1b[2J\x1b[31mred":      "?[2J?[31mred",
		"tab\there\r\nnext\x00":   "tab?here??next?",
		"ümlaut \u0085 c1 \u009b": "ümlaut ? c1 ?",
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}
