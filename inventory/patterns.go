package inventory

import (
	"strings"
	"unicode"
)

// MatchesPattern reports whether pattern appears as whole words in text
// (DOMAIN.md §1). Both are split on '.', '-', '_', '@', '#', white space and
// digits and compared without regard to case; a pattern of several words
// matches those words in a row. "svc-backup" matches "svc"; "capital.apps"
// does not match "api". An empty pattern matches nothing.
func MatchesPattern(text, pattern string) bool {
	p := words(pattern)
	if len(p) == 0 {
		return false
	}
	return containsRun(words(text), p)
}

// words splits text into the lower-case words patterns are compared with.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), isWordSeparator)
}

func isWordSeparator(r rune) bool {
	switch r {
	case '.', '-', '_', '@', '#':
		return true
	}
	return unicode.IsSpace(r) || unicode.IsDigit(r)
}

// containsRun reports whether run appears in ws as consecutive words.
func containsRun(ws, run []string) bool {
	for i := 0; i+len(run) <= len(ws); i++ {
		if hasRunAt(ws, i, run) {
			return true
		}
	}
	return false
}

func hasRunAt(ws []string, i int, run []string) bool {
	if i+len(run) > len(ws) {
		return false
	}
	for j, w := range run {
		if ws[i+j] != w {
			return false
		}
	}
	return true
}

// upnLocalPart is the part of a UPN before the last '@'. Patterns are
// matched against it, not the domain: a partner whose domain is
// "it-service.com" must not see every account classified as a service
// account because "service" is a service pattern.
func upnLocalPart(upn string) string {
	if i := strings.LastIndexByte(upn, '@'); i >= 0 {
		return upn[:i]
	}
	return upn
}

// patternSet is a list of configured patterns compiled once per run, indexed
// by first word so that matching an account costs one map look-up per word
// of its name instead of one scan per pattern.
type patternSet struct {
	patterns []compiledPattern // in the order of the settings
	byFirst  map[string][]int
}

type compiledPattern struct {
	text  string
	words []string
}

func compilePatterns(ps []string) patternSet {
	set := patternSet{byFirst: make(map[string][]int)}
	for _, p := range ps {
		ws := words(p)
		if len(ws) == 0 {
			continue // an empty or all-separator pattern would match nothing
		}
		i := len(set.patterns)
		set.patterns = append(set.patterns, compiledPattern{text: p, words: ws})
		set.byFirst[ws[0]] = append(set.byFirst[ws[0]], i)
	}
	return set
}

// first returns the earliest pattern of the settings that matches ws.
func (s patternSet) first(ws []string) (string, bool) {
	best := -1
	for i, w := range ws {
		for _, pi := range s.byFirst[w] {
			if (best < 0 || pi < best) && hasRunAt(ws, i, s.patterns[pi].words) {
				best = pi
			}
		}
	}
	if best < 0 {
		return "", false
	}
	return s.patterns[best].text, true
}

// nameWords are the words of an account's display name and UPN local part,
// split once per account and shared by every pattern rule.
type nameWords struct {
	display []string
	upn     []string
}

func wordsOf(u *User) nameWords {
	return nameWords{display: words(u.DisplayName), upn: words(upnLocalPart(u.UserPrincipalName))}
}

// match tries the display name first, then the UPN, and says which matched
// in the words of a reason: `name matches service pattern "svc"`.
func (s patternSet) match(nw nameWords, what string) (string, bool) {
	if p, ok := s.first(nw.display); ok {
		return "name matches " + what + " pattern " + quote(p), true
	}
	if p, ok := s.first(nw.upn); ok {
		return "UPN matches " + what + " pattern " + quote(p), true
	}
	return "", false
}

func quote(s string) string { return `"` + s + `"` }
