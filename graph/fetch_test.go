package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph"
	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
)

// testToken is the bearer token the emulator demands in these tests.
const testToken = "emulator-token"

func startEmulator(tb testing.TB, f export.Folder, opts emulator.Options) *emulator.Server {
	tb.Helper()
	opts.RequireToken = testToken
	s := emulator.New(f, opts)
	tb.Cleanup(s.Close)
	return s
}

// newClient is the real SDK client over plain http to 127.0.0.1.
func newClient(tb testing.TB, s *emulator.Server, token string) *graph.Client {
	tb.Helper()
	c, err := graph.NewClient(context.Background(), graph.Config{BaseURL: s.URL, AccessToken: token})
	if err != nil {
		tb.Fatalf("NewClient: %v", err)
	}
	return c
}

func fetch(t *testing.T, s *emulator.Server) (*recorder, []inventory.Warning, error) {
	t.Helper()
	rec := newRecorder()
	w, err := newClient(t, s, testToken).Fetch(context.Background(), rec, graph.FetchOptions{Now: assessedAt})
	return rec, w, err
}

func TestFetchReadsEveryObject(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		users     int
		opts      emulator.Options
		throttled bool
	}{
		{name: "Graph's own page limits", users: 250},
		{name: "pages of 7 objects", users: 60, opts: emulator.Options{PageSize: 7}},
		{name: "429 on plain requests", users: 130, opts: emulator.Options{ThrottleEvery: 9}, throttled: true},
		{name: "429 inside batch answers", users: 130, opts: emulator.Options{BatchThrottleEvery: 25}, throttled: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // the throttled cases mostly wait out Retry-After
			want := testTenant(t, tc.users)
			srv := startEmulator(t, served(want), tc.opts)
			rec, warnings, err := fetch(t, srv)
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if len(warnings) != 0 {
				t.Errorf("warnings: %v", warnings)
			}
			// Read side by side, the collections begin in any order, each
			// once (the recorder refuses a second Begin).
			if !slices.Equal(slices.Sorted(slices.Values(rec.order)), slices.Sorted(slices.Values(inventory.Collections))) {
				t.Errorf("collections begun %v, want %v", rec.order, inventory.Collections)
			}
			for _, c := range inventory.Collections {
				sameItems(t, c, rec.got[c], want[c])
			}
			if tc.throttled && srv.Throttled() == 0 {
				t.Errorf("the emulator throttled nothing, so the case tests nothing")
			}
		})
	}
}

func TestFetchKeepsValuesTheSDKDoesNotKnow(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, served(testTenant(t, 5)), emulator.Options{})
	rec, _, err := fetch(t, srv)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	for _, tc := range []struct{ collection, value string }{
		{inventory.CollPolicies, `"builtInControls":["mfa","someNewControl"]`},
		{inventory.CollPolicies, `"clientAppTypes":["exchangeActiveSync","someNewClientApp"]`},
		{inventory.CollSignIns, `"authenticationRequirement":"someFutureRequirement"`},
		{inventory.CollPerUserMFA, `"perUserMfaState":"someFutureState"`},
	} {
		found := false
		for _, it := range rec.got[tc.collection] {
			found = found || strings.Contains(string(it), tc.value)
		}
		if !found {
			t.Errorf("%s: no item holds %s as Graph wrote it", tc.collection, tc.value)
		}
	}
}

func TestFetchMembersBeyondTheExpandCut(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, served(testTenant(t, 60)), emulator.Options{PageSize: 7})
	rec, _, err := fetch(t, srv)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	counts := map[string]int{}
	for _, c := range []string{inventory.CollGroups, inventory.CollDirectoryRoles} {
		for _, it := range rec.got[c] {
			fields := canonicalObject(t, it)
			members, _ := fields["members"].([]any)
			counts[fields["id"].(string)] = len(members)
		}
	}
	want := map[string]int{"g-small": 4, "g-twenty": 20, "g-big": 45, "g-empty": 0, "r-ga": 25, "r-sync": 1}
	for id, n := range want {
		if counts[id] != n {
			t.Errorf("%s has %d members, want %d", id, counts[id], n)
		}
	}
}

func TestFetchReportsProgress(t *testing.T) {
	t.Parallel()
	want := testTenant(t, 250)
	srv := startEmulator(t, served(want), emulator.Options{Latency: 5 * time.Millisecond})
	last := map[string]graph.CollectionProgress{}
	calls, estimates := 0, 0
	var final graph.Progress
	opts := graph.FetchOptions{Now: assessedAt, Progress: func(p graph.Progress) {
		calls++
		final = p
		if p.Remaining > 0 {
			estimates++
		}
		if len(p.Collections) != len(inventory.Collections) {
			t.Fatalf("progress names %d collections, want %d", len(p.Collections), len(inventory.Collections))
		}
		for i, c := range p.Collections {
			if c.Collection != inventory.Collections[i] {
				t.Errorf("collection %d is %s, want %s", i, c.Collection, inventory.Collections[i])
			}
			before := last[c.Collection]
			if c.Items < before.Items || c.Requests < before.Requests {
				t.Errorf("progress of %s went back from %+v to %+v", c.Collection, before, c)
			}
			if c.RequestsTotal < c.Requests {
				t.Errorf("%s expects %d requests in all, after %d", c.Collection, c.RequestsTotal, c.Requests)
			}
			last[c.Collection] = c
		}
	}}
	if _, err := newClient(t, srv, testToken).Fetch(context.Background(), newRecorder(), opts); err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	for _, c := range final.Collections {
		if c.State != graph.CollectionDone {
			t.Errorf("%s ended %s, want done", c.Collection, c.State)
		}
	}
	users, perUser := last[inventory.CollUsers], last[inventory.CollPerUserMFA]
	if users.Items != 250 || users.ItemsTotal != 250 || perUser.Items != 250 || perUser.ItemsTotal != 250 {
		t.Errorf("progress ended at users %+v and per-user states %+v, want 250 of 250 each", users, perUser)
	}
	if final.Requests != srv.Requests() {
		t.Errorf("progress counted %d requests, the emulator answered %d", final.Requests, srv.Requests())
	}
	if calls < 3+13 { // three pages of users, 13 batches
		t.Errorf("progress was told %d times, want one call per page or batch", calls)
	}
	if estimates == 0 {
		t.Error("progress never estimated the time left")
	}
	t.Logf("last progress: %s", final)
	if s := final.String(); !strings.Contains(s, "requests") || !strings.Contains(s, "elapsed") {
		t.Errorf("progress line %q", s)
	}
}

