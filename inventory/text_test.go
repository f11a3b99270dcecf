package inventory

import (
	"strings"
	"testing"
)

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

func TestCleanText(t *testing.T) {
	tests := []struct {
		name, in string
		limit    int
		want     string // the clean text, or the sentence of the refusal
		ok       bool
	}{
		{"trimmed", "  waiting for the vendor \n", 30, "waiting for the vendor", true},
		{"empty is clean", " \t", 30, "", true},
		{"at the limit, counted in characters", " " + strings.Repeat("é", 5) + " ", 5, strings.Repeat("é", 5), true},
		{"over the limit", "abcdef", 5, "The reason can be at most 5 characters; this one has 6.", false},
		{"NUL byte", "a\x00b", 30, "The reason contains characters that are not text.", false},
		{"invalid UTF-8", "a\xffb", 30, "The reason contains characters that are not text.", false},
	}
	for _, tt := range tests {
		got, err := CleanText("The reason", tt.in, tt.limit)
		switch {
		case tt.ok && (err != nil || got != tt.want):
			t.Errorf("%s: CleanText = %q, %v; want %q", tt.name, got, err, tt.want)
		case !tt.ok && (ErrorCode(err) != EINVALID || ErrorMessage(err) != tt.want || got != ""):
			t.Errorf("%s: CleanText = %q, %v; want EINVALID %q", tt.name, got, err, tt.want)
		}
	}
}
