package export

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/mfaboard/mfaboard/inventory"
)

// maxTextLength bounds every text the decoder keeps. Graph's own limits are
// far lower (a displayName is at most 256 characters, a UPN 113), so a
// longer value was not written by Graph; kept, a 200 MB display name would
// make every page that lists the account hundreds of megabytes.
const maxTextLength = 4096

// checkText refuses what PostgreSQL would refuse later without a sentence
// (a NUL character) and what Graph never writes (text beyond maxTextLength).
func checkText(path, s string) *fieldError {
	if strings.IndexByte(s, 0) >= 0 {
		return badField(path, `holds a NUL character (\u0000), which is not text`)
	}
	if len(s) > maxTextLength {
		return badField(path, "is %d bytes long; Graph never writes text longer than %d bytes", len(s), maxTextLength)
	}
	return nil
}

// decodeItem reads one item of a collection into its wire struct (a
// pointer), then refuses it when a field tagged `required:"why"` is empty,
// the sentence saying why the field matters, or when a text is not one
// Graph writes (checkTexts). The required fields are checked first: an item
// that cannot be tied to anything is refused for that, whatever else is
// wrong with it. Each collection's own rules follow in its add method.
func decodeItem(raw []byte, into any) *fieldError {
	if err := decodeObject(raw, into, ""); err != nil {
		return err
	}
	v := reflect.ValueOf(into).Elem()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if why, ok := f.Tag.Lookup("required"); ok && v.Field(i).String() == "" {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			return badField(name, "is missing: %s", why)
		}
	}
	return checkTexts(into)
}

// decoded reads an item the rules depend on into its wire struct
// (decodeItem) and hands it to add, the collection's own rules; an item
// either cannot trust refuses the source.
func decoded[W any](raw []byte, add func(W) *fieldError) *fieldError {
	var w W
	if err := decodeItem(raw, &w); err != nil {
		return err
	}
	return add(w)
}

// checkTexts applies checkText to every string a decoded wire struct holds
// (strings, lists of strings, nested structs and lists of them), naming
// each by its JSON path. Raw members are left to their own readers.
func checkTexts(v any) *fieldError {
	return checkValue(reflect.ValueOf(v), "")
}

var rawMessageType = reflect.TypeOf(json.RawMessage(nil))

func checkValue(v reflect.Value, path string) *fieldError {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return checkValue(v.Elem(), path)
	case reflect.String:
		return checkText(path, v.String())
	case reflect.Slice:
		if v.Type() == rawMessageType {
			return nil
		}
		for i := 0; i < v.Len(); i++ {
			if err := checkValue(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" || !f.IsExported() {
				continue
			}
			if err := checkValue(v.Field(i), joinPath(path, name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// refuse turns what is wrong with the item being decoded into the sentence
// a person reads: the file, the item (its number, where it sits, and its id
// when it has one) and the field. A refused item refuses the whole source:
// skipping it could hide an exclusion or a single-factor sign-in and make a
// verdict better than its data.
func (d *Decoder) refuse(e *fieldError) error {
	file := fileOf(d.curCollection)
	what := e.Message
	if e.Field != "" {
		what = e.Field + " " + what
	}
	// The sentence is printed and recorded on the run: no control
	// character from the file may reach either.
	what = printable(what)
	if d.curCollection == inventory.CollSecurityDefaults {
		return inventory.Errorf(inventory.EINVALID, "%s: %s", file, what)
	}
	return inventory.Errorf(inventory.EINVALID, "%s: %s: %s", file, d.itemLabel(), what)
}

// itemLabel names the item being decoded: "item 4 (value[3], id a000…)".
func (d *Decoder) itemLabel() string {
	label := fmt.Sprintf("item %d (value[%d]", d.curIndex+1, d.curIndex)
	if id := itemID(d.curItem); id != "" {
		label += ", id " + id
	}
	return label + ")"
}

// itemID is an item's id for a sentence: printable, and short enough to
// read, whatever the file holds.
func itemID(raw json.RawMessage) string {
	var head struct {
		ID any `json:"id"`
	}
	if json.Unmarshal(raw, &head) != nil {
		return ""
	}
	id, ok := head.ID.(string)
	if !ok || id == "" {
		return ""
	}
	const keep = 40
	if utf8.RuneCountInString(id) > keep {
		id = string([]rune(id)[:keep]) + "…"
	}
	return printable(id)
}

// printable is inventory.Printable: no control character from a file may
// reach a terminal or a log through a sentence.
func printable(s string) string { return inventory.Printable(s) }
