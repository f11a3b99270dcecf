package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// fieldError is what is wrong with one item: the field path inside the item
// (e.g. "signInActivity.lastSignInDateTime") and a sentence.
type fieldError struct {
	Field   string
	Message string
}

func (e *fieldError) Error() string { return e.Field + ": " + e.Message }

// badField builds a fieldError.
func badField(field, format string, args ...any) *fieldError {
	return &fieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// joinPath joins a path prefix and a field name with a dot, leaving out an
// empty side.
func joinPath(prefix, field string) string {
	switch {
	case prefix == "":
		return field
	case field == "":
		return prefix
	}
	return prefix + "." + field
}

// decodeObject decodes one JSON object into a private wire struct and turns
// encoding/json's errors into a field path and a sentence. path is where raw
// sits inside the item ("" for the item itself).
func decodeObject(raw []byte, into any, path string) *fieldError {
	if !isObject(raw) {
		return badField(path, "must be an object, found %s", jsonKind(raw))
	}
	return jsonProblem(path, json.Unmarshal(raw, into))
}

// jsonProblem turns encoding/json's error into a field path and a sentence;
// nil stays nil.
func jsonProblem(path string, err error) *fieldError {
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return badField(joinPath(path, typeErr.Field), "must be %s, found %s",
			goKindInJSON(typeErr.Type), describeJSONValue(typeErr.Value))
	}
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		return badField(path, "is not valid JSON at byte %d (%v)", syntaxErr.Offset, err)
	}
	return badField(path, "cannot be read (%v)", err)
}

// isObject reports whether raw starts, after white space, with '{'.
func isObject(raw []byte) bool {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	return len(raw) > 0 && raw[0] == '{'
}

// jsonKind names the kind of a raw JSON value for a sentence.
func jsonKind(raw []byte) string {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return "empty"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// describeJSONValue turns UnmarshalTypeError.Value ("number", "bool",
// "number -5") into words.
func describeJSONValue(v string) string {
	kind, rest, _ := strings.Cut(v, " ")
	switch kind {
	case "bool":
		kind = "a boolean"
	case "number", "string":
		kind = "a " + kind
	case "array", "object":
		kind = "an " + kind
	}
	if rest != "" {
		return kind + " (" + rest + ")"
	}
	return kind
}

// goKindInJSON names what JSON a Go type expects.
func goKindInJSON(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

// isEmptyJSON reports whether a condition value sets nothing: null, "",
// [], {}, or an object whose members (other than @odata annotations) are
// all empty. Graph writes unset conditions every one of these ways.
func isEmptyJSON(raw []byte) bool {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return true
	}
	switch raw[0] {
	case 'n':
		return true
	case '"':
		return string(raw) == `""`
	case '[':
		var items []json.RawMessage
		return json.Unmarshal(raw, &items) == nil && len(items) == 0
	case '{':
		var members map[string]json.RawMessage
		if json.Unmarshal(raw, &members) != nil {
			return false
		}
		for k, v := range members {
			if isAnnotation(k) {
				continue
			}
			if !isEmptyJSON(v) {
				return false
			}
		}
		return true
	}
	return false
}

// isAnnotation reports whether a JSON key is an OData annotation
// ("@odata.type", "authenticationStrength@odata.context").
func isAnnotation(key string) bool { return strings.Contains(key, "@") }

// graphTime is a Graph date-time. null, "" and 0001-01-01T00:00:00Z all mean
// "empty" and decode to the zero time. A value that is not a date is kept in
// bad rather than failing the whole json.Unmarshal, so the caller can name
// the field in its warning.
type graphTime struct {
	t   time.Time
	bad string
}

// UnmarshalJSON implements json.Unmarshaler.
func (g *graphTime) UnmarshalJSON(b []byte) error {
	g.t, g.bad = time.Time{}, ""
	if string(b) == "null" {
		return nil
	}
	var s string
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' && bytes.IndexByte(b, '\\') < 0 {
		s = string(b[1 : len(b)-1])
	} else if err := json.Unmarshal(b, &s); err != nil {
		g.bad = string(b)
		return nil
	}
	t, ok := parseGraphTime(s)
	if !ok {
		g.bad = s
		return nil
	}
	g.t = t
	return nil
}

// check returns a fieldError naming path when the value was not a date.
func (g graphTime) check(path string) *fieldError {
	if g.bad == "" {
		return nil
	}
	bad := g.bad
	if len(bad) > 60 {
		bad = bad[:60] + "…"
	}
	return badField(path, "must be a date-time such as 2026-11-02T08:15:00Z, found %q", printable(bad))
}

// parseGraphTime reads the date-times Graph writes (RFC 3339 with up to seven
// fractional digits, sometimes without a zone, which Graph means as UTC) and
// returns them in UTC; empty values give the zero time.
func parseGraphTime(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t, err = time.ParseInLocation("2006-01-02T15:04:05.999999999", s, time.UTC)
		if err != nil {
			return time.Time{}, false
		}
	}
	t = t.UTC()
	if t.Year() <= 1 {
		// 0001-01-01T00:00:00Z is how Graph says "never".
		return time.Time{}, true
	}
	return t, true
}

// formatGraphTime writes a time as Graph does; the zero time is null.
func formatGraphTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339Nano)
}
