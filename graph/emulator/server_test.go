package emulator_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
)

func userID(i int) string { return fmt.Sprintf("u-%04d", i) }

// folder is a tenant of n users, a group of all of them, a room, a
// security defaults policy and two sign-ins a month apart.
func folder(n int) export.Folder {
	f := export.Folder{}
	var members []string
	for i := 1; i <= n; i++ {
		f[inventory.CollUsers] = append(f[inventory.CollUsers], json.RawMessage(fmt.Sprintf(`{"id":%q,"displayName":"User %d"}`, userID(i), i)))
		members = append(members, fmt.Sprintf(`{"@odata.type":"#microsoft.graph.user","id":%q}`, userID(i)))
	}
	f[inventory.CollGroups] = []json.RawMessage{
		json.RawMessage(`{"id":"g-all","displayName":"All","members":[` + strings.Join(members, ",") + `]}`),
		json.RawMessage(`{"id":"g-none","displayName":"None","members":[]}`),
	}
	f[inventory.CollRooms] = []json.RawMessage{json.RawMessage(`{"id":"room-1","emailAddress":"room1@contoso.example"}`)}
	f[inventory.CollSecurityDefaults] = []json.RawMessage{json.RawMessage(`{"id":"sd","isEnabled":true}`)}
	f[inventory.CollPerUserMFA] = []json.RawMessage{json.RawMessage(`{"id":"u-0001","perUserMfaState":"enforced"}`)}
	f[inventory.CollSignIns] = []json.RawMessage{
		json.RawMessage(`{"id":"s-old","createdDateTime":"2026-09-01T00:00:00Z"}`),
		json.RawMessage(`{"id":"s-new","createdDateTime":"2026-11-01T00:00:00Z"}`),
	}
	return f
}

func start(t *testing.T, f export.Folder, opts emulator.Options) *emulator.Server {
	t.Helper()
	s := emulator.New(f, opts)
	t.Cleanup(s.Close)
	return s
}

type page struct {
	Value    []json.RawMessage `json:"value"`
	NextLink string            `json:"@odata.nextLink"`
}

type graphError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func get(t *testing.T, rawURL string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", rawURL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read: %v", rawURL, err)
	}
	return resp, body
}

// pages follows nextLinks from rawURL and returns each page's size.
func pages(t *testing.T, s *emulator.Server, rawURL string) (sizes []int, items []json.RawMessage) {
	t.Helper()
	for rawURL != "" {
		resp, body := get(t, rawURL)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", rawURL, resp.StatusCode, body)
		}
		var p page
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatalf("GET %s: %v", rawURL, err)
		}
		if p.NextLink != "" && !strings.HasPrefix(p.NextLink, s.URL+"/") {
			t.Fatalf("nextLink %s is not an absolute link to the emulator", p.NextLink)
		}
		sizes = append(sizes, len(p.Value))
		items = append(items, p.Value...)
		rawURL = p.NextLink
	}
	return sizes, items
}

func TestPagesFollowGraphsLimits(t *testing.T) {
	t.Parallel()
	s := start(t, folder(250), emulator.Options{})
	cases := []struct {
		name string
		path string
		want []int
	}{
		{"no $top: 100 a page", "/v1.0/users", []int{100, 100, 50}},
		{"$top=999", "/v1.0/users?$top=999", []int{250}},
		{"signInActivity caps users at 120", "/v1.0/users?$top=999&$select=id,signInActivity", []int{120, 120, 10}},
		{"percent-encoded $top", "/v1.0/users?%24top=60", []int{60, 60, 60, 60, 10}},
		{"group members", "/v1.0/groups/g-all/members?$top=200", []int{200, 50}},
		{"members of an empty group", "/v1.0/groups/g-none/members", []int{0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sizes, items := pages(t, s, s.URL+tc.path)
			if fmt.Sprint(sizes) != fmt.Sprint(tc.want) {
				t.Errorf("page sizes %v, want %v", sizes, tc.want)
			}
			seen := map[string]bool{}
			for _, it := range items {
				if seen[string(it)] {
					t.Errorf("item %s served twice", it)
				}
				seen[string(it)] = true
			}
		})
	}
}

