package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// A hand-edited export folder never yields verdicts better than its data:
// sync --from and assess --from refuse it with exit 2 and one sentence that
// names the file (and the item and field), and the stored tenant stays as
// the last good sync left it. The first three rows are the edits that made
// 14 non-compliant accounts compliant, an at-risk account compliant, and a
// break-glass admin "not applicable" before the decoder checked types.
func TestMalformedFolderIsRefusedAndStoresNothing(t *testing.T) {
	t.Parallel()
	store := useDatabase(t)
	snap := demo.Generate(demo.Options{Users: 300, Seed: 3, AsOf: time.Now().UTC()})
	good := writeFolder(t, snap)
	if code, out, errOut := runCLI(t, "sync", "--from", good); code != exitOK {
		t.Fatalf("good sync exit %d: %s %s", code, out, errOut)
	}
	before := storedState(t, store, snap.Tenant.ID)

	for _, tc := range []struct {
		name   string
		file   string
		mutate func(t *testing.T, dir string)
		says   string
	}{
		{"excluded groups' members a string", "groups.json", func(t *testing.T, dir string) {
			excluded := excludedGroups(t, dir)
			n := editItems(t, dir, "groups.json", func(it map[string]any) bool {
				if !excluded[it["id"].(string)] {
					return false
				}
				it["members"] = "oops"
				return true
			})
			if n == 0 {
				t.Fatal("the demo's policies exclude no group: the case tests nothing")
			}
		}, "): members must be a list, found a string"},
		{"single-factor sign-ins' isInteractive a string", "signIns.json", func(t *testing.T, dir string) {
			if editItems(t, dir, "signIns.json", func(it map[string]any) bool {
				if it["authenticationRequirement"] != "singleFactorAuthentication" {
					return false
				}
				it["isInteractive"] = "no"
				return true
			}) == 0 {
				t.Fatal("the demo has no single-factor sign-in: the case tests nothing")
			}
		}, "): isInteractive must be a boolean, found a string"},
		{"break-glass accountEnabled a string", "users.json", func(t *testing.T, dir string) {
			if editItems(t, dir, "users.json", func(it map[string]any) bool {
				if !strings.HasPrefix(it["userPrincipalName"].(string), "breakglass01@") {
					return false
				}
				it["accountEnabled"] = "yes"
				return true
			}) != 1 {
				t.Fatal("no break-glass account in the demo")
			}
		}, "): accountEnabled must be a boolean, found a string"},
		{"NUL in a display name", "users.json", func(t *testing.T, dir string) {
			editItems(t, dir, "users.json", func(it map[string]any) bool { it["displayName"] = "Ann\x00a"; return true })
		}, `): displayName holds a NUL character (\u0000), which is not text`},
		{"huge display name", "users.json", func(t *testing.T, dir string) {
			editItems(t, dir, "users.json", func(it map[string]any) bool { it["displayName"] = strings.Repeat("A", 1<<20); return true })
		}, "): displayName is 1048576 bytes long; Graph never writes text longer than 4096 bytes"},
		{"truncated", "users.json", func(t *testing.T, dir string) { cutFile(t, dir, "users.json", 0.5) },
			"the file ends in the middle of a value: was it cut short?"},
		{"empty", "groups.json", func(t *testing.T, dir string) { writeFile(t, dir, "groups.json", "") },
			"groups.json: not a Graph collection at byte 0: is empty"},
		{"null", "signIns.json", func(t *testing.T, dir string) { writeFile(t, dir, "signIns.json", "null") },
			"signIns.json: not a Graph collection at byte 0: found null"},
		{"trailing garbage", "conditionalAccessPolicies.json", func(t *testing.T, dir string) { appendFile(t, dir, "conditionalAccessPolicies.json", "\n}{oops") },
			"conditionalAccessPolicies.json: not"},
		{"nesting too deep", "groups.json", func(t *testing.T, dir string) {
			writeFile(t, dir, "groups.json", `{"value":[`+strings.Repeat("[", 100_000)+strings.Repeat("]", 100_000)+`]}`)
		}, "groups.json: not valid JSON at byte"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyFolder(t, good)
			tc.mutate(t, dir)
			for _, cmd := range []string{"sync", "assess"} {
				code, _, errOut := runCLI(t, cmd, "--from", dir)
				if code != exitBadArgs {
					t.Fatalf("%s exit %d, want %d; stderr %q", cmd, code, exitBadArgs, errOut)
				}
				last := lastLine(errOut)
				if !strings.Contains(last, tc.file) || !strings.Contains(last, tc.says) || strings.Contains(errOut, "goroutine") || strings.Contains(errOut, "SQLSTATE") {
					t.Fatalf("%s said %q, want one sentence naming %s and saying %q", cmd, last, tc.file, tc.says)
				}
				if len(last) > 600 {
					t.Fatalf("%s's sentence is %d bytes: the input is echoed back", cmd, len(last))
				}
				if cmd == "sync" && !strings.Contains(last, "nothing was stored") {
					t.Fatalf("sync does not say nothing was stored: %q", last)
				}
			}
			if after := storedState(t, store, snap.Tenant.ID); after != before {
				t.Fatalf("a refused folder changed the stored tenant:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// storedState is what a refused sync must leave alone: every account's
// verdict and the tenant's last good sync.
func storedState(t *testing.T, store *pg.Store, tenantID string) string {
	t.Helper()
	ctx := context.Background()
	page, err := store.ListAccounts(ctx, pg.AccountFilter{TenantID: tenantID, Limit: pg.MaxPageSize, IncludeRemoved: true})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range page.Rows {
		fmt.Fprintf(&b, "%s=%s/%v;", r.UserPrincipalName, r.Compliance, r.Removed())
	}
	tenants, err := store.Tenants(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tn := range tenants {
		fmt.Fprintf(&b, "tenant %s synced %s;", tn.ID, tn.LastSyncedAt)
	}
	return fmt.Sprintf("%d accounts, %s", page.Total, b.String())
}

func excludedGroups(t *testing.T, dir string) map[string]bool {
	excluded := map[string]bool{}
	editItems(t, dir, "conditionalAccessPolicies.json", func(p map[string]any) bool {
		conditions, _ := p["conditions"].(map[string]any)
		users, _ := conditions["users"].(map[string]any)
		groups, _ := users["excludeGroups"].([]any)
		for _, g := range groups {
			excluded[g.(string)] = true
		}
		return false
	})
	return excluded
}

// editItems rewrites the items of a collection file that edit reports it
// changed, and returns how many.
func editItems(t *testing.T, dir, file string, edit func(map[string]any) bool) int {
	t.Helper()
	path := filepath.Join(dir, file)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var coll struct {
		Value []map[string]any `json:"value"`
	}
	if err := json.Unmarshal(data, &coll); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range coll.Value {
		if edit(it) {
			n++
		}
	}
	if n > 0 {
		out, err := json.Marshal(coll)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, file, string(out))
	}
	return n
}

func copyFolder(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, to, e.Name(), string(data))
	}
	return to
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func appendFile(t *testing.T, dir, name, more string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, name, string(data)+more)
}

func cutFile(t *testing.T, dir, name string, keep float64) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, name, string(data[:int(float64(len(data))*keep)]))
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// A live Graph sync that meets an item of the wrong type fails the run,
// records why, and leaves the stored tenant as the last good sync left it.
func TestLiveSyncRefusesWhatItCannotTrust(t *testing.T) {
	t.Parallel()
	store := useDatabase(t)
	useToken(t)
	folder, snap := demoFolder(200)
	good := emulator.New(folder, emulator.Options{})
	defer good.Close()
	if code, out, errOut := runCLI(t, "sync", "--graph-url", good.URL); code != exitOK {
		t.Fatalf("first sync exit %d: %s %s", code, out, errOut)
	}
	before := storedState(t, store, snap.Tenant.ID)

	bad := export.Folder{}
	for k, v := range folder {
		bad[k] = v
	}
	bad[inventory.CollSignIns] = editRaw(t, folder[inventory.CollSignIns], func(it map[string]any) bool {
		if it["authenticationRequirement"] != "singleFactorAuthentication" {
			return false
		}
		it["isInteractive"] = "no"
		return true
	})
	emu := emulator.New(bad, emulator.Options{})
	defer emu.Close()
	code, _, errOut := runCLI(t, "sync", "--graph-url", emu.URL)
	if code != exitBadArgs {
		t.Fatalf("exit %d, want %d; stderr %q", code, exitBadArgs, errOut)
	}
	if last := lastLine(errOut); !strings.Contains(last, "signIns.json: item ") || !strings.Contains(last, "isInteractive must be a boolean, found a string; nothing was stored") {
		t.Fatalf("stderr %q does not name the item and field", last)
	}
	if after := storedState(t, store, snap.Tenant.ID); after != before {
		t.Fatalf("a refused live sync changed the stored tenant")
	}
	runs, err := store.Runs(context.Background(), "", 10)
	if err != nil || len(runs) != 2 || runs[0].Status != pg.RunFailed || !strings.Contains(runs[0].Error, "isInteractive") {
		t.Fatalf("the refused run is not recorded as failed with its cause: %+v %v", runs, err)
	}
}

// editRaw edits raw Graph items and fails when edit changed none.
func editRaw(t *testing.T, items []json.RawMessage, edit func(map[string]any) bool) []json.RawMessage {
	t.Helper()
	out := make([]json.RawMessage, len(items))
	n := 0
	for i, raw := range items {
		var it map[string]any
		if err := json.Unmarshal(raw, &it); err != nil {
			t.Fatal(err)
		}
		out[i] = raw
		if edit(it) {
			n++
			b, err := json.Marshal(it)
			if err != nil {
				t.Fatal(err)
			}
			out[i] = b
		}
	}
	if n == 0 {
		t.Fatal("no item was edited: the case tests nothing")
	}
	return out
}

// everyTenantState is storedState for every tenant in the database.
func everyTenantState(t *testing.T, store *pg.Store) string {
	t.Helper()
	tenants, err := store.Tenants(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, tn := range tenants {
		b.WriteString(storedState(t, store, tn.ID))
	}
	return b.String()
}

// Text from the tenant is data, never a formula or a terminal command:
// assess's CSV goes through the one CSV writer, and its table shows control
// characters as '?'.
func TestAssessOutputDefusesTenantText(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "users.json", `{"value":[{"id":"u1","displayName":"=HYPERLINK(\"http://x\")","userPrincipalName":"\u001b[2J\u001b[31mevil@fabrikam.nl","accountEnabled":true}]}`)
	code, out, errOut := runCLI(t, "assess", "--from", dir, "--format", "csv")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, `'=HYPERLINK(`) {
		t.Errorf("the CSV does not defuse the formula:\n%s", out)
	}
	code, out, errOut = runCLI(t, "assess", "--from", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out+errOut, "\x1b") || !strings.Contains(out, "?[2J?[31mevil@fabrikam.nl") {
		t.Errorf("the table passes terminal escapes through:\n%q", out)
	}
}
