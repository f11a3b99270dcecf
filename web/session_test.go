package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// Whoever reads the sessions table (a backup, a replica, a support query)
// must not find a token to replay there.
func TestSessionTokensAreStoredHashed(t *testing.T) {
	t.Parallel()
	srv, store := authServer(t, web.Config{})
	u := webtest.CreateUser(t, store, inventory.Engineer)
	c := webtest.SignedInClient(t, srv.URL, u.Email, webtest.Password)
	srvURL, _ := url.Parse(srv.URL)
	token := sessionCookie(c, srvURL)
	if token == "" {
		t.Fatal("no session cookie after sign-in")
	}
	var rows, clear int
	err := store.Pool().QueryRow(t.Context(), `
		SELECT count(*), count(*) FILTER (WHERE strpos(token, $1) > 0 OR strpos(encode(data, 'escape'), $1) > 0)
		FROM sessions`, token).Scan(&rows, &clear)
	if err != nil {
		t.Fatal(err)
	}
	if rows == 0 || clear != 0 {
		t.Fatalf("%d sessions stored, %d of them with the cookie's token in clear; want some, none", rows, clear)
	}
	// The session still works, and sign-out still ends it.
	resp, body := do(t, c, http.MethodGet, srv.URL+"/runs", nil, browser)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, u.DisplayName) {
		t.Fatalf("signed-in GET /runs: %d", resp.StatusCode)
	}
	if resp, _ := do(t, c, http.MethodPost, srv.URL+"/logout", nil, browser); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", resp.StatusCode)
	}
	replay := webtest.NewClient(t)
	replay.Jar.SetCookies(srvURL, []*http.Cookie{{Name: "mfaboard_session", Value: token, Path: "/"}})
	if resp, _ := do(t, replay, http.MethodGet, srv.URL+"/runs", nil, api); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the token after sign-out: %d, want 401", resp.StatusCode)
	}
	if err := store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM sessions`).Scan(&rows); err != nil || rows != 0 {
		t.Fatalf("%d sessions left after sign-out (%v)", rows, err)
	}
}
