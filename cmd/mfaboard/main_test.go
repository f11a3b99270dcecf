package main

import (
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// The openings the command's tests share: running a command line as main
// would, in an environment of the test's own, against a database of the
// test's own; and the pieces the job and benchmark tests build serve's
// parts from.

// runCLI runs one command line as main would, with nothing on stdin
// (runCLIWithInput).
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCLIWithInput(t, "", args...)
}

// runCLIWithInput runs one command line as main would, with stdin, in the
// test's environment (setEnv), and returns the exit code and both streams.
func runCLIWithInput(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut webtest.LockedBuffer
	code := runWithInput(t.Context(), args, strings.NewReader(stdin), &out, &errOut, getenvOf(t))
	return code, out.String(), errOut.String()
}

// useDatabase points the CLI at a fresh migrated database and returns a
// store on it for assertions; a fuzz target's database serves all its
// inputs.
func useDatabase(tb testing.TB) *pg.Store {
	store, url := pgtest.NewStore(tb)
	setEnv(tb, "DATABASE_URL", url)
	return store
}

// wantRefused runs the command line args and fails t unless it exits 2
// with want in what it says, and no stack trace.
func wantRefused(t *testing.T, want string, args ...string) {
	t.Helper()
	code, _, errOut := runCLI(t, args...)
	if code != exitBadArgs || !strings.Contains(errOut, want) || strings.Contains(errOut, "goroutine") {
		t.Errorf("%v: exit %d, stderr %q; want %d and %q", args, code, errOut, exitBadArgs, want)
	}
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

// quietEnv is a command's environment for a test or benchmark that calls
// the command's parts directly: no output, no log, an empty environment.
func quietEnv() *cliEnv {
	return &cliEnv{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" },
		log: slog.New(slog.DiscardHandler)}
}

// eventually waits, up to a minute, for done to hold, failing tb with
// never when it does not.
func eventually(tb testing.TB, never string, done func() bool) {
	tb.Helper()
	for range 300 {
		if done() {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	tb.Fatal(never)
}
