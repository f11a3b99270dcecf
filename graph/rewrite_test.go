package graph

import (
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/export"
)

func TestWithMembersKeepsTheRestAsWritten(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, object, want string
	}{
		{"members replaced in place",
			`{"id":"g","members":[{"id":"a"}],"displayName":"G \u00e9","extra":{"n":1.50}}`,
			`{"id":"g","members":[{"id":"a"},{"id":"b"}],"displayName":"G \u00e9","extra":{"n":1.50}}`},
		{"annotations of the cut list dropped",
			`{"id":"g","members@odata.context":"x","members":[]}`,
			`{"id":"g","members":[{"id":"a"},{"id":"b"}]}`},
		{"members added when absent",
			`{"id":"g"}`,
			`{"id":"g","members":[{"id":"a"},{"id":"b"}]}`},
	}
	all := []json.RawMessage{json.RawMessage(`{"id":"a"}`), json.RawMessage(`{"id":"b"}`)}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fields, err := export.ObjectFields([]byte(tc.object))
			if err != nil {
				t.Fatal(err)
			}
			if got := string(withMembers(fields, all)); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestRequirementItem(t *testing.T) {
	t.Parallel()
	got, err := requirementItem("u-1", json.RawMessage(`{"@odata.context":"https://graph.microsoft.com/beta/$metadata#x","perUserMfaState":"enforced","id":"ignored"}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"id":"u-1","perUserMfaState":"enforced"}`; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if _, err := requirementItem("u-1", json.RawMessage(`null`)); err == nil {
		t.Error("a null answer was accepted")
	}
}

func TestStepDelay(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		headers map[string]string
		attempt int
		want    time.Duration
	}{
		{"seconds", map[string]string{"Retry-After": "3"}, 1, 3 * time.Second},
		{"any case", map[string]string{"retry-after": "1"}, 1, time.Second},
		{"fraction", map[string]string{"Retry-After": "0.5"}, 1, 500 * time.Millisecond},
		{"capped", map[string]string{"Retry-After": "100000"}, 1, maxStepWait},
		{"absent, first retry", nil, 1, defaultStepDelay},
		{"absent, third retry", nil, 3, 4 * defaultStepDelay},
		{"date in the past", map[string]string{"Retry-After": "Mon, 02 Jan 2006 15:04:05 GMT"}, 1, 0},
	}
	for _, tc := range cases {
		if got := stepDelay(tc.headers, tc.attempt); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestSameOrigin(t *testing.T) {
	t.Parallel()
	base, _ := url.Parse("https://graph.microsoft.com")
	cases := []struct {
		link string
		want bool
	}{
		{"https://graph.microsoft.com/v1.0/users?$skiptoken=x", true},
		{"https://GRAPH.microsoft.com:443/v1.0/users", true},
		{"http://graph.microsoft.com/v1.0/users", false},
		{"https://graph.microsoft.com.evil.example/v1.0/users", false},
		{"https://graph.microsoft.com:8443/v1.0/users", false},
	}
	for _, tc := range cases {
		u, _ := url.Parse(tc.link)
		if got := sameOrigin(u, base); got != tc.want {
			t.Errorf("sameOrigin(%s) = %v, want %v", tc.link, got, tc.want)
		}
	}
}

func TestTopString(t *testing.T) {
	cases := []struct {
		raw, key, want string
	}{
		{`{"displayName":"A","signInActivity":{"lastSignInRequestId":"r1"},"id":"u1"}`, "id", "u1"},
		{`{"id" : "u2"}`, "id", "u2"}, // a space before the colon: decoded in full
		{`{"id":"with \"quote\""}`, "id", `with "quote"`},
		{`{"id":null}`, "id", ""},
		{`{"createdDateTime":"2026-11-01T00:00:00.5Z","status":{"errorCode":0}}`, "createdDateTime", "2026-11-01T00:00:00.5Z"},
		{`{"userId":"u3"}`, "id", ""},
		{`not json`, "id", ""},
	}
	for _, tc := range cases {
		if got := topString([]byte(tc.raw), tc.key); got != tc.want {
			t.Errorf("topString(%s, %s) = %q, want %q", tc.raw, tc.key, got, tc.want)
		}
	}
}
