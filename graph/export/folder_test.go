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

// writeFolder writes an export folder of the given files into a temp dir.
func writeFolder(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// readFolder reads the snapshot of an export folder holding files.
func readFolder(t *testing.T, files map[string]string) *inventory.Snapshot {
	t.Helper()
	s, err := ReadSnapshot(writeFolder(t, files))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const oneUser = `{"value":[{"id":"u1","displayName":"One","accountEnabled":true}]}`

func TestReadFolderRefusesWhatIsNotAnExportFolder(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "users.json")
	if err := os.WriteFile(file, []byte(oneUser), 0o644); err != nil {
		t.Fatal(err)
	}
	noUsers := writeFolder(t, map[string]string{"groups.json": `{"value":[]}`})
	for _, tc := range []struct {
		name, dir, says string
	}{
		{"missing folder", filepath.Join(t.TempDir(), "nope"), "nope does not exist"},
		{"a file", file, "is a file, not a folder"},
		{"no users.json", noUsers, "users.json is missing in " + noUsers + ": an export folder needs at least users.json (see GRAPH-EXPORT.md)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadFolder(tc.dir, NewDecoder())
			wantInvalid(t, err, tc.says)
		})
	}
}

// A broken file stops the read with a sentence naming the file, the
// problem and the byte, as wrong input; leaving it out would read as
// "nothing of that kind" and could make verdicts better than the data.
func TestReadFolderBrokenFiles(t *testing.T) {
	t.Parallel()
	deep := `{"value":[` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `]}`
	for _, tc := range []struct {
		name    string
		file    string // the broken file
		content string
		says    string
	}{
		{"not JSON", "conditionalAccessPolicies.json", `{"value":[{"id":"p1"}}`, "conditionalAccessPolicies.json: not valid JSON at byte 21 (invalid character '}'"},
		{"cut short", "groups.json", `{"value":[{"id":"g1","members":[`, "groups.json: not valid JSON at byte"},
		{"no value array", "groups.json", `{"@odata.context":"x","values":[]}`, `groups.json: not a Graph collection at byte 34: has no "value" array`},
		{"value not an array", "rooms.json", `{"value":{"id":"r1"}}`, `rooms.json: not a Graph collection at byte 9: found an object, expected "value" to be an array`},
		{"value null", "signIns.json", `{"value":null}`, `signIns.json: not a Graph collection at byte 8: found null, expected "value" to be an array`},
		{"top level array", "rooms.json", `[{"id":"r1"}]`, `rooms.json: not a Graph collection at byte 0: found an array, expected an object with a "value" array`},
		{"empty file", "rooms.json", ``, "rooms.json: not a Graph collection at byte 0: is empty"},
		{"only white space", "groups.json", " \n\t", "groups.json: not a Graph collection at byte"},
		{"null", "groups.json", `null`, "groups.json: not a Graph collection at byte 0: found null"},
		{"trailing data", "rooms.json", `{"value":[]} {"value":[]}`, "rooms.json: not a Graph collection at byte 13: has more after the collection object ends"},
		{"trailing garbage", "groups.json", `{"value":[]}garbage`, "groups.json: not valid JSON at byte"},
		{"nested too deep", "groups.json", deep, "groups.json: not valid JSON at byte"},
		{"UTF-16", "rooms.json", "\xff\xfe{\x00}\x00", "rooms.json: is UTF-16 text"},
		{"two value arrays", "rooms.json", `{"value":[],"value":[]}`, `has two "value" arrays`},
		{"security defaults not JSON", "securityDefaults.json", `{"isEnabled": tru}`, "securityDefaults.json: not valid JSON at byte"},
		{"security defaults an array", "securityDefaults.json", `[{"isEnabled": true}]`, "securityDefaults.json: is an array, expected the policy object"},
		{"security defaults null", "securityDefaults.json", `null`, "securityDefaults.json: is null, expected the policy object"},
		{"next link left in", "rooms.json", `{"value":[{"id":"r1"}],"@odata.nextLink":"https://graph.microsoft.com/v1.0/places/microsoft.graph.room?$skiptoken=x"}`, "rooms.json: has an \"@odata.nextLink\": it holds only the first page"},
		{"users cut short", "users.json", `{"value":[{"id":"u1"},`, "users.json: not valid JSON at byte"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"users.json": oneUser, "perUserMfaState.json": `{"value":[{"id":"u1","perUserMfaState":"enforced"}]}`}
			files[tc.file] = tc.content
			dir := writeFolder(t, files)
			_, err := ReadFolder(dir, NewDecoder())
			wantInvalid(t, err, tc.says)
		})
	}
}

func TestReadFolderAcceptsWhatRealExportsLookLike(t *testing.T) {
	t.Parallel()
	s := readFolder(t, map[string]string{
		// Windows tools write a UTF-8 byte order mark.
		"users.json": "\xef\xbb\xbf" + `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users","@odata.count":1,"value":[{"id":"u1","accountEnabled":true}],"@odata.deltaLink":"x"}`,
		// securityDefaults as a collection response holding the object.
		"securityDefaults.json": `{"value":[{"id":"00000000-0000-0000-0000-000000000005","isEnabled":true}]}`,
		// A collection that is present and empty.
		"rooms.json": `{"value":[]}`,
		// Not a collection of the folder: ignored.
		"applications.json": `not even JSON`,
	})
	if len(s.Users) != 1 || s.Users[0].ID != "u1" {
		t.Errorf("users = %+v", s.Users)
	}
	if s.SecurityDefaults == nil || !*s.SecurityDefaults {
		t.Errorf("security defaults = %v, want enabled", s.SecurityDefaults)
	}
	want := map[string]bool{inventory.CollUsers: true, inventory.CollSecurityDefaults: true, inventory.CollRooms: true}
	if len(s.Present) != len(want) {
		t.Errorf("present = %v, want %v", s.Present, want)
	}
	for c := range want {
		if !s.Present[c] {
			t.Errorf("present = %v, want %s", s.Present, c)
		}
	}
	if len(s.Warnings) != 0 {
		t.Errorf("warnings: %v", s.Warnings)
	}
}

// An empty {"value":[]} security defaults file says the policy was not
// read: present, but not known.
func TestReadFolderSecurityDefaultsUnknown(t *testing.T) {
	t.Parallel()
	s := readFolder(t, map[string]string{"users.json": oneUser, "securityDefaults.json": `{"value":[]}`})
	if !s.Present[inventory.CollSecurityDefaults] || s.SecurityDefaults != nil {
		t.Errorf("present %v, value %v: want present and nil", s.Present[inventory.CollSecurityDefaults], s.SecurityDefaults)
	}
}

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
		{"unknown collection", w.Begin("applications"), "not a collection"},
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
