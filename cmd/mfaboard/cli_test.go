package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// runCLI runs one command line as main would, with nothing on stdin
// (runCLIWithInput).
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCLIWithInput(t, "", args...)
}

// demoFolder is a generated tenant as Graph would serve it.
func demoFolder(users int) (export.Folder, *inventory.Snapshot) {
	snap := demo.Generate(demo.Options{Users: users, Seed: 3, AsOf: time.Now().UTC()})
	return export.EncodeSnapshot(snap), snap
}

// useDatabase points the CLI at a fresh migrated database and returns a
// store on it for assertions; a fuzz target's database serves all its
// inputs.
func useDatabase(tb testing.TB) *pg.Store {
	store, url := pgtest.NewStore(tb)
	setEnv(tb, "DATABASE_URL", url)
	return store
}

func useToken(t *testing.T) {
	for _, k := range []string{"GRAPH_TENANT_ID", "GRAPH_CLIENT_ID", "GRAPH_CLIENT_SECRET", "GRAPH_CLIENT_CERTIFICATE", "GRAPH_BASE_URL"} {
		setEnv(t, k, "")
	}
	setEnv(t, "GRAPH_ACCESS_TOKEN", "test-token")
}

// testEnvs is the environment the CLI sees in each test, by the name of
// the test at the top (a subtest's or a fuzz input's command sees its
// test's), over the process's own: tests that run in parallel never see
// each other's database or token.
var testEnvs = struct {
	sync.Mutex
	by map[string]map[string]string
}{by: map[string]map[string]string{}}

func topTest(tb testing.TB) string {
	name, _, _ := strings.Cut(tb.Name(), "/")
	return name
}

// setEnv sets key for the commands tb's test runs, until it ends.
func setEnv(tb testing.TB, key, value string) {
	tb.Helper()
	top := topTest(tb)
	testEnvs.Lock()
	defer testEnvs.Unlock()
	if testEnvs.by[top] == nil {
		testEnvs.by[top] = map[string]string{}
		tb.Cleanup(func() {
			testEnvs.Lock()
			defer testEnvs.Unlock()
			delete(testEnvs.by, top)
		})
	}
	testEnvs.by[top][key] = value
}

// getenvOf is the environment of tb's test: what setEnv set, else the
// process's.
func getenvOf(tb testing.TB) func(string) string {
	top := topTest(tb)
	return func(key string) string {
		testEnvs.Lock()
		v, ok := testEnvs.by[top][key]
		testEnvs.Unlock()
		if ok {
			return v
		}
		return os.Getenv(key)
	}
}

func TestSyncFromGraphEmulatorThroughThrottling(t *testing.T) {
	t.Parallel()
	store := useDatabase(t)
	useToken(t)
	folder, snap := demoFolder(400)
	emu := emulator.New(folder, emulator.Options{ThrottleEvery: 7, BatchThrottleEvery: 11, RequireToken: "test-token"})
	defer emu.Close()

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
	page, err := store.ListAccounts(context.Background(), pg.AccountFilter{TenantID: snap.Tenant.ID, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != len(snap.Users) {
		t.Fatalf("stored %d accounts, want %d", page.Total, len(snap.Users))
	}
	tenants, err := store.Tenants(context.Background())
	if err != nil || len(tenants) != 1 || tenants[0].Kind != inventory.KindCSP {
		t.Fatalf("tenant not recorded as csp: %+v %v", tenants, err)
	}
	runs, err := store.Runs(context.Background(), "", 10)
	if err != nil || len(runs) != 1 || runs[0].Status != pg.RunSucceeded || runs[0].Source != pg.SourceGraph {
		t.Fatalf("runs = %+v, %v", runs, err)
	}
}

func TestSyncCutMidPaginationKeepsPreviousState(t *testing.T) {
	t.Parallel()
	store := useDatabase(t)
	useToken(t)
	ctx := context.Background()
	folder, snap := demoFolder(300)
	good := emulator.New(folder, emulator.Options{})
	defer good.Close()
	if code, out, errOut := runCLI(t, "sync", "--graph-url", good.URL); code != exitOK {
		t.Fatalf("first sync exit %d: %s %s", code, out, errOut)
	}
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
	t.Parallel()
	store := useDatabase(t)
	useToken(t)
	folder, snap := demoFolder(200)
	emu := emulator.New(folder, emulator.Options{})
	defer emu.Close()
	ctx := context.Background()
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
	tenants, err := store.Tenants(context.Background())
	if err != nil || len(tenants) != 1 || !strings.HasSuffix(tenants[0].ID, ".onmicrosoft.com") {
		t.Fatalf("tenant = %+v, %v; want the onmicrosoft.com domain", tenants, err)
	}
}
