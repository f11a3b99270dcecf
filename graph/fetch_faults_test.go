package graph_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph"
	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/inventory"
)

func TestFetchWarnsAboutRefusedCollections(t *testing.T) {
	t.Parallel()
	cases := []struct {
		forbidden string
		missing   string // collection not begun
		source    string
		field     string
		mention   []string
	}{
		{forbidden: "signIns", missing: inventory.CollSignIns, source: "signIns",
			mention: []string{"403 Forbidden", "AuditLog.Read.All", "Entra ID P1", "sign-in evidence was not checked"}},
		{forbidden: "perUserMfaState", missing: inventory.CollPerUserMFA, source: "perUserMfaState",
			mention: []string{"403 Forbidden", "Policy.Read.All", "per-user MFA was not checked"}},
		{forbidden: "groups", missing: inventory.CollGroups, source: "groups",
			mention: []string{"403 Forbidden", "GroupMember.Read.All"}},
		{forbidden: "rooms", missing: inventory.CollRooms, source: "rooms",
			mention: []string{"403 Forbidden", "Place.Read.All"}},
		{forbidden: "signInActivity", source: "users", field: "signInActivity",
			mention: []string{"403 Forbidden", "AuditLog.Read.All", "without last sign-in dates"}},
	}
	for _, tc := range cases {
		t.Run(tc.forbidden, func(t *testing.T) {
			want := testTenant(t, 30)
			srv := startEmulator(t, served(want), emulator.Options{Forbidden: []string{tc.forbidden}})
			rec, warnings, err := fetch(t, srv)
			if err != nil {
				t.Fatalf("Fetch: %v (a refused collection must not stop the sync)", err)
			}
			if len(warnings) != 1 {
				t.Fatalf("warnings %v, want one", warnings)
			}
			w := warnings[0]
			t.Logf("warning: %v", w)
			if w.Source != tc.source || w.Field != tc.field {
				t.Errorf("warning on %q %q, want %q %q", w.Source, w.Field, tc.source, tc.field)
			}
			for _, m := range tc.mention {
				if !strings.Contains(w.String(), m) {
					t.Errorf("warning %q does not say %q", w, m)
				}
			}
			for _, c := range inventory.Collections {
				if c == tc.missing {
					if _, ok := rec.got[c]; ok {
						t.Errorf("%s was begun though Graph refused it", c)
					}
					continue
				}
				if c == inventory.CollUsers && tc.forbidden == "signInActivity" {
					if len(rec.got[c]) != len(want[c]) {
						t.Errorf("users: got %d, want %d", len(rec.got[c]), len(want[c]))
					}
					continue
				}
				sameItems(t, c, rec.got[c], want[c])
			}
		})
	}
}

func TestFetchFailsWhenACollectionBreaksHalfway(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		opts    emulator.Options
		mention []string
	}{
		// The first users page served is the one-user probe of
		// signInActivity; the listing's pages follow.
		{"connection cut after the first users page", emulator.Options{PageSize: 7, CutAfterPages: map[string]int{"users": 2}}, []string{"users", "page 2"}},
		{"connection cut in a group's members", emulator.Options{PageSize: 7, CutAfterPages: map[string]int{"groups": 2}}, []string{"groups", "members of"}},
		{"connection cut on the first sign-in page", emulator.Options{CutAfterPages: map[string]int{"signIns": 0}}, []string{"signIns"}},
		{"garbled users page", emulator.Options{PageSize: 7, MalformedPage: map[string]int{"users": 4}}, []string{"users", "page 3", "not valid JSON"}},
		{"users refused", emulator.Options{Forbidden: []string{"users"}}, []string{"users", "403 Forbidden", "User.Read.All"}},
		{"garbled first registrations page", emulator.Options{MalformedPage: map[string]int{"userRegistrationDetails": 1}}, []string{"userRegistrationDetails", "not valid JSON"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := startEmulator(t, served(testTenant(t, 60)), tc.opts)
			_, warnings, err := fetch(t, srv)
			if err == nil {
				t.Fatalf("Fetch succeeded with %d warnings; a broken collection must fail the sync", len(warnings))
			}
			t.Logf("error: %v", err)
			if warnings != nil {
				t.Errorf("a failed Fetch returned warnings %v", warnings)
			}
			for _, m := range tc.mention {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not say %q", err, m)
				}
			}
		})
	}
}

