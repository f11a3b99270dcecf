package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mfaboard/mfaboard/inventory"
)

// maxSingleObject bounds securityDefaults.json, the one file read whole.
const maxSingleObject = 1 << 20

// ReadFolder streams the export folder dir into sink: for every collection
// file present, in the order of inventory.Collections, Begin and then one
// Add per element of its "value" array. Files are never loaded whole, so a
// tenant of 100,000 users streams in constant memory.
//
// Only users.json is required. A file that is not a Graph collection (not
// JSON, no "value" array, or only the first page of one):
//   - strict (sync --from, which must not store half a tenant): an error
//     naming the file, what is wrong and where;
//   - not strict (assess --from): a warning naming the file, which is left
//     out entirely (each file is checked before any of it reaches the sink,
//     so a half-read file never passes for a whole one), and the rest is
//     read. A broken users.json is an error either way: there is nothing to
//     assess without it.
//
// The warnings returned are the folder's own; the sink's (a Decoder's) are
// its own business. Errors from the sink are returned wrapped with the file
// name.
func ReadFolder(dir string, sink Sink, strict bool) ([]inventory.Warning, error) {
	info, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("export folder %s does not exist", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("export folder %s cannot be read: %w", dir, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("%s is a file, not a folder: an export folder holds one JSON file per collection (see GRAPH-EXPORT.md)", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, fileOf(inventory.CollUsers))); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("users.json is missing in %s: an export folder needs at least users.json (see GRAPH-EXPORT.md)", dir)
	}

	var warnings []inventory.Warning
	for _, c := range inventory.Collections {
		path := filepath.Join(dir, fileOf(c))
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if !strict && c != inventory.CollUsers {
			if _, err := readCollectionFile(path, c, nil); err != nil {
				warnings = append(warnings, inventory.Warning{
					Source:  fileOf(c),
					Message: fmt.Sprintf("%s; the file is left out, as if it were missing", sentenceAfterFile(err)),
				})
				continue
			}
		}
		notes, err := readCollectionFile(path, c, sink)
		if err != nil {
			return warnings, err
		}
		for _, n := range notes {
			if strict {
				return warnings, fmt.Errorf("%s: %s", fileOf(c), n)
			}
			warnings = append(warnings, inventory.Warning{Source: fileOf(c), Message: n})
		}
	}
	return warnings, nil
}

// ReadSnapshot decodes the export folder dir into a Snapshot, the folder's
// warnings included. strict is as for ReadFolder.
func ReadSnapshot(dir string, strict bool) (*inventory.Snapshot, error) {
	d := NewDecoder()
	warnings, err := ReadFolder(dir, d, strict)
	if err != nil {
		return nil, err
	}
	for _, w := range warnings {
		d.Warn(w)
	}
	return d.Snapshot(), nil
}

// fileError is something wrong with a file's content, as a sentence that
// starts with the file name.
type fileError struct {
	file string
	msg  string
}

func (e *fileError) Error() string { return e.file + ": " + e.msg }

// sentenceAfterFile is the message of a fileError without the file name
// (a warning names the file in its Source already).
func sentenceAfterFile(err error) string {
	var fe *fileError
	if errors.As(err, &fe) {
		return fe.msg
	}
	return err.Error()
}

// readCollectionFile streams one file into sink; a nil sink only checks it.
// notes are problems that do not make the file unreadable (a nextLink left
// in it: only one page was saved).
func readCollectionFile(path, collection string, sink Sink) (notes []string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", filepath.Base(path), err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	name := filepath.Base(path)
	skipped, err := skipByteOrderMark(r, name)
	if err != nil {
		return nil, err
	}
	if collection == inventory.CollSecurityDefaults {
		return nil, readSingleObject(r, name, collection, sink, skipped)
	}
	s := &collectionStream{name: name, collection: collection, sink: sink, base: skipped, dec: json.NewDecoder(r)}
	err = s.read()
	return s.notes, err
}

// skipByteOrderMark skips the UTF-8 byte order mark Windows tools write, and
// refuses UTF-16 (Windows PowerShell 5.1's Out-File default) with the fix.
func skipByteOrderMark(r *bufio.Reader, name string) (int64, error) {
	head, _ := r.Peek(3)
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		_, err := r.Discard(3)
		return 3, err
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return 0, &fileError{name, "is UTF-16 text, not JSON in UTF-8: save it again as UTF-8 (in PowerShell: Out-File -Encoding utf8)"}
	}
	return 0, nil
}

// readSingleObject reads securityDefaults.json: the policy object itself,
// or a collection response holding it ({"value":[obj]}).
func readSingleObject(r io.Reader, name, collection string, sink Sink, base int64) error {
	data, err := io.ReadAll(io.LimitReader(r, maxSingleObject+1))
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > maxSingleObject {
		return &fileError{name, fmt.Sprintf("is larger than %d bytes, too large for a single policy object", maxSingleObject)}
	}
	var probe any
	if err := json.Unmarshal(data, &probe); err != nil {
		return syntaxError(name, err, base, base)
	}
	members, ok := probe.(map[string]any)
	if !ok {
		return &fileError{name, fmt.Sprintf("is %s, expected the policy object (or {\"value\":[policy]})", jsonKind(data))}
	}
	items := []json.RawMessage{data}
	if _, wrapped := members["value"]; wrapped {
		var coll struct {
			Value []json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(data, &coll); err != nil {
			return &fileError{name, `has a "value" member that is not an array`}
		}
		items = coll.Value
		if len(items) > 1 {
			return &fileError{name, fmt.Sprintf(`holds %d policies in "value"; a tenant has one security defaults policy`, len(items))}
		}
	}
	if sink == nil {
		return nil
	}
	if err := sink.Begin(collection); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	for _, it := range items {
		if err := sink.Add(collection, it); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}
