package export

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mfaboard/mfaboard/inventory"
)

func TestFolderWriterWritesGraphCollections(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "export")
	w, err := NewFolderWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	steps := []error{
		w.Begin(inventory.CollUsers),
		w.Add(inventory.CollUsers, json.RawMessage("{\n  \"id\": \"u1\"\n}")),
		w.Add(inventory.CollUsers, json.RawMessage(`{"id":"u2"}`)),
		w.Begin(inventory.CollRooms),
		w.Begin(inventory.CollSecurityDefaults),
		w.Add(inventory.CollSecurityDefaults, json.RawMessage(`{"isEnabled": true}`)),
	}
	for i, err := range steps {
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	if _, err := os.Stat(dir); err == nil {
		t.Fatal("the folder is visible before Close")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	assertFiles(t, dir, map[string]string{
		"users.json":            "{\"value\":[\n{\"id\":\"u1\"},\n{\"id\":\"u2\"}\n]}\n",
		"rooms.json":            "{\"value\":[]}\n",
		"securityDefaults.json": "{\"isEnabled\":true}\n",
	})
	assertOnlyEntries(t, filepath.Dir(dir), "export")
}

// The live client reads collections side by side: their items interleave.
func TestFolderWriterTakesInterleavedCollections(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "export")
	w, err := NewFolderWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, err := range []error{
		w.Begin(inventory.CollUsers),
		w.Begin(inventory.CollSignIns),
		w.Add(inventory.CollUsers, json.RawMessage(`{"id":"u1"}`)),
		w.Add(inventory.CollSignIns, json.RawMessage(`{"id":"s1"}`)),
		w.Begin(inventory.CollSecurityDefaults),
		w.Add(inventory.CollUsers, json.RawMessage(`{"id":"u2"}`)),
		w.Add(inventory.CollSecurityDefaults, json.RawMessage(`{"isEnabled":false}`)),
		w.Add(inventory.CollSignIns, json.RawMessage(`{"id":"s2"}`)),
		w.Close(),
	} {
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	assertFiles(t, dir, map[string]string{
		"users.json":            "{\"value\":[\n{\"id\":\"u1\"},\n{\"id\":\"u2\"}\n]}\n",
		"signIns.json":          "{\"value\":[\n{\"id\":\"s1\"},\n{\"id\":\"s2\"}\n]}\n",
		"securityDefaults.json": "{\"isEnabled\":false}\n",
	})
}

// assertFiles fails unless each file of dir holds exactly its text.
func assertFiles(t *testing.T, dir string, want map[string]string) {
	t.Helper()
	for name, text := range want {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != text {
			t.Errorf("%s = %q, want %q", name, got, text)
		}
	}
}

func TestFolderWriterAbortLeavesThePreviousExport(t *testing.T) {
	t.Parallel()
	dir := writeFolder(t, map[string]string{"users.json": oneUser})
	w, err := NewFolderWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	w.Begin(inventory.CollUsers)
	w.Add(inventory.CollUsers, json.RawMessage(`{"id":"half"}`))
	w.Abort()
	got, err := os.ReadFile(filepath.Join(dir, "users.json"))
	if err != nil || string(got) != oneUser {
		t.Fatalf("previous export changed: %q, %v", got, err)
	}
	assertOnlyEntries(t, filepath.Dir(dir), filepath.Base(dir))
	if err := w.Begin(inventory.CollGroups); err == nil {
		t.Error("Begin after Abort accepted")
	}
}

func TestFolderWriterReplacesAPreviousExport(t *testing.T) {
	t.Parallel()
	dir := writeFolder(t, map[string]string{"users.json": oneUser, "groups.json": `{"value":[]}`})
	w, err := NewFolderWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	w.Begin(inventory.CollUsers)
	w.Add(inventory.CollUsers, json.RawMessage(`{"id":"new"}`))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "users.json" {
		t.Errorf("folder holds %v, want only the new users.json", entries)
	}
	assertOnlyEntries(t, filepath.Dir(dir), filepath.Base(dir))
}

func TestFolderWriterRefusesMisuse(t *testing.T) {
	t.Parallel()
	notExport := writeFolder(t, map[string]string{"users.json": oneUser, "notes.txt": "mine"})
	if _, err := NewFolderWriter(notExport); err == nil || !strings.Contains(err.Error(), "holds notes.txt") {
		t.Errorf("a folder with other files: err = %v", err)
	}

	w, err := NewFolderWriter(filepath.Join(t.TempDir(), "export"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for _, tc := range []struct {
		name string
		err  error
		says string
	}{
		{"item before Begin", w.Add(inventory.CollUsers, json.RawMessage(`{}`)), "Begin first"},
		{"unknown collection", w.Begin("servicePrincipals"), "not a collection"},
		{"begin", w.Begin(inventory.CollSecurityDefaults), ""},
		{"bad JSON", w.Add(inventory.CollSecurityDefaults, json.RawMessage(`{"isEnabled":`)), "not valid JSON"},
		{"first policy", w.Add(inventory.CollSecurityDefaults, json.RawMessage(`{"isEnabled":false}`)), ""},
		{"second policy", w.Add(inventory.CollSecurityDefaults, json.RawMessage(`{"isEnabled":true}`)), "a second policy object"},
		{"begun twice", w.Begin(inventory.CollSecurityDefaults), "begun twice"},
	} {
		if tc.says == "" {
			if tc.err != nil {
				t.Errorf("%s: %v", tc.name, tc.err)
			}
			continue
		}
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.says) {
			t.Errorf("%s: err = %v, want one saying %q", tc.name, tc.err, tc.says)
		}
	}
}

// assertOnlyEntries fails when parent holds anything but names: no temp or
// old folder is left behind.
func assertOnlyEntries(t *testing.T, parent string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if !reflect.DeepEqual(got, names) {
		t.Errorf("%s holds %v, want %v", parent, got, names)
	}
}
