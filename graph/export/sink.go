// Package export reads and writes the Graph export folder (GRAPH-EXPORT.md)
// and decodes Graph's own JSON into an inventory.Snapshot. It does not import
// msgraph-sdk-go, so everything but the live client builds fast.
package export

import (
	"encoding/json"
	"fmt"

	"github.com/mfaboard/mfaboard/inventory"
)

// Sink receives Graph objects one at a time, exactly as Graph wrote them, as
// a source (the live client, a folder, the emulator's data) yields them.
// A source calls Begin once for every collection it has (even an empty one)
// before that collection's items, so "present but empty" differs from
// "missing". Collections may interleave (the live client reads them side
// by side), but calls never overlap: a Sink need not be safe for concurrent
// use. collection is one of inventory.Collections; for securityDefaults the
// single item is the policy object itself.
// Implementations: the Decoder (builds a Snapshot), the FolderWriter (writes
// an export folder), and Tee.
type Sink interface {
	Begin(collection string) error
	Add(collection string, item json.RawMessage) error
}

// Tee sends every call to each sink in turn, stopping at the first error.
type Tee []Sink

// Begin implements Sink.
func (t Tee) Begin(collection string) error {
	for _, s := range t {
		if err := s.Begin(collection); err != nil {
			return err
		}
	}
	return nil
}

// Add implements Sink.
func (t Tee) Add(collection string, item json.RawMessage) error {
	for _, s := range t {
		if err := s.Add(collection, item); err != nil {
			return err
		}
	}
	return nil
}

// Folder is an export folder held in memory: collection name → items as
// Graph wrote them (securityDefaults holds one item, the policy object). A
// collection that is absent from the map is missing; an empty slice is
// present and empty. The emulator serves a Folder; the encoder makes one
// from a Snapshot (the demo tenant).
type Folder map[string][]json.RawMessage

// Feed streams the folder into a sink in the order of inventory.Collections.
func (f Folder) Feed(sink Sink) error {
	for _, c := range inventory.Collections {
		items, ok := f[c]
		if !ok {
			continue
		}
		if err := sink.Begin(c); err != nil {
			return fmt.Errorf("%s: %w", c, err)
		}
		for _, it := range items {
			if err := sink.Add(c, it); err != nil {
				return fmt.Errorf("%s: %w", c, err)
			}
		}
	}
	return nil
}
