package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// Before the first sync every page of a tenant is the one empty state, and
// whatever belongs to a tenant (an account, a file, a fragment) is not
// found, with the same sentence; pages that work without a tenant work.
func TestBeforeTheFirstSync(t *testing.T) {
	srv, store := authServer(t, web.Config{})
	lead := webtest.Login(t, srv, store, inventory.SecurityLead)
	for _, tc := range []struct {
		path, nav string // nav: the link the page marks in the nav
		want      int
	}{
		{"/accounts", "accounts", http.StatusOK},
		{"/board", "board", http.StatusOK},
		{"/exceptions", "exceptions", http.StatusOK},
		{"/readiness", "readiness", http.StatusOK},
		{"/split", "split", http.StatusOK},
		{"/settings/delivery", "", http.StatusOK}, // settings has no link in the nav
		{"/accounts/u-1", "", http.StatusNotFound},
		{"/accounts.csv", "", http.StatusNotFound},
		{"/board/column?status=triage&offset=50", "", http.StatusNotFound},
		{"/readiness/report.pdf", "", http.StatusNotFound},
		{"/readiness/report.xlsx", "", http.StatusNotFound},
		{"/split/moves.csv", "", http.StatusNotFound},
		{"/settings", "", http.StatusNotFound},
	} {
		resp, body := do(t, lead, http.MethodGet, srv.URL+tc.path, nil, browser)
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != tc.want || !says(body, views.NoTenantYet) {
			t.Errorf("GET %s: %d, want %d saying %q\n%s", tc.path, resp.StatusCode, tc.want, views.NoTenantYet, excerpt(body))
			continue
		}
		if tc.want != http.StatusOK {
			continue
		}
		if n := doc.Find(`[data-testid="empty-tenant"]`).Length(); n != 1 {
			t.Errorf("GET %s shows %d empty states, want 1", tc.path, n)
		}
		want := ""
		if tc.nav != "" {
			want = "/" + tc.nav
		}
		if nav := doc.Find(`nav a[aria-current="page"]`).AttrOr("href", ""); nav != want {
			t.Errorf("GET %s marks %q in the nav, want %q", tc.path, nav, want)
		}
	}
	resp, body := do(t, lead, http.MethodGet, srv.URL+"/accounts.csv", nil, api)
	if resp.StatusCode != http.StatusNotFound || !says(body, views.NoTenantYet) {
		t.Errorf("an API client's export: %d %s", resp.StatusCode, body)
	}
	for _, path := range []string{"/runs", "/audit", "/audit.csv", "/tools/token"} {
		if resp, body := do(t, lead, http.MethodGet, srv.URL+path, nil, browser); resp.StatusCode != http.StatusOK || says(body, views.NoTenantYet) {
			t.Errorf("GET %s: %d, want the page itself\n%s", path, resp.StatusCode, excerpt(body))
		}
	}
}