func TestPageSizeCapsEveryPage(t *testing.T) {
	t.Parallel()
	s := start(t, folder(20), emulator.Options{PageSize: 7})
	sizes, _ := pages(t, s, s.URL+"/v1.0/users?$top=999")
	if fmt.Sprint(sizes) != "[7 7 6]" {
		t.Errorf("page sizes %v, want [7 7 6]", sizes)
	}
}

func TestExpandMembersStopsAtTwenty(t *testing.T) {
	t.Parallel()
	s := start(t, folder(45), emulator.Options{})
	_, items := pages(t, s, s.URL+"/v1.0/groups?$expand=members")
	got := map[string]int{}
	for _, it := range items {
		var g struct {
			ID      string            `json:"id"`
			Members []json.RawMessage `json:"members"`
		}
		if err := json.Unmarshal(it, &g); err != nil {
			t.Fatal(err)
		}
		got[g.ID] = len(g.Members)
		if strings.Contains(string(it), "members@odata.nextLink") {
			t.Errorf("group %s links to the rest of its members; Graph does not", g.ID)
		}
	}
	if got["g-all"] != 20 || got["g-none"] != 0 {
		t.Errorf("expanded members %v, want g-all 20 and g-none 0", got)
	}
	_, items = pages(t, s, s.URL+"/v1.0/groups")
	if strings.Contains(string(items[0]), `"members"`) {
		t.Errorf("without $expand a group came with members: %s", items[0])
	}
}

func TestRoomPaths(t *testing.T) {
	t.Parallel()
	s := start(t, folder(1), emulator.Options{})
	for _, p := range []string{"/v1.0/places/microsoft.graph.room", "/v1.0/places/graph.room", "/v1.0/places/microsoft%2Egraph%2Eroom", "/beta/places/microsoft.graph.room"} {
		_, items := pages(t, s, s.URL+p)
		if len(items) != 1 || !strings.Contains(string(items[0]), "room1@contoso.example") {
			t.Errorf("%s served %s", p, items)
		}
	}
}

func TestSecurityDefaultsIsOneObject(t *testing.T) {
	t.Parallel()
	s := start(t, folder(1), emulator.Options{})
	resp, body := get(t, s.URL+"/v1.0/policies/identitySecurityDefaultsEnforcementPolicy")
	if resp.StatusCode != http.StatusOK || string(body) != `{"id":"sd","isEnabled":true}` {
		t.Errorf("got %d %s", resp.StatusCode, body)
	}
}

func TestSignInsHonourTheDateFilter(t *testing.T) {
	t.Parallel()
	s := start(t, folder(1), emulator.Options{})
	filter := url.QueryEscape("createdDateTime ge 2026-10-21T12:00:00Z and signInEventTypes/any(t: t eq 'interactiveUser' or t eq 'nonInteractiveUser')")
	_, items := pages(t, s, s.URL+"/beta/auditLogs/signIns?$filter="+filter)
	if len(items) != 1 || !strings.Contains(string(items[0]), "s-new") {
		t.Errorf("filtered sign-ins %s, want s-new only", items)
	}
	_, items = pages(t, s, s.URL+"/beta/auditLogs/signIns")
	if len(items) != 2 {
		t.Errorf("unfiltered sign-ins %s, want both", items)
	}
}

