package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// collectionStream walks one collection file with json.Decoder tokens down
// to its "value" array and hands each element to the sink as it is read.
type collectionStream struct {
	name       string // file name, for sentences
	collection string
	sink       Sink
	base       int64
	dec        *json.Decoder
	notes      []string
}

func (s *collectionStream) read() error {
	if err := s.expectDelim('{', `an object with a "value" array`); err != nil {
		return err
	}
	if err := s.sink.Begin(s.collection); err != nil {
		return sinkErr(s.name, err)
	}
	sawValue := false
	var skip json.RawMessage // reused: skipped members are not kept
	for s.dec.More() {
		tok, err := s.dec.Token()
		if err != nil {
			return s.syntax(err)
		}
		key, _ := tok.(string)
		switch {
		case key == "value":
			if sawValue {
				return s.structure(`has two "value" arrays`)
			}
			sawValue = true
			if err := s.readValue(); err != nil {
				return err
			}
			continue
		case strings.HasSuffix(key, "@odata.nextLink"):
			s.notes = append(s.notes, `has an "@odata.nextLink": it holds only the first page of the collection; join all pages into one "value" array`)
		}
		if err := s.dec.Decode(&skip); err != nil {
			return s.syntax(err)
		}
	}
	if _, err := s.dec.Token(); err != nil { // the closing '}'
		return s.syntax(err)
	}
	if tok, err := s.dec.Token(); err != io.EOF {
		if err != nil {
			return s.syntax(err)
		}
		return s.structureAt(s.tokenStart(tok, s.offset()), "has more after the collection object ends")
	}
	if !sawValue {
		return s.structure(`has no "value" array: a collection file is {"value": [ ... ]}, as Graph returns it`)
	}
	return nil
}

// readValue streams the elements of the "value" array.
func (s *collectionStream) readValue() error {
	if err := s.expectDelim('[', `"value" to be an array`); err != nil {
		return err
	}
	for s.dec.More() {
		// A fresh message per item: a sink may keep it.
		var item json.RawMessage
		if err := s.dec.Decode(&item); err != nil {
			return s.syntax(err)
		}
		if err := s.sink.Add(s.collection, item); err != nil {
			return sinkErr(s.name, err)
		}
	}
	if _, err := s.dec.Token(); err != nil { // the closing ']'
		return s.syntax(err)
	}
	return nil
}

// expectDelim reads the next token and requires it to open an object or
// array.
func (s *collectionStream) expectDelim(want json.Delim, what string) error {
	before := s.offset()
	tok, err := s.dec.Token()
	if err == io.EOF {
		return s.structure("is empty, expected " + what)
	}
	if err != nil {
		return s.syntax(err)
	}
	if d, ok := tok.(json.Delim); ok && d == want {
		return nil
	}
	return s.structureAt(s.tokenStart(tok, before), fmt.Sprintf("found %s, expected %s", describeToken(tok), what))
}

// tokenStart is where a token just read began: exact for a delimiter (one
// byte), else the offset before it was read.
func (s *collectionStream) tokenStart(tok json.Token, before int64) int64 {
	if _, ok := tok.(json.Delim); ok {
		return s.offset() - 1
	}
	return before
}

func (s *collectionStream) offset() int64 { return s.base + s.dec.InputOffset() }

func (s *collectionStream) syntax(err error) error {
	return syntaxError(s.name, err, s.offset(), s.base)
}

func (s *collectionStream) structure(what string) error {
	return s.structureAt(s.offset(), what)
}

func (s *collectionStream) structureAt(at int64, what string) error {
	return fileErr(s.name, fmt.Sprintf("not a Graph collection at byte %d: %s", at, what))
}

// describeToken names a JSON token for a sentence.
func describeToken(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			return "an object"
		case '[':
			return "an array"
		}
		return fmt.Sprintf("%q", string(v))
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%v", tok)
}

// syntaxError turns a JSON syntax error into a sentence with the offset:
// the error's own when it has one, else at.
func syntaxError(name string, err error, at, base int64) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		at = base + se.Offset
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fileErr(name, fmt.Sprintf("not valid JSON at byte %d (the file ends in the middle of a value: was it cut short?)", at))
	}
	return fileErr(name, fmt.Sprintf("not valid JSON at byte %d (%v)", at, err))
}
