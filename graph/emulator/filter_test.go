package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
)

// upnFolder is a tenant whose users have these UPNs (ids u-1, u-2, ...).
func upnFolder(upns ...string) export.Folder {
	f := export.Folder{}
	for i, upn := range upns {
		raw, _ := json.Marshal(map[string]string{"id": fmt.Sprintf("u-%d", i+1), "userPrincipalName": upn})
		f[inventory.CollUsers] = append(f[inventory.CollUsers], raw)
	}
	return f
}

func ids(t *testing.T, items []json.RawMessage) []string {
	t.Helper()
	var out []string
	for _, it := range items {
		var u struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(it, &u); err != nil {
			t.Fatal(err)
		}
		out = append(out, u.ID)
	}
	slices.Sort(out)
	return out
}

func filterURL(s *emulator.Server, path, filter string, rest ...string) string {
	q := "$filter=" + url.QueryEscape(filter)
	for _, r := range rest {
		q += "&" + r
	}
	return s.URL + path + "?" + q
}

func TestUsersHonourStartsWithOnTheUPN(t *testing.T) {
	s := start(t, upnFolder("Adele@contoso.com", "alex@contoso.com", "1st.line@contoso.com",
		"o'brien@contoso.com", "ann_fabrikam.com#EXT#@contoso.com", "bob@contoso.com"), emulator.Options{PageSize: 1})
	for _, tc := range []struct {
		prefix string
		want   []string
	}{
		{"a", []string{"u-1", "u-2", "u-5"}}, // without regard to case
		{"AD", []string{"u-1"}},
		{"1", []string{"u-3"}},
		{"o'", []string{"u-4"}},
		{"ann_fabrikam.com#", []string{"u-5"}},
		{"alex@", []string{"u-2"}},
		{"z", nil},
	} {
		lit := "'" + strings.ReplaceAll(tc.prefix, "'", "''") + "'"
		_, items := pages(t, s, filterURL(s, "/v1.0/users", "startswith(userPrincipalName,"+lit+")", "$select=id,signInActivity"))
		if got := ids(t, items); !slices.Equal(got, tc.want) {
			t.Errorf("startswith %q: %v, want %v", tc.prefix, got, tc.want)
		}
	}
}

// A filter the emulator does not honour is refused, never served
// unfiltered.
func TestFiltersTheEmulatorDoesNotKnowAreRefused(t *testing.T) {
	s := start(t, folder(3), emulator.Options{})
	for _, tc := range []struct{ path, filter string }{
		{"/v1.0/users", "displayName eq 'User 1'"},
		{"/v1.0/users", "startswith(displayName,'User')"},
		{"/v1.0/users", "startswith(userPrincipalName,'a') or startswith(userPrincipalName,'b')"},
		{"/v1.0/users", "startswith(userPrincipalName,'a') and accountEnabled eq true"},
		{"/v1.0/users", "startswith(userPrincipalName,'a"},
		{"/v1.0/groups", "startswith(displayName,'All')"},
		{"/v1.0/reports/authenticationMethods/userRegistrationDetails", "startswith(userPrincipalName,'a')"},
		{"/beta/auditLogs/signIns", "createdDateTime lt 2026-10-21T12:00:00Z"},
		{"/beta/auditLogs/signIns", "createdDateTime gt 2026-10-21T12:00:00Z"},
		{"/beta/auditLogs/signIns", "appDisplayName eq 'Teams'"},
		{"/beta/auditLogs/signIns", "createdDateTime ge yesterday"},
	} {
		resp, body := get(t, filterURL(s, tc.path, tc.filter))
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s?$filter=%s: %d %s, want 400", tc.path, tc.filter, resp.StatusCode, body)
		}
	}
}

