package main

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestPrivateClusterStartsAndStops runs the last fallback for real: a
// cluster of our own in a folder, reached on its socket, stopped on Close.
func TestPrivateClusterStartsAndStops(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "postgres")
	for p := filepath.Dir(dir); p != os.TempDir() && p != "/"; p = filepath.Dir(p) {
		if err := os.Chmod(p, 0o755); err != nil { // the server user must reach it
			t.Fatal(err)
		}
	}
	log := slog.New(slog.DiscardHandler)
	db, err := startClusterIn(ctx, log, dir)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			db.Close()
		}
	})
	if err := ensureDatabase(ctx, db.URL); err != nil {
		t.Fatalf("create database: %v", err)
	}
	conn, err := pgx.Connect(ctx, db.URL)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	var name string
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil || name != defaultDatabase {
		t.Fatalf("current_database = %q, %v", name, err)
	}
	conn.Close(ctx)
	db.Close()
	stopped = true
	if answers(ctx, db.URL) {
		t.Fatal("the private cluster still answers after Close")
	}
}
