package export

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Field is one member of a JSON object, its value exactly as written.
type Field struct {
	Key   string
	Value json.RawMessage
}

// ObjectFields reads a JSON object's members in order, keeping each value's
// bytes as written, so that the object can be written again (EncodeFields)
// with a member added, dropped or replaced and nothing else touched: the
// live client completes a group's cut member list this way, and the
// emulator takes members and ids out of the objects it serves.
func ObjectFields(raw []byte) ([]Field, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("found %v where an object should start", tok)
	}
	var out []Field
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, Field{Key: key, Value: v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return out, nil
}

// EncodeFields writes fields as a JSON object, values as they are.
func EncodeFields(fields []Field) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.Key)
		b.Write(k)
		b.WriteByte(':')
		b.Write(f.Value)
	}
	b.WriteByte('}')
	return b.Bytes()
}