func TestErrorsAreShapedLikeGraphs(t *testing.T) {
	t.Parallel()
	s := start(t, folder(3), emulator.Options{Forbidden: []string{"signIns", "signInActivity"}, RequireToken: "tok"})
	auth := []string{"Authorization", "Bearer tok"}
	cases := []struct {
		name   string
		path   string
		header []string
		status int
		code   string
	}{
		{"no token", "/v1.0/users", nil, 401, "InvalidAuthenticationToken"},
		{"wrong token", "/v1.0/users", []string{"Authorization", "Bearer nope"}, 401, "InvalidAuthenticationToken"},
		{"forbidden collection", "/beta/auditLogs/signIns", auth, 403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant"},
		{"signInActivity without a licence", "/v1.0/users?$select=id,signInActivity", auth, 403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant"},
		{"unknown group", "/v1.0/groups/g-nope/members", auth, 404, "Request_ResourceNotFound"},
		{"no version", "/users", auth, 400, "BadRequest"},
		{"requirements in v1.0", "/v1.0/users/u-0001/authentication/requirements", auth, 400, "BadRequest"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, s.URL+tc.path, tc.header...)
			var e graphError
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("error body %q: %v", body, err)
			}
			if resp.StatusCode != tc.status || e.Error.Code != tc.code || e.Error.Message == "" {
				t.Errorf("got %d %s %q, want %d %s", resp.StatusCode, e.Error.Code, e.Error.Message, tc.status, tc.code)
			}
		})
	}
	resp, _ := get(t, s.URL+"/v1.0/users", auth...)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the right token got %d", resp.StatusCode)
	}
}

func TestThrottlingLetsTheRetryThrough(t *testing.T) {
	t.Parallel()
	s := start(t, folder(3), emulator.Options{ThrottleEvery: 1})
	resp, _ := get(t, s.URL+"/v1.0/users")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" {
		t.Fatalf("first request: %d, Retry-After %q; want 429 with Retry-After 1", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	resp, _ = get(t, s.URL+"/v1.0/users")
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the retry got %d; the same request must not be throttled twice in a row", resp.StatusCode)
	}
	resp, _ = get(t, s.URL+"/v1.0/groups")
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the next request got %d, want 429", resp.StatusCode)
	}
	if s.Throttled() != 2 || s.Requests() != 3 {
		t.Errorf("throttled %d of %d requests, want 2 of 3", s.Throttled(), s.Requests())
	}
}

func TestLatency(t *testing.T) {
	s := start(t, folder(1), emulator.Options{Latency: 50 * time.Millisecond})
	began := time.Now()
	for range 4 {
		if resp, _ := get(t, s.URL+"/v1.0/organization"); resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	if took := time.Since(began); took < 200*time.Millisecond {
		t.Errorf("4 requests took %v, want at least 4 × 50 ms", took)
	}
}

func TestStorm(t *testing.T) {
	s := start(t, folder(1), emulator.Options{StormAfter: 1, StormFor: 300 * time.Millisecond})
	var statuses []int
	for i := range 4 {
		if i == 3 {
			time.Sleep(400 * time.Millisecond) // the storm is over
		}
		resp, _ := get(t, s.URL+"/v1.0/organization")
		statuses = append(statuses, resp.StatusCode)
		if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") != "1" {
			t.Errorf("a 429 without Retry-After: 1")
		}
	}
	// The storm begins with the second request: it and the third, right
	// after it, are throttled; the fourth comes after the storm.
	if fmt.Sprint(statuses) != "[200 429 429 200]" {
		t.Errorf("statuses %v, want the second and third throttled", statuses)
	}
}

func TestPageFaults(t *testing.T) {
	t.Parallel()
	t.Run("connection cut", func(t *testing.T) {
		s := start(t, folder(30), emulator.Options{PageSize: 10, CutAfterPages: map[string]int{"users": 1}})
		resp, body := get(t, s.URL+"/v1.0/users")
		var p page
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &p) != nil {
			t.Fatalf("first page: %d %s", resp.StatusCode, body)
		}
		resp, err := http.Get(p.NextLink)
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		if err == nil {
			t.Error("the second page arrived whole; its connection should have been cut")
		}
	})
	t.Run("malformed page", func(t *testing.T) {
		s := start(t, folder(30), emulator.Options{PageSize: 10, MalformedPage: map[string]int{"users": 2}})
		_, body := get(t, s.URL+"/v1.0/users")
		var p page
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatalf("page 1 is broken: %v", err)
		}
		_, body = get(t, p.NextLink)
		if json.Valid(body) {
			t.Errorf("page 2 is valid JSON: %s", body)
		}
	})
}