func TestUserCountsNeedAnAdvancedQuery(t *testing.T) {
	s := start(t, upnFolder("ann@contoso.com", "amy@contoso.com", "bob@contoso.com"), emulator.Options{})
	// $count=true without ConsistencyLevel is ignored, as Graph does.
	resp, body := get(t, filterURL(s, "/v1.0/users", "startswith(userPrincipalName,'a')", "$count=true", "$top=1"))
	if resp.StatusCode != http.StatusOK || strings.Contains(string(body), "@odata.count") {
		t.Errorf("without ConsistencyLevel: %d %s, want no count", resp.StatusCode, body)
	}
	resp, body = get(t, filterURL(s, "/v1.0/users", "startswith(userPrincipalName,'a')", "$count=true", "$top=1"), "ConsistencyLevel", "eventual")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"@odata.count":2`) {
		t.Errorf("with ConsistencyLevel: %d %s, want a count of 2", resp.StatusCode, body)
	}
	resp, body = get(t, s.URL+"/v1.0/users/$count")
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("/users/$count without ConsistencyLevel: %d %s, want 400", resp.StatusCode, body)
	}
	resp, body = get(t, s.URL+"/v1.0/users/$count", "ConsistencyLevel", "eventual")
	if resp.StatusCode != http.StatusOK || string(body) != "3" {
		t.Errorf("/users/$count: %d %s, want 3", resp.StatusCode, body)
	}
	// In a batch the header goes with the step.
	status, answers := postBatchSteps(t, s, `{"id":"1","method":"GET","url":"/users?$filter=startswith(userPrincipalName,'b')&$count=true&$top=1&$select=id","headers":{"ConsistencyLevel":"eventual"}}`)
	if status != http.StatusOK || answers["1"].Status != http.StatusOK || !strings.Contains(string(answers["1"].Body), `"@odata.count":1`) {
		t.Errorf("batched count: %d %+v", status, answers["1"])
	}
}

func TestAUserByID(t *testing.T) {
	s := start(t, upnFolder("ann@contoso.com"), emulator.Options{})
	resp, body := get(t, s.URL+"/v1.0/users/u-1?$select=id,signInActivity")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "ann@contoso.com") {
		t.Errorf("GET /users/u-1: %d %s", resp.StatusCode, body)
	}
	if resp, _ := get(t, s.URL+"/v1.0/users/u-9"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /users/u-9: %d, want 404", resp.StatusCode)
	}
}

func TestSignInsByWindowNewestFirst(t *testing.T) {
	f := export.Folder{}
	for i, at := range []string{"2026-11-01T00:00:00Z", "2026-11-03T00:00:00Z", "2026-11-02T00:00:00Z", "2026-11-02T00:00:00.5Z"} {
		f[inventory.CollSignIns] = append(f[inventory.CollSignIns], json.RawMessage(fmt.Sprintf(`{"id":"s-%d","createdDateTime":%q,"isInteractive":%t}`, i+1, at, i != 3)))
	}
	s := start(t, f, emulator.Options{})
	both := "signInEventTypes/any(t: t eq 'interactiveUser' or t eq 'nonInteractiveUser')"
	for _, tc := range []struct {
		filter string
		want   string
	}{
		{"", "s-2 s-3 s-1"}, // interactive only, newest first
		{both, "s-2 s-4 s-3 s-1"},
		{"createdDateTime ge 2026-11-02T00:00:00Z and createdDateTime le 2026-11-02T00:00:00.5Z and " + both, "s-4 s-3"},
		{"createdDateTime le 2026-11-02T00:00:00Z and " + both, "s-3 s-1"},
		{"createdDateTime eq 2026-11-03T00:00:00Z", "s-2"},
	} {
		u := s.URL + "/beta/auditLogs/signIns"
		if tc.filter != "" {
			u = filterURL(s, "/beta/auditLogs/signIns", tc.filter)
		}
		_, items := pages(t, s, u)
		var got []string
		for _, it := range items {
			var e struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal(it, &e)
			got = append(got, e.ID)
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%q: %v, want %s", tc.filter, got, tc.want)
		}
	}
}
