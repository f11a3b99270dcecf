package main

import (
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

// demoFolder is a generated tenant as Graph would serve it.
func demoFolder(users int) (export.Folder, *inventory.Snapshot) {
	snap := demo.Generate(demo.Options{Users: users, Seed: 3, AsOf: time.Now().UTC()})
	return export.EncodeSnapshot(snap), snap
}

// liveTenant starts a parallel test of a live Graph sync: its database and
// token, and an emulator serving a demo tenant of users accounts (its
// folder and snapshot) with opts.
func liveTenant(t *testing.T, users int, opts emulator.Options) (*pg.Store, *emulator.Server, export.Folder, *inventory.Snapshot) {
	t.Helper()
	t.Parallel()
	store := useDatabase(t)
	useToken(t)
	emu, folder, snap := demoGraph(t, users, opts)
	return store, emu, folder, snap
}

// demoGraph serves a generated tenant of users accounts from an emulator
// with opts until tb ends, and returns its folder and snapshot beside it.
func demoGraph(tb testing.TB, users int, opts emulator.Options) (*emulator.Server, export.Folder, *inventory.Snapshot) {
	folder, snap := demoFolder(users)
	emu := emulator.New(folder, opts)
	tb.Cleanup(emu.Close)
	return emu, folder, snap
}

// emulate serves snap as Graph would, from an emulator with opts, until tb
// ends.
func emulate(tb testing.TB, snap *inventory.Snapshot, opts emulator.Options) *emulator.Server {
	emu := emulator.New(export.EncodeSnapshot(snap), opts)
	tb.Cleanup(emu.Close)
	return emu
}

// syncFrom runs a sync from emu's Graph, failing t unless it succeeds.
func syncFrom(t *testing.T, emu *emulator.Server) {
	t.Helper()
	if code, out, errOut := runCLI(t, "sync", "--graph-url", emu.URL); code != exitOK {
		t.Fatalf("sync exit %d: %s %s", code, out, errOut)
	}
}

func TestSyncFromGraphEmulatorThroughThrottling(t *testing.T) {
	store, emu, _, snap := liveTenant(t, 400, emulator.Options{ThrottleEvery: 7, BatchThrottleEvery: 11, RequireToken: "test-token"})

	code, out, errOut := runCLI(t, "sync", "--graph-url", emu.URL, "--tenant-kind", "csp")
	if code != exitOK {
		t.Fatalf("sync exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if emu.Throttled() == 0 {
		t.Fatal("the emulator throttled nothing: the test did not exercise Retry-After")
	}
	if !strings.Contains(out, "synced Contoso Partners") || !strings.Contains(out, "400 accounts") {
		t.Fatalf("summary does not report the tenant: %s", out)
	}
	page, err := store.ListAccounts(t.Context(), pg.AccountFilter{TenantID: snap.Tenant.ID, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != len(snap.Users) {
		t.Fatalf("stored %d accounts, want %d", page.Total, len(snap.Users))
	}
	tenants, err := store.Tenants(t.Context())
	if err != nil || len(tenants) != 1 || tenants[0].Kind != inventory.KindCSP {
		t.Fatalf("tenant not recorded as csp: %+v %v", tenants, err)
	}
	runs, err := store.Runs(t.Context(), "", 10)
	if err != nil || len(runs) != 1 || runs[0].Status != pg.RunSucceeded || runs[0].Source != pg.SourceGraph {
		t.Fatalf("runs = %+v, %v", runs, err)
	}
}

func TestSyncCutMidPaginationKeepsPreviousState(t *testing.T) {
	store, good, folder, snap := liveTenant(t, 300, emulator.Options{})
	ctx := t.Context()
	syncFrom(t, good)
	before, err := store.ListAccounts(ctx, pg.AccountFilter{TenantID: snap.Tenant.ID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}

	// The second tenant state lacks half the users; the connection drops on
	// the users' second page, so none of it may land.
	smaller := export.Folder{}
	for k, v := range folder {
		smaller[k] = v
	}
	smaller[inventory.CollUsers] = folder[inventory.CollUsers][:150]
	cut := emulator.New(smaller, emulator.Options{CutAfterPages: map[string]int{inventory.CollUsers: 1}, PageSize: 50})
	defer cut.Close()
	code, _, errOut := runCLI(t, "sync", "--graph-url", cut.URL)
	if code != exitFailed {
		t.Fatalf("cut sync exit %d, want %d; stderr %s", code, exitFailed, errOut)
	}
	if !strings.Contains(errOut, "stored tenant is unchanged") || strings.Contains(errOut, "goroutine") {
		t.Fatalf("stderr should be one sentence saying nothing changed: %q", errOut)
	}
	after, err := store.ListAccounts(ctx, pg.AccountFilter{TenantID: snap.Tenant.ID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if after.Total != before.Total || len(after.Rows) != len(before.Rows) {
		t.Fatalf("accounts changed by a failed sync: %d → %d", before.Total, after.Total)
	}
	for i := range before.Rows {
		if before.Rows[i].Removed() != after.Rows[i].Removed() || before.Rows[i].Compliance != after.Rows[i].Compliance {
			t.Fatalf("row %d changed by a failed sync", i)
		}
	}
	runs, err := store.Runs(ctx, "", 10)
	if err != nil || len(runs) != 2 || runs[0].Status != pg.RunFailed || runs[0].Error == "" {
		t.Fatalf("the failed run is not recorded with its cause: %+v %v", runs, err)
	}
}

func TestSyncFromFolderAndAssessAgree(t *testing.T) {
	t.Parallel()
	useDatabase(t)
	folder, snap := demoFolder(250)
	dir := filepath.Join(t.TempDir(), "export")
	w, err := export.NewFolderWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := folder.Feed(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runCLI(t, "sync", "--from", dir); code != exitOK {
		t.Fatalf("sync --from exit %d: %s %s", code, out, errOut)
	}
	asOf := time.Now().UTC().Format(time.RFC3339)
	code, fromDB, errOut := runCLI(t, "assess", "--format", "json", "--as-of", asOf)
	if code != exitOK {
		t.Fatalf("assess exit %d: %s", code, errOut)
	}
	code, fromDir, errOut := runCLI(t, "assess", "--from", dir, "--format", "json", "--as-of", asOf)
	if code != exitOK {
		t.Fatalf("assess --from exit %d: %s", code, errOut)
	}
	var a, b assessJSON
	if err := json.Unmarshal([]byte(fromDB), &a); err != nil {
		t.Fatalf("assess json: %v", err)
	}
	if err := json.Unmarshal([]byte(fromDir), &b); err != nil {
		t.Fatalf("assess --from json: %v", err)
	}
	if len(a.Accounts) != len(snap.Users) || len(b.Accounts) != len(snap.Users) {
		t.Fatalf("accounts: db %d, folder %d, want %d", len(a.Accounts), len(b.Accounts), len(snap.Users))
	}
	byID := map[string]accountJSON{}
	for _, acc := range b.Accounts {
		byID[acc.ID] = acc
	}
	for _, acc := range a.Accounts {
		other := byID[acc.ID]
		if acc.Compliance != other.Compliance || acc.Category != other.Category || acc.Path != other.Path {
			t.Fatalf("%s: database says %s/%s/%s, folder says %s/%s/%s", acc.UserPrincipalName,
				acc.Category, acc.Path, acc.Compliance, other.Category, other.Path, other.Compliance)
		}
	}
	if a.Tenant.Counts["non_compliant"] == 0 || a.Tenant.Ready {
		t.Fatalf("the demo tenant has known gaps, yet counts are %v", a.Tenant.Counts)
	}
}

func TestResyncOfSameDataChangesNoVerdict(t *testing.T) {
	store, emu, _, snap := liveTenant(t, 200, emulator.Options{})
	ctx := t.Context()
	verdicts := func() map[string]inventory.Compliance {
		page, err := store.ListAccounts(ctx, pg.AccountFilter{TenantID: snap.Tenant.ID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]inventory.Compliance{}
		for _, r := range page.Rows {
			m[r.ID] = r.Compliance
		}
		return m
	}
	if code, _, errOut := runCLI(t, "sync", "--graph-url", emu.URL); code != exitOK {
		t.Fatal(errOut)
	}
	first := verdicts()
	if code, _, errOut := runCLI(t, "sync", "--graph-url", emu.URL); code != exitOK {
		t.Fatal(errOut)
	}
	second := verdicts()
	if len(first) != len(snap.Users) || len(second) != len(first) {
		t.Fatalf("verdict counts %d then %d", len(first), len(second))
	}
	for id, v := range first {
		if second[id] != v {
			t.Fatalf("account %s changed from %s to %s on the same data", id, v, second[id])
		}
	}
}

// Every command refuses a wrong command line or input with one sentence
// and exit 2, never a stack trace.
func TestBadInputGetsOneSentence(t *testing.T) {
	t.Parallel()
	useDatabase(t)
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "users.json"), []byte(`{"value": [ {"id": "1", `), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown command", []string{"frobnicate"}, exitBadArgs, "unknown command"},
		{"unknown tenant kind", []string{"sync", "--tenant-kind", "hybrid"}, exitBadArgs, `unknown tenant kind "hybrid"`},
		{"unknown flag", []string{"sync", "--form", "x"}, exitBadArgs, "flag provided but not defined"},
		{"missing folder", []string{"sync", "--from", "/does/not/exist"}, exitBadArgs, "is not a folder"},
		{"malformed export", []string{"sync", "--from", bad}, exitBadArgs, "users.json: not valid JSON"},
		{"malformed export assessed", []string{"assess", "--from", bad}, exitBadArgs, "users.json: not valid JSON"},
		{"bad format", []string{"assess", "--format", "xml"}, exitBadArgs, `unknown --format "xml"`},
		{"bad as-of", []string{"assess", "--as-of", "yesterday"}, exitBadArgs, "RFC 3339"},
		{"bad window", []string{"assess", "--window", "-3d"}, exitBadArgs, "positive duration"},
		{"no tenant yet", []string{"assess"}, exitBadArgs, "holds no tenant"},
		{"changes: unknown format", []string{"changes", "--format", "yaml"}, exitBadArgs, `unknown --format "yaml": use table or json`},
		{"changes: bad since", []string{"changes", "--since", "yesterday"}, exitBadArgs, `--since "yesterday" is not an RFC 3339 time`},
		{"changes: unknown flag", []string{"changes", "--nope"}, exitBadArgs, "flag provided but not defined"},
		{"changes: stray argument", []string{"changes", "extra"}, exitBadArgs, "extra"},
		{"plan: unknown format", []string{"plan", "--format", "csv"}, exitBadArgs, `unknown --format "csv": use table or json`},
		{"plan: folder and tenant", []string{"plan", "--from", "a", "--tenant", "b"}, exitBadArgs, "give either --from DIR or --tenant ID, not both"},
		{"plan: missing folder", []string{"plan", "--from", "/no/such/folder"}, exitBadArgs, "is not a folder"},
		{"plan: kind without folder", []string{"plan", "--tenant-kind", "csp"}, exitBadArgs, "--tenant-kind goes with --from DIR"},
		{"plan: unknown tenant kind", []string{"plan", "--from", ".", "--tenant-kind", "big"}, exitBadArgs, `unknown tenant kind "big"`},
		{"plan: unknown flag", []string{"plan", "--nope"}, exitBadArgs, "flag provided but not defined"},
		{"whatif: no account", []string{"whatif"}, exitBadArgs, "mfaboard whatif: "},
		{"whatif: an account and all", []string{"whatif", "--upn", "a@b", "--all"}, exitBadArgs, "mfaboard whatif: "},
		{"whatif: unknown flag", []string{"whatif", "--bogus"}, exitBadArgs, "mfaboard whatif: "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.code, errOut)
			}
			if !strings.Contains(errOut, tc.want) {
				t.Fatalf("stderr %q does not say %q", errOut, tc.want)
			}
			if strings.Contains(errOut, "goroutine") || strings.Contains(errOut, "panic") {
				t.Fatalf("stderr has a stack trace: %s", errOut)
			}
		})
	}
}

// -h prints a command's usage once, its flags with it, and exits 0.
func TestCommandHelpPrintsItsUsageOnce(t *testing.T) {
	t.Parallel()
	code, _, errOut := runCLI(t, "plan", "-h")
	if code != exitOK || strings.Count(errOut, "Usage: mfaboard plan [--from DIR") != 1 || !strings.Contains(errOut, "-tenant-kind") {
		t.Errorf("plan -h: exit %d, want 0 and the usage once with the flags:\n%s", code, errOut)
	}
}

func TestUnreachableDatabaseIsOneLine(t *testing.T) {
	t.Parallel()
	setEnv(t, "DATABASE_URL", "postgres://nobody@127.0.0.1:1/mfaboard?sslmode=disable&connect_timeout=2")
	code, _, errOut := runCLI(t, "migrate")
	if code != exitFailed {
		t.Fatalf("exit %d, want %d", code, exitFailed)
	}
	if strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "DATABASE_URL") {
		t.Fatalf("want one line naming DATABASE_URL, got %q", errOut)
	}
}

func TestSyncWithoutOrganizationUsesTheTenantDomain(t *testing.T) {
	t.Parallel()
	store := useDatabase(t)
	useToken(t)
	folder, _ := demoFolder(120)
	delete(folder, inventory.CollOrganization)
	emu := emulator.New(folder, emulator.Options{})
	defer emu.Close()
	code, out, errOut := runCLI(t, "sync", "--graph-url", emu.URL)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "warning: organization") {
		t.Fatalf("no warning about the missing organization: %s", out)
	}
	tenants, err := store.Tenants(t.Context())
	if err != nil || len(tenants) != 1 || !strings.HasSuffix(tenants[0].ID, ".onmicrosoft.com") {
		t.Fatalf("tenant = %+v, %v; want the onmicrosoft.com domain", tenants, err)
	}
}

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
			// One account's name is enough to refuse the file; a megabyte
			// for every account wrote and read 300 MB for the same sentence.
			first := true
			editItems(t, dir, "users.json", func(it map[string]any) bool {
				if !first {
					return false
				}
				first = false
				it["displayName"] = strings.Repeat("A", 1<<20)
				return true
			})
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
	ctx := t.Context()
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
	store, good, folder, snap := liveTenant(t, 200, emulator.Options{})
	syncFrom(t, good)
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
	runs, err := store.Runs(t.Context(), "", 10)
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
	tenants, err := store.Tenants(t.Context())
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
