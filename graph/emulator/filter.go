package emulator

import (
	"fmt"
	"strings"
	"time"
)

// term is one clause of a $filter the emulator understands. Clauses are
// joined by "and"; anything else is refused with a 400, as Graph refuses a
// filter a resource does not support, rather than served unfiltered.
type term struct {
	kind   string // "startswith", "compare" or "any"
	prop   string // property (path) as written
	op     string // for compare: eq, ne, ge, le, gt, lt (lower case)
	value  string // for startswith and compare: the literal, unquoted
	quoted bool   // the compare literal was a string
	values []string
}

// parseFilter reads a $filter: terms joined by "and" at the top level.
// Each term is startswith(prop,'text'), prop op literal, or
// prop/any(x: x eq 'a' or x eq 'b').
func parseFilter(f string) ([]term, error) {
	parts, err := splitAnd(f)
	if err != nil {
		return nil, err
	}
	terms := make([]term, 0, len(parts))
	for _, p := range parts {
		t, err := parseTerm(strings.TrimSpace(p))
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	return terms, nil
}

// splitAnd splits at " and " outside quotes and parentheses.
func splitAnd(f string) ([]string, error) {
	var parts []string
	depth, start := 0, 0
	inQuote := false
	lower := strings.ToLower(f)
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch {
		case c == '\'':
			if inQuote && i+1 < len(f) && f[i+1] == '\'' {
				i++ // an escaped quote
				continue
			}
			inQuote = !inQuote
		case inQuote:
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth < 0 {
				return nil, fmt.Errorf("unbalanced parentheses")
			}
		case depth == 0 && isSpace(c) && strings.HasPrefix(lower[i+1:], "and") && i+4 < len(f) && isSpace(f[i+4]):
			parts = append(parts, f[start:i])
			i += 4
			start = i + 1
		}
	}
	if inQuote || depth != 0 {
		return nil, fmt.Errorf("unterminated string or parenthesis")
	}
	parts = append(parts, f[start:])
	for _, p := range parts {
		if strings.TrimSpace(p) == "" {
			return nil, fmt.Errorf("empty clause")
		}
	}
	return parts, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

func parseTerm(s string) (term, error) {
	if rest, ok := cutPrefixFold(s, "startswith("); ok {
		if !strings.HasSuffix(rest, ")") {
			return term{}, fmt.Errorf("startswith is not closed")
		}
		prop, lit, ok := strings.Cut(rest[:len(rest)-1], ",")
		if !ok {
			return term{}, fmt.Errorf("startswith takes a property and a string")
		}
		v, err := unquote(strings.TrimSpace(lit))
		if err != nil {
			return term{}, err
		}
		return term{kind: "startswith", prop: strings.TrimSpace(prop), value: v}, nil
	}
	if i := strings.Index(s, "/any("); i > 0 && strings.HasSuffix(s, ")") {
		prop, body := s[:i], s[i+len("/any("):len(s)-1]
		v, cond, ok := strings.Cut(body, ":")
		if !ok {
			return term{}, fmt.Errorf("any() needs a lambda variable")
		}
		v = strings.TrimSpace(v)
		t := term{kind: "any", prop: prop}
		for _, alt := range splitOr(cond) {
			f := strings.Fields(alt)
			if len(f) < 3 || f[0] != v || !strings.EqualFold(f[1], "eq") {
				return term{}, fmt.Errorf("any() supports only %s eq '...' alternatives", v)
			}
			lit, err := unquote(strings.Join(f[2:], " "))
			if err != nil {
				return term{}, err
			}
			t.values = append(t.values, lit)
		}
		return t, nil
	}
	f := strings.Fields(s)
	if len(f) != 3 {
		return term{}, fmt.Errorf("%q is not a clause the emulator knows", s)
	}
	t := term{kind: "compare", prop: f[0], op: strings.ToLower(f[1]), value: f[2]}
	switch t.op {
	case "eq", "ne", "ge", "le", "gt", "lt":
	default:
		return term{}, fmt.Errorf("unknown operator %q", f[1])
	}
	if strings.HasPrefix(t.value, "'") {
		v, err := unquote(t.value)
		if err != nil {
			return term{}, err
		}
		t.value, t.quoted = v, true
	}
	return t, nil
}

func splitOr(s string) []string {
	var out []string
	lower := strings.ToLower(s)
	start := 0
	for {
		i := strings.Index(lower[start:], " or ")
		if i < 0 {
			return append(out, s[start:])
		}
		out = append(out, s[start:start+i])
		start += i + len(" or ")
	}
}

// unquote reads an OData string literal: 'text', with ” for a quote.
func unquote(lit string) (string, error) {
	if len(lit) < 2 || lit[0] != '\'' || lit[len(lit)-1] != '\'' {
		return "", fmt.Errorf("%s is not a string literal", lit)
	}
	inner := lit[1 : len(lit)-1]
	if strings.Count(strings.ReplaceAll(inner, "''", ""), "'") != 0 {
		return "", fmt.Errorf("%s has an unescaped quote", lit)
	}
	return strings.ReplaceAll(inner, "''", "'"), nil
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// userFilter is what /users honours: startswith(userPrincipalName,'...'),
// one clause (Graph supports more; a sync needs only this).
func userFilter(f string) (prefix string, err error) {
	terms, err := parseFilter(f)
	if err != nil {
		return "", err
	}
	if len(terms) != 1 || terms[0].kind != "startswith" || !strings.EqualFold(terms[0].prop, "userPrincipalName") {
		return "", fmt.Errorf("the emulator filters users only by startswith(userPrincipalName,'...')")
	}
	return terms[0].value, nil
}

// signInFilter is what /auditLogs/signIns honours, as Graph documents it:
// createdDateTime with eq, ge and le, and signInEventTypes/any(...).
type signInFilter struct {
	from, to   time.Time // zero: open
	eq         time.Time
	eventTypes []string // nil: interactive only, Graph's default
}

func parseSignInFilter(f string) (signInFilter, error) {
	var sf signInFilter
	if strings.TrimSpace(f) == "" {
		return sf, nil
	}
	terms, err := parseFilter(f)
	if err != nil {
		return sf, err
	}
	for _, t := range terms {
		switch {
		case t.kind == "any" && t.prop == "signInEventTypes":
			sf.eventTypes = append(sf.eventTypes, t.values...)
		case t.kind == "compare" && t.prop == "createdDateTime" && !t.quoted:
			at, err := time.Parse(time.RFC3339Nano, t.value)
			if err != nil {
				return sf, fmt.Errorf("%s is not a date and time", t.value)
			}
			switch t.op {
			case "ge":
				sf.from = at
			case "le":
				sf.to = at
			case "eq":
				sf.eq = at
			default:
				return sf, fmt.Errorf("createdDateTime supports eq, ge and le, not %s", t.op)
			}
		default:
			return sf, fmt.Errorf("the emulator does not filter sign-ins by %s", t.prop)
		}
	}
	return sf, nil
}
