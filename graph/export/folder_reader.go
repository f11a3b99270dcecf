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
// JSON, empty, null, cut short, trailing garbage, nested too deep, no
// "value" array, or only the first page of one) is an EINVALID
// inventory.Error naming the file, what is wrong and where; so is an item
// the sink refuses. Leaving a broken file out instead would read as
// "nothing of that kind": no exclusion groups, no sign-in evidence, and
// verdicts better than the data. The caller stores nothing then.
//
// The warnings returned are the folder's own; the sink's (a Decoder's) are
// its own business.
func ReadFolder(dir string, sink Sink) ([]inventory.Warning, error) {
	info, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, inventory.Errorf(inventory.EINVALID, "export folder %s does not exist", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("export folder %s cannot be read: %w", dir, err)
	}
	if !info.IsDir() {
		return nil, inventory.Errorf(inventory.EINVALID, "%s is a file, not a folder: an export folder holds one JSON file per collection (see GRAPH-EXPORT.md)", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, fileOf(inventory.CollUsers))); errors.Is(err, fs.ErrNotExist) {
		return nil, inventory.Errorf(inventory.EINVALID, "users.json is missing in %s: an export folder needs at least users.json (see GRAPH-EXPORT.md)", dir)
	}
	for _, c := range inventory.Collections {
		path := filepath.Join(dir, fileOf(c))
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		notes, err := readCollectionFile(path, c, sink)
		if err != nil {
			return nil, err
		}
		for _, n := range notes {
			return nil, fileErr(fileOf(c), n)
		}
	}
	return nil, nil
}

// ReadSnapshot decodes the export folder dir into a Snapshot, the folder's
// warnings included.
func ReadSnapshot(dir string) (*inventory.Snapshot, error) {
	d := NewDecoder()
	warnings, err := ReadFolder(dir, d)
	if err != nil {
		return nil, err
	}
	for _, w := range warnings {
		d.Warn(w)
	}
	return d.Snapshot(), nil
}

// fileErr is something wrong with a file's content, as a sentence that
// starts with the file name: wrong input, so the command exits 2.
func fileErr(file, msg string) error {
	return inventory.Errorf(inventory.EINVALID, "%s: %s", file, msg)
}

// sinkErr names the file of a sink's error, unless the sink's sentence
// names it already (the Decoder's do).
func sinkErr(file string, err error) error {
	var e *inventory.Error
	if errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("%s: %w", file, err)
}

// readCollectionFile streams one file into sink.
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
		return 0, fileErr(name, "is UTF-16 text, not JSON in UTF-8: save it again as UTF-8 (in PowerShell: Out-File -Encoding utf8)")
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
		return fileErr(name, fmt.Sprintf("is larger than %d bytes, too large for a single policy object", maxSingleObject))
	}
	var probe any
	if err := json.Unmarshal(data, &probe); err != nil {
		return syntaxError(name, err, base, base)
	}
	members, ok := probe.(map[string]any)
	if !ok {
		return fileErr(name, fmt.Sprintf("is %s, expected the policy object (or {\"value\":[policy]})", jsonKind(data)))
	}
	items := []json.RawMessage{data}
	if _, wrapped := members["value"]; wrapped {
		var coll struct {
			Value []json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(data, &coll); err != nil {
			return fileErr(name, `has a "value" member that is not an array`)
		}
		items = coll.Value
		if len(items) > 1 {
			return fileErr(name, fmt.Sprintf(`holds %d policies in "value"; a tenant has one security defaults policy`, len(items)))
		}
	}
	if err := sink.Begin(collection); err != nil {
		return sinkErr(name, err)
	}
	for _, it := range items {
		if err := sink.Add(collection, it); err != nil {
			return sinkErr(name, err)
		}
	}
	return nil
}
