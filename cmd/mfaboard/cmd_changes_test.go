package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// Done when (issue 13 §4): sync a tenant, add a member to an excluded
// group, sync again, and find the change in `mfaboard changes --format json`.
func TestChangesJSON(t *testing.T) {
	t.Parallel()
	store := useDatabase(t)
	second := pgtest.SyncAnnJoinsContractors(t, store)
	code, out, errOut := runCLI(t, "changes", "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// Decoded into the contract's shape only, so a renamed field fails.
	var got struct {
		Changes []struct {
			Sync    *int64   `json:"sync"`
			At      *string  `json:"at"`
			Account string   `json:"account"`
			From    *string  `json:"from"`
			To      *string  `json:"to"`
			Causes  []string `json:"causes"`
		} `json:"changes"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(got.Changes) != 1 {
		t.Fatalf("%d changes, want 1:\n%s", len(got.Changes), out)
	}
	c := got.Changes[0]
	if c.Sync == nil || *c.Sync != second.RunID || c.At == nil || c.Account != "ann@changes.example" ||
		c.From == nil || *c.From != "compliant" || c.To == nil || *c.To != "non_compliant" ||
		!slices.Equal(c.Causes, []string{"joined group *Contractors*, which *CA001* excludes"}) {
		t.Errorf("change:\n%s", out)
	}

	code, out, _ = runCLI(t, "changes", "--tenant", "changes-tenant")
	if code != exitOK || !strings.Contains(out, "ann@changes.example") || !strings.Contains(out, "non_compliant") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "changes", "--since", "2999-01-01T00:00:00Z", "--format", "json")
	if code != exitOK || strings.TrimSpace(out) != "{\n  \"changes\": []\n}" {
		t.Errorf("--since the future: exit %d\n%s", code, out)
	}
}