func TestFetchDecodesToTheFoldersSnapshot(t *testing.T) {
	t.Parallel()
	want := testTenant(t, 130)
	direct := export.NewDecoder()
	if err := want.Feed(direct); err != nil {
		t.Fatal(err)
	}
	srv := startEmulator(t, served(want), emulator.Options{PageSize: 7})
	live := export.NewDecoder()
	rec := newRecorder()
	warnings, err := newClient(t, srv, testToken).Fetch(context.Background(), export.Tee{rec, live}, graph.FetchOptions{Now: assessedAt})
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings: %v", warnings)
	}
	got, exp := live.Snapshot(), direct.Snapshot()
	if !reflect.DeepEqual(got, exp) {
		t.Errorf("the live snapshot differs from the folder's:\n got %+v\nwant %+v", got, exp)
	}
	if len(got.Users) != 130 || len(got.PerUserMFA) != 130 || !got.Present[inventory.CollSignIns] {
		t.Errorf("snapshot has %d users, %d per-user states, sign-ins present %v", len(got.Users), len(got.PerUserMFA), got.Present[inventory.CollSignIns])
	}
}

// Per-user MFA states are asked for only where they can change a verdict:
// the other accounts' items say why they were not read, and the snapshot
// carries it for the account page.
func TestFetchReadsPerUserStatesOnlyWhereTheyCount(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(export.Folder)
		read   func(i int) bool // which users' states are read
		reason string           // why the others are not
	}{
		{
			name: "security defaults on",
			edit: func(f export.Folder) {
				f[inventory.CollSecurityDefaults][0] = json.RawMessage(`{"id":"00000000-0000-0000-0000-000000000005","isEnabled":true}`)
			},
			// User 26 holds the Directory Synchronization Accounts role,
			// which security defaults exclude by design.
			read:   func(i int) bool { return i == 26 },
			reason: "security defaults enforce MFA",
		},
		{
			name: "a policy requiring MFA of all but a group",
			edit: func(f export.Folder) {
				p := strings.Replace(string(f[inventory.CollPolicies][0]), `"builtInControls":["mfa","someNewControl"]`, `"builtInControls":["mfa"]`, 1)
				f[inventory.CollPolicies][0] = json.RawMessage(p)
			},
			read:   func(i int) bool { return i <= 45 }, // g-big, which the policy excludes
			reason: "Require MFA enforces MFA",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := testTenant(t, 60)
			tc.edit(want)
			srv := startEmulator(t, served(want), emulator.Options{})
			steps := &urlLog{}
			c, err := graph.NewClient(context.Background(), graph.Config{BaseURL: srv.URL, AccessToken: testToken, HTTPClient: &http.Client{Transport: steps}})
			if err != nil {
				t.Fatal(err)
			}
			dec := export.NewDecoder()
			if _, err := c.Fetch(context.Background(), dec, graph.FetchOptions{Now: assessedAt}); err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			snap := dec.Snapshot()
			for i := 1; i <= 60; i++ {
				id := fmt.Sprintf("00000000-0000-0000-0000-%012d", i)
				state, read := snap.PerUserMFA[id]
				reason, skipped := snap.PerUserMFANotRead[id]
				switch {
				case tc.read(i) && (!read || skipped):
					t.Errorf("user %d: state %q read %v, skipped %v (%s); want it read", i, state, read, skipped, reason)
				case !tc.read(i) && (read || reason != tc.reason):
					t.Errorf("user %d: state %q read %v, not read because %q; want not read because %q", i, state, read, reason, tc.reason)
				}
			}
			// One $batch step a read state, none for the others.
			reads := 0
			for i := 1; i <= 60; i++ {
				if tc.read(i) {
					reads++
				}
			}
			if got := steps.count("/authentication/requirements"); got != reads {
				t.Errorf("%d per-user $batch steps, want %d", got, reads)
			}
		})
	}
}

// export-graph writes what Fetch reads, collections side by side, into an
// export folder that reads back as the same snapshot.
func TestFetchWritesAnExportFolder(t *testing.T) {
	srv := startEmulator(t, served(testTenant(t, 130)), emulator.Options{PageSize: 7})
	dir := t.TempDir() + "/export"
	w, err := export.NewFolderWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	live := export.NewDecoder()
	if _, err := newClient(t, srv, testToken).Fetch(context.Background(), export.Tee{w, live}, graph.FetchOptions{Now: assessedAt}); err != nil {
		w.Abort()
		t.Fatalf("Fetch: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	back, err := export.FolderSource(dir).Read(context.Background())
	if err != nil {
		t.Fatalf("the folder does not read back: %v", err)
	}
	if got, want := back, live.Snapshot(); !reflect.DeepEqual(got, want) {
		t.Errorf("the folder reads back differently:\n got %+v\nwant %+v", got, want)
	}
}
