package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/mfaboard/mfaboard/graph"
	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
)

// urlLog is a transport that notes every URL asked for, decoded, and the
// URLs of the steps of every $batch.
type urlLog struct {
	mu   sync.Mutex
	urls []string
}

func (l *urlLog) RoundTrip(req *http.Request) (*http.Response, error) {
	u, _ := url.QueryUnescape(req.URL.String())
	urls := []string{u}
	if req.Method == http.MethodPost && req.Body != nil {
		raw, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(raw))
		var b struct {
			Requests []struct {
				URL string `json:"url"`
			} `json:"requests"`
		}
		if json.Unmarshal(raw, &b) == nil {
			for _, r := range b.Requests {
				step, _ := url.QueryUnescape(r.URL)
				urls = append(urls, step)
			}
		}
	}
	l.mu.Lock()
	l.urls = append(l.urls, urls...)
	l.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

func (l *urlLog) count(part string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, u := range l.urls {
		if strings.Contains(u, part) {
			n++
		}
	}
	return n
}

// upnTenant is a tenant whose users have these UPNs and display names.
func upnTenant(upns []string, names map[string]string) export.Folder {
	f := export.Folder{}
	for i, upn := range upns {
		name := names[upn]
		if name == "" {
			name = fmt.Sprintf("User %d", i)
		}
		userType := "Member"
		if strings.Contains(upn, "#EXT#") {
			userType = "Guest"
		}
		raw, _ := json.Marshal(map[string]any{"id": fmt.Sprintf("10000000-0000-0000-0000-%012d", i), "displayName": name,
			"userPrincipalName": upn, "userType": userType, "accountEnabled": true})
		f[inventory.CollUsers] = append(f[inventory.CollUsers], raw)
	}
	f[inventory.CollOrganization] = []json.RawMessage{json.RawMessage(`{"id":"11111111-1111-1111-1111-111111111111","displayName":"Contoso"}`)}
	return f
}

// The users are read in parts by the first letters of their UPN, side by
// side, and still every account arrives exactly once: UPNs that start with
// a digit or a sign the username policy allows, #EXT# guests, a UPN that
// is exactly a part's prefix, upper case, non-ASCII display names, and
// UPNs outside the policy (non-ASCII letters, which no part's prefix
// covers) all included.
func TestPartitionedUsersArriveExactlyOnce(t *testing.T) {
	var upns []string
	for i := range 700 { // more than one part holds: "a" is split, and split again
		upns = append(upns, fmt.Sprintf("anna.%d@contoso.example", i))
	}
	for i := range 60 {
		upns = append(upns, fmt.Sprintf("%d.desk@contoso.example", i)) // digits first
	}
	upns = append(upns,
		"anna@contoso.example",       // exactly the prefix "anna", then @
		"ANNA.UPPER@contoso.example", // upper case: the same part as anna.*
		"annaé@contoso.example",      // outside the policy inside a split prefix
		"ann_fabrikam.com#EXT#@contoso.onmicrosoft.com",
		"bob_fabrikam.com#EXT#@contoso.onmicrosoft.com",
		"o'brien@contoso.example",
		"_svc@contoso.example", "-dash@contoso.example", "!bang@contoso.example", "#hash@contoso.example",
		"^caret@contoso.example", "~tilde@contoso.example", "'quote@contoso.example",
		"zoë@contoso.example",    // non-ASCII after an ASCII letter
		"émilie@contoso.example", // non-ASCII first: no part covers it
		"Ünal@contoso.example",
		"Sync_SRV01_1a2b3c@contoso.onmicrosoft.com",
	)
	names := map[string]string{"zoë@contoso.example": "Zoë Ünal", "o'brien@contoso.example": "Seán O'Brien", "anna.3@contoso.example": "Анна Петрова"}
	folder := upnTenant(upns, names)

	for _, opts := range []emulator.Options{{}, {PageSize: 7}} {
		t.Run(fmt.Sprintf("pages of %d", opts.PageSize), func(t *testing.T) {
			srv := startEmulator(t, folder, opts)
			log := &urlLog{}
			c, err := graph.NewClient(context.Background(), graph.Config{BaseURL: srv.URL, AccessToken: testToken, HTTPClient: &http.Client{Transport: log}})
			if err != nil {
				t.Fatal(err)
			}
			rec := newRecorder()
			var parts string
			_, err = c.Fetch(context.Background(), rec, graph.FetchOptions{Now: assessedAt, Progress: func(p graph.Progress) {
				parts = p.Collections[1].Note
			}})
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			seen := map[string]int{}
			for _, it := range rec.got[inventory.CollUsers] {
				var u struct {
					UPN string `json:"userPrincipalName"`
				}
				if err := json.Unmarshal(it, &u); err != nil {
					t.Fatal(err)
				}
				seen[u.UPN]++
			}
			for _, upn := range upns {
				if seen[upn] != 1 {
					t.Errorf("%s arrived %d times, want once", upn, seen[upn])
				}
			}
			if len(rec.got[inventory.CollUsers]) != len(upns) {
				t.Errorf("%d accounts arrived, want %d", len(rec.got[inventory.CollUsers]), len(upns))
			}
			sameItems(t, inventory.CollUsers, rec.got[inventory.CollUsers], folder[inventory.CollUsers])
			// The read was split, and the accounts no part covers were
			// found by their ids.
			t.Logf("users %s; %d listings by UPN prefix, %d id sweeps", parts, log.count("users?$filter=startswith(userPrincipalName,"), log.count("$select=id&$top=999"))
			if !strings.Contains(parts, "parts") || log.count("users?$filter=startswith(userPrincipalName,'anna") == 0 {
				t.Errorf("the users were not read in parts split below the first letter (%q)", parts)
			}
			if log.count("$select=id&$top=999") == 0 {
				t.Error("the UPNs outside the username policy were not looked for")
			}
		})
	}
}

// Graph's count of users is an advanced query; where it is not available
// (a B2C tenant) the users are read in one listing, all of them.
func TestUsersWithoutCounts(t *testing.T) {
	upns := []string{"a@contoso.example", "b@contoso.example", "émilie@contoso.example"}
	folder := upnTenant(upns, nil)
	srv := startEmulator(t, folder, emulator.Options{})
	log := &urlLog{}
	// A transport that drops ConsistencyLevel, as if Graph ignored it:
	// no count comes back.
	c, err := graph.NewClient(context.Background(), graph.Config{BaseURL: srv.URL, AccessToken: testToken,
		HTTPClient: &http.Client{Transport: dropCounts{log}}})
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	if _, err := c.Fetch(context.Background(), rec, graph.FetchOptions{Now: assessedAt}); err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	sameItems(t, inventory.CollUsers, rec.got[inventory.CollUsers], folder[inventory.CollUsers])
	if log.count("users?$filter=startswith(") != 0 {
		t.Error("users were read in parts without a count")
	}
}

// dropCounts strips the ConsistencyLevel headers of $batch steps.
type dropCounts struct{ next http.RoundTripper }

func (d dropCounts) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && req.Body != nil {
		var body struct {
			Requests []map[string]any `json:"requests"`
		}
		if err := json.NewDecoder(req.Body).Decode(&body); err == nil {
			for _, r := range body.Requests {
				delete(r, "headers")
			}
			raw, _ := json.Marshal(body)
			req = req.Clone(req.Context())
			req.Body = io.NopCloser(strings.NewReader(string(raw)))
			req.ContentLength = int64(len(raw))
			req.Header.Del("Content-Encoding")
		}
	}
	return d.next.RoundTrip(req)
}
