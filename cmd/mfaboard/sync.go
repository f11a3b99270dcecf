package main

import "path/filepath"

// The sync itself is inventory.Sync, the one sync use case; its sources
// are export.Source (graph.Client.Fetch, an export folder, the demo).

// absDir is a folder path for messages.
func absDir(dir string) string {
	if a, err := filepath.Abs(dir); err == nil {
		return a
	}
	return dir
}