func TestFetchWithAWrongToken(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, served(testTenant(t, 3)), emulator.Options{})
	_, err := newClient(t, srv, "not-the-token").Fetch(context.Background(), newRecorder(), graph.FetchOptions{Now: assessedAt})
	if err == nil {
		t.Fatal("Fetch with a wrong token succeeded")
	}
	t.Logf("error: %v", err)
	for _, m := range []string{"organization", "401 Unauthorized", "InvalidAuthenticationToken", graph.EnvAccessToken} {
		if !strings.Contains(err.Error(), m) {
			t.Errorf("error %q does not say %q", err, m)
		}
	}
	if strings.Contains(err.Error(), "not-the-token") {
		t.Errorf("error %q repeats the token", err)
	}
}

func TestFetchStopsWhenTheContextEnds(t *testing.T) {
	t.Parallel()
	// Every other request is throttled with Retry-After: 1; the context
	// ends while the SDK waits.
	srv := startEmulator(t, served(testTenant(t, 3)), emulator.Options{ThrottleEvery: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := newClient(t, srv, testToken).Fetch(ctx, newRecorder(), graph.FetchOptions{Now: assessedAt})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Fetch error %v, want the context's deadline", err)
	}
}

// statusLog is a transport that notes the method and status of every
// answer, to see what the SDK's pipeline met.
type statusLog struct {
	mu   sync.Mutex
	seen []string
}

func (l *statusLog) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil {
		l.mu.Lock()
		l.seen = append(l.seen, fmt.Sprintf("%s %d", req.Method, resp.StatusCode))
		l.mu.Unlock()
	}
	return resp, err
}

func TestFetchRetriesAThrottledBatch(t *testing.T) {
	t.Parallel()
	// Every $batch (the users counts, the per-user states) is throttled as
	// a whole the first time; the SDK's retry handler must resend its body.
	want := testTenant(t, 30)
	srv := startEmulator(t, served(want), emulator.Options{ThrottleBatches: true})
	log := &statusLog{}
	c, err := graph.NewClient(context.Background(), graph.Config{BaseURL: srv.URL, AccessToken: testToken, HTTPClient: &http.Client{Transport: log}})
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	if _, err := c.Fetch(context.Background(), rec, graph.FetchOptions{Now: assessedAt}); err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if !slices.Contains(log.seen, "POST 429") {
		t.Fatalf("no batch was throttled (answers %v); the test needs its request count adjusted", log.seen)
	}
	for _, c := range inventory.Collections {
		sameItems(t, c, rec.got[c], want[c])
	}
}

func TestFetchKeepsGroupsWhoseMembersAreHidden(t *testing.T) {
	t.Parallel()
	want := testTenant(t, 60)
	srv := startEmulator(t, served(want), emulator.Options{Forbidden: []string{"groupMembers"}})
	rec, warnings, err := fetch(t, srv)
	if err != nil {
		t.Fatalf("Fetch: %v (a group with hidden membership must not stop the sync)", err)
	}
	fields := map[string]bool{}
	for _, w := range warnings {
		t.Logf("warning: %v", w)
		fields[w.Field] = true
		if w.Source != inventory.CollGroups || !strings.Contains(w.Message, "Member.Read.Hidden") {
			t.Errorf("warning %v does not name groups and Member.Read.Hidden", w)
		}
	}
	if len(warnings) != 2 || !fields["g-big.members"] || !fields["g-twenty.members"] {
		t.Errorf("warnings on %v, want g-big.members and g-twenty.members", fields)
	}
	if len(rec.got[inventory.CollGroups]) != len(want[inventory.CollGroups]) {
		t.Errorf("got %d groups, want %d", len(rec.got[inventory.CollGroups]), len(want[inventory.CollGroups]))
	}
	for _, it := range rec.got[inventory.CollGroups] {
		g := canonicalObject(t, it)
		if members, _ := g["members"].([]any); g["id"] == "g-big" && len(members) != 20 {
			t.Errorf("g-big kept %d members, want the 20 Graph listed", len(members))
		}
	}
}
