package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mfaboard/mfaboard/inventory"
)

// FolderWriter is a Sink that writes an export folder (GRAPH-EXPORT.md): each
// collection to <name>.json as {"value":[...]}, one item a line, and
// securityDefaults.json as the single policy object. Collections may
// interleave (the live client reads them side by side); each is written to
// its own file as its items come. It writes into a hidden folder beside the
// target and renames it into place at Close, so an export that fails
// half-way never leaves a folder that looks complete.
type FolderWriter struct {
	dir string // the target
	tmp string // where the files are written until Close

	files   map[string]*collectionFile // by collection, once begun
	scratch bytes.Buffer
	done    bool
}

// collectionFile is one collection's file being written.
type collectionFile struct {
	file  *os.File
	out   *bufio.Writer
	items int
}

// NewFolderWriter prepares to write the export folder dir. dir may be new,
// empty, or a previous export folder (replaced whole at Close); a folder
// holding anything else is refused rather than overwritten.
func NewFolderWriter(dir string) (*FolderWriter, error) {
	dir = filepath.Clean(dir)
	if err := checkReplaceable(dir); err != nil {
		return nil, err
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("create export folder: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".partial-")
	if err != nil {
		return nil, fmt.Errorf("create export folder: %w", err)
	}
	return &FolderWriter{dir: dir, tmp: tmp, files: map[string]*collectionFile{}}, nil
}

// checkReplaceable refuses a target that is a file or a folder holding
// anything but collection files.
func checkReplaceable(dir string) error {
	info, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("export folder %s: %w", dir, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("%s is a file: an export needs a folder of its own", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("export folder %s: %w", dir, err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || filepath.Ext(name) != ".json" || !isCollection(name[:len(name)-len(".json")]) {
			return fmt.Errorf("%s holds %s, which is not part of an export folder: choose a new or empty folder, so nothing else is replaced", dir, name)
		}
	}
	return nil
}

// Begin implements Sink: it starts <collection>.json.
func (w *FolderWriter) Begin(collection string) error {
	if w.done {
		return fmt.Errorf("export folder %s: already closed", w.dir)
	}
	if !isCollection(collection) {
		return fmt.Errorf("export: %q is not a collection of the export folder", collection)
	}
	if w.files[collection] != nil {
		return fmt.Errorf("export: collection %s begun twice", collection)
	}
	f, err := os.Create(filepath.Join(w.tmp, fileOf(collection)))
	if err != nil {
		return fmt.Errorf("export %s: %w", collection, err)
	}
	cf := &collectionFile{file: f, out: bufio.NewWriterSize(f, 64<<10)}
	w.files[collection] = cf
	if collection != inventory.CollSecurityDefaults {
		_, err = cf.out.WriteString(`{"value":[`)
	}
	return err
}

// Add implements Sink: it writes one item, compacted to one line.
func (w *FolderWriter) Add(collection string, item json.RawMessage) error {
	if w.done {
		return fmt.Errorf("export folder %s: already closed", w.dir)
	}
	cf := w.files[collection]
	if cf == nil {
		return fmt.Errorf("export: an item of %s came before its Begin (Begin first)", collection)
	}
	w.scratch.Reset()
	if err := json.Compact(&w.scratch, item); err != nil {
		return fmt.Errorf("export %s: item %d is not valid JSON: %w", collection, cf.items, err)
	}
	if collection == inventory.CollSecurityDefaults {
		if cf.items > 0 {
			return fmt.Errorf("export %s: a second policy object; a tenant has one", collection)
		}
	} else if cf.items > 0 {
		cf.out.WriteString(",\n")
	} else {
		cf.out.WriteString("\n")
	}
	cf.items++
	_, err := cf.out.Write(w.scratch.Bytes())
	if err != nil {
		return fmt.Errorf("export %s: %w", collection, err)
	}
	return nil
}

// finishFiles closes every collection's file, with its data on disk.
func (w *FolderWriter) finishFiles() error {
	var first error
	for collection, cf := range w.files {
		if cf.file == nil {
			continue
		}
		var tail string
		switch {
		case collection == inventory.CollSecurityDefaults && cf.items == 0:
			tail = `{"value":[]}` + "\n" // present, but the policy was not read
		case collection == inventory.CollSecurityDefaults:
			tail = "\n"
		case cf.items == 0:
			tail = "]}\n"
		default:
			tail = "\n]}\n"
		}
		cf.out.WriteString(tail)
		err := cf.out.Flush()
		if err == nil {
			err = cf.file.Sync()
		}
		if cerr := cf.file.Close(); err == nil {
			err = cerr
		}
		cf.file, cf.out = nil, nil
		if err != nil && first == nil {
			first = fmt.Errorf("export %s: %w", collection, err)
		}
	}
	return first
}

// Close finishes the last file and moves the folder into place, replacing a
// previous export there. After an error the target is as it was before.
func (w *FolderWriter) Close() error {
	if w.done {
		return nil
	}
	if err := w.finishFiles(); err != nil {
		w.Abort()
		return err
	}
	w.done = true
	old := w.tmp + ".old"
	_, statErr := os.Stat(w.dir)
	replacing := statErr == nil
	if replacing {
		if err := os.Rename(w.dir, old); err != nil {
			os.RemoveAll(w.tmp)
			return fmt.Errorf("export folder %s: move the previous export aside: %w", w.dir, err)
		}
	}
	if err := os.Rename(w.tmp, w.dir); err != nil {
		if replacing {
			os.Rename(old, w.dir)
		}
		os.RemoveAll(w.tmp)
		return fmt.Errorf("export folder %s: %w", w.dir, err)
	}
	if replacing {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("export folder %s written, but the previous export is left in %s: %w", w.dir, old, err)
		}
	}
	return nil
}

// Abort drops everything written so far; the target is left as it was.
// It is safe to call after Close (it then does nothing).
func (w *FolderWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	for _, cf := range w.files {
		if cf.file != nil {
			cf.file.Close()
			cf.file, cf.out = nil, nil
		}
	}
	os.RemoveAll(w.tmp)
}
