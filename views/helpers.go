package views

import (
	"fmt"
	"strings"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views/readiness"
)

// StaticVersion is appended to asset URLs so browsers refetch after a
// release; set by the web package at start.
var StaticVersion = "dev"

// StaticURL is the URL of an embedded asset.
func StaticURL(path string) string { return "/static/" + path + "?v=" + StaticVersion }

// Ago says how long ago t was, in the words people use on a board.
func Ago(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := time.Since(t)
	switch {
	case d < 0:
		return "just now"
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d.Minutes()), "minute") + " ago"
	case d < 48*time.Hour:
		return plural(int(d.Hours()), "hour") + " ago"
	default:
		return plural(int(d.Hours()/24), "day") + " ago"
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// Date formats a day, or an em dash when empty.
func Date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2 Jan 2006")
}

// DateTime formats a moment in UTC, or an em dash when empty.
func DateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2 Jan 2006 15:04 UTC")
}

func kindLabel(kind string) string {
	switch kind {
	case "mixed":
		return "mixed CSP + production tenant"
	case "csp":
		return "CSP tenant"
	case "production":
		return "production tenant"
	}
	return kind
}

// Itoa formats a count with thousands separators.
func Itoa(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// toneOf maps a compliance value to the badge colour class.
func toneOf(compliance string) string {
	return string(readiness.ToneOf(inventory.Compliance(compliance)))
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func joinComma(s []string) string { return strings.Join(s, ", ") }

func orDash(s string) string {
	if s == "" || s == "0" {
		return "—"
	}
	return s
}

// textPart is a run of a reason: names the rules set off with *…* are
// emphasised.
type textPart struct {
	Text     string
	Emphasis bool
}

// emphasised splits "excluded through group *Contractors EU*" into runs.
func emphasised(s string) []textPart {
	parts := strings.Split(s, "*")
	if len(parts)%2 == 0 { // unbalanced: show as written
		return []textPart{{Text: s}}
	}
	out := make([]textPart, 0, len(parts))
	for i, p := range parts {
		if p != "" {
			out = append(out, textPart{Text: p, Emphasis: i%2 == 1})
		}
	}
	return out
}
