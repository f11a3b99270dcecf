package main

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
)

// `mfaboard plan` gives the same fixes from an export folder as from the
// tenant synced from it, in the JSON contract's shape.
func TestPlanFromFolderAndStoreAgree(t *testing.T) {
	t.Parallel()
	useDatabase(t)
	dir := writeFolder(t, demo.Generate(demo.Options{Users: 300, Seed: 3, AsOf: time.Now().UTC()}))
	if code, out, errOut := runCLI(t, "sync", "--from", dir); code != exitOK {
		t.Fatalf("sync --from exit %d: %s %s", code, out, errOut)
	}
	code, fromDB, errOut := runCLI(t, "plan", "--format", "json")
	if code != exitOK {
		t.Fatalf("plan exit %d: %s", code, errOut)
	}
	code, fromDir, errOut := runCLI(t, "plan", "--from", dir, "--format", "json")
	if code != exitOK {
		t.Fatalf("plan --from exit %d: %s", code, errOut)
	}
	var raw map[string][]map[string]json.RawMessage
	if err := json.Unmarshal([]byte(fromDB), &raw); err != nil {
		t.Fatalf("plan json: %v\n%s", err, fromDB)
	}
	if len(raw["fixes"]) == 0 {
		t.Fatalf("the demo tenant has open accounts, yet no fix:\n%s", fromDB)
	}
	for _, f := range raw["fixes"] {
		keys := slices.Sorted(maps.Keys(f))
		want := []string{"accounts", "docs", "id", "kind", "privilegedResolved", "resolves", "target", "title"}
		if !slices.Equal(keys, want) {
			t.Fatalf("a fix has the keys %v, the contract %v", keys, want)
		}
	}
	var a, b planJSON
	if err := json.Unmarshal([]byte(fromDB), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(fromDir), &b); err != nil {
		t.Fatal(err)
	}
	if len(a.Fixes) != len(b.Fixes) {
		t.Fatalf("%d fixes from the database, %d from the folder", len(a.Fixes), len(b.Fixes))
	}
	for i := range a.Fixes {
		x, y := a.Fixes[i], b.Fixes[i]
		if x.ID != y.ID || x.Resolves != y.Resolves || x.PrivilegedResolved != y.PrivilegedResolved || !slices.Equal(x.Accounts, y.Accounts) {
			t.Errorf("fix %d: database %s resolves %d/%d of %d; folder %s %d/%d of %d", i+1,
				x.ID, x.Resolves, x.PrivilegedResolved, len(x.Accounts), y.ID, y.Resolves, y.PrivilegedResolved, len(y.Accounts))
		}
	}
	if p := a.Fixes[0].Target.Policy; p != nil && !strings.HasPrefix(p.URL, "https://entra.microsoft.com/") {
		t.Errorf("the policy's link is %q", p.URL)
	}

	code, table, _ := runCLI(t, "plan")
	if code != exitOK || !strings.Contains(table, "PRIVILEGED") || !strings.Contains(table, a.Fixes[0].Title) {
		t.Fatalf("plan table exit %d:\n%s", code, table)
	}
}
