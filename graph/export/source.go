package export

import (
	"context"

	"github.com/mfaboard/mfaboard/inventory"
)

// Source is an inventory.Source that feeds Graph's own JSON through the one
// Decoder: live Graph (graph.Client.Fetch), an export folder, or a folder
// held in memory (the demo tenant). Feed may also go to a FolderWriter, as
// export-graph does.
type Source struct {
	SourceName string // "graph", "folder" or "demo", as the run records it
	Feed       func(ctx context.Context, sink Sink) ([]inventory.Warning, error)
}

// Name implements inventory.Source.
func (s Source) Name() string { return s.SourceName }

// Read implements inventory.Source: the decoded snapshot with the source's
// warnings.
func (s Source) Read(ctx context.Context) (*inventory.Snapshot, error) {
	dec := NewDecoder()
	warnings, err := s.Feed(ctx, dec)
	if err != nil {
		return nil, err
	}
	for _, w := range warnings {
		dec.Warn(w)
	}
	return dec.Snapshot(), nil
}

// FolderSource reads an export folder; a malformed file or item refuses
// the whole folder (ReadFolder).
func FolderSource(dir string) Source {
	return Source{SourceName: "folder", Feed: func(_ context.Context, sink Sink) ([]inventory.Warning, error) {
		return ReadFolder(dir, sink)
	}}
}

// MemSource feeds a folder held in memory under the given run source name.
func MemSource(name string, f Folder) Source {
	return Source{SourceName: name, Feed: func(_ context.Context, sink Sink) ([]inventory.Warning, error) {
		return nil, f.Feed(sink)
	}}
}

// SnapshotSource encodes a snapshot as Graph would serve it and reads it
// back through the decoder, so a generated or hand-built tenant is synced
// exactly as a real one.
func SnapshotSource(name string, snap *inventory.Snapshot) Source {
	return MemSource(name, EncodeSnapshot(snap))
}
