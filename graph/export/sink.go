// Package export reads and writes the Graph export folder (GRAPH-EXPORT.md)
// and decodes Graph's own JSON into an inventory.Snapshot. It does not import
// msgraph-sdk-go, so everything but the live client builds fast.
package export

import "encoding/json"

// Sink receives Graph objects one at a time, exactly as Graph wrote them, as
// a source (the live client, a folder, the emulator's data) yields them.
// collection is one of inventory.Collections; for securityDefaults the item
// is the single policy object. Implementations: the Decoder (builds a
// Snapshot), the FolderWriter (writes an export folder), and Tee.
type Sink interface {
	Add(collection string, item json.RawMessage) error
}

// Tee sends every item to each sink in turn, stopping at the first error.
type Tee []Sink

// Add implements Sink.
func (t Tee) Add(collection string, item json.RawMessage) error {
	for _, s := range t {
		if err := s.Add(collection, item); err != nil {
			return err
		}
	}
	return nil
}
