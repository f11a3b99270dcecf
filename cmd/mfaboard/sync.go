package main

import (
	"path/filepath"

	"github.com/mfaboard/mfaboard/graph/export"
)

// The sync itself is inventory.Sync, the one sync use case; its sources
// are export.Source (graph.Client.Fetch, an export folder, the demo).

// writeExport writes the export folder dir with feed: whole, or, when feed
// fails, not at all.
func writeExport(dir string, feed func(export.Sink) error) error {
	w, err := export.NewFolderWriter(dir)
	if err != nil {
		return err
	}
	if err := feed(w); err != nil {
		w.Abort()
		return err
	}
	return w.Close()
}

// absDir is a folder path for messages.
func absDir(dir string) string {
	if a, err := filepath.Abs(dir); err == nil {
		return a
	}
	return dir
}
