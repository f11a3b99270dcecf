package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// fieldReader reads one member of an object; path is where it sits.
type fieldReader func(raw json.RawMessage, path string) *fieldError

// readObject reads the members of the object at path with the readers of
// known, in key order so the first problem reported is always the same.
// Every other member that sets something (not null, "", [] or {}) is
// appended to other as namePrefix+key: Conditional Access grows new
// conditions over the years, and one we do not read may narrow a policy.
// null or an absent object reads nothing.
func readObject(raw json.RawMessage, path, namePrefix string, known map[string]fieldReader, other *[]string) *fieldError {
	members, err := membersOf(raw, path)
	if err != nil {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(members)) {
		v := members[k]
		if read, ok := known[k]; ok {
			if err := read(v, joinPath(path, k)); err != nil {
				return err
			}
			continue
		}
		if !isAnnotation(k) && !isEmptyJSON(v) && other != nil {
			// The name is kept and shown, so it is text like any other.
			if err := checkText(joinPath(path, printable(k)), k); err != nil {
				return err
			}
			*other = append(*other, namePrefix+k)
		}
	}
	return nil
}

// membersOf splits a JSON object into its members; null or nothing gives
// nil.
func membersOf(raw json.RawMessage, path string) (map[string]json.RawMessage, *fieldError) {
	if isNull(raw) {
		return nil, nil
	}
	if !isObject(raw) {
		return nil, badField(path, "must be an object, found %s", jsonKind(raw))
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, badField(path, "is not valid JSON (%v)", err)
	}
	return m, nil
}

// isNull reports whether raw is null or nothing at all.
func isNull(raw []byte) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || string(raw) == "null"
}

// stringList reads a JSON array of strings; null and [] give nil.
func stringList(raw json.RawMessage, path string) ([]string, *fieldError) {
	if isNull(raw) {
		return nil, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
			return nil, badField(path, "must be a list of strings; an entry is not a string")
		}
		return nil, badField(path, "must be a list of strings, found %s", jsonKind(raw))
	}
	for i, s := range list {
		if err := checkText(fmt.Sprintf("%s[%d]", path, i), s); err != nil {
			return nil, err
		}
	}
	return nonEmpty(list), nil
}

// stringValue reads a JSON string; null gives "".
func stringValue(raw json.RawMessage, path string) (string, *fieldError) {
	if isNull(raw) {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", badField(path, "must be a string, found %s", jsonKind(raw))
	}
	if err := checkText(path, s); err != nil {
		return "", err
	}
	return s, nil
}

// intoList is a fieldReader that stores a list of strings.
func intoList(dst *[]string) fieldReader {
	return func(raw json.RawMessage, path string) *fieldError {
		list, err := stringList(raw, path)
		*dst = list
		return err
	}
}

// intoString is a fieldReader that stores a string.
func intoString(dst *string) fieldReader {
	return func(raw json.RawMessage, path string) *fieldError {
		s, err := stringValue(raw, path)
		*dst = s
		return err
	}
}

// flagList reads a Graph flags enum, written as one comma-separated string
// ("internalGuest,b2bCollaborationGuest"); a list of strings is accepted too.
func flagList(raw json.RawMessage, path string) ([]string, *fieldError) {
	var written []string
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
		list, err := stringList(raw, path)
		if err != nil {
			return nil, err
		}
		written = list
	} else {
		s, err := stringValue(raw, path)
		if err != nil {
			return nil, err
		}
		written = strings.Split(s, ",")
	}
	var flags []string
	for _, f := range written {
		if f = strings.TrimSpace(f); f != "" {
			flags = append(flags, f)
		}
	}
	return flags, nil
}
