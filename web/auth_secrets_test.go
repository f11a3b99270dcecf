package web_test

// What signing in keeps nowhere: a session token in clear, or text typed
// into the wrong box.

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// What is typed into the e-mail field is sometimes a password typed into
// the wrong box: a failed sign-in keeps it nowhere, neither in the audit
// trail (kept for good, read by every role) nor in the log.
func TestFailedSignInKeepsNoTypedText(t *testing.T) {
	t.Parallel()
	var logs webtest.LockedBuffer
	srv, store := authServer(t, web.Config{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug - 8}))})
	u := webtest.CreateUser(t, store, inventory.Engineer)
	const typed = "Tr0ub4dor&3-Typed-In-The-Wrong-Box"
	for _, form := range []url.Values{
		{"email": {typed}, "password": {"whatever comes next"}},
		{"email": {" " + typed + " "}, "password": {typed}},
	} {
		for _, accept := range []map[string]string{browser, api} {
			if resp, _ := send(t, webtest.NewClient(t), http.MethodPost, srv.URL+"/login", form, accept); resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("sign-in with an address that is nobody's: %d, want 401", resp.StatusCode)
			}
		}
	}
	// A known address with a wrong password is recorded against the account.
	send(t, webtest.NewClient(t), http.MethodPost, srv.URL+"/login", url.Values{"email": {strings.ToUpper(u.Email)}, "password": {"not the password"}}, browser)

	var traces int
	err := store.Pool().QueryRow(t.Context(), `
		SELECT count(*) FROM audit_events e WHERE strpos(lower(to_jsonb(e)::text), lower($1)) > 0`, typed).Scan(&traces)
	if err != nil {
		t.Fatal(err)
	}
	if traces != 0 {
		t.Errorf("%d audit events quote the text typed into the e-mail field", traces)
	}
	rows, err := store.Pool().Query(t.Context(), `
		SELECT actor_id, actor_name, reason FROM audit_events WHERE action = 'sign_in_failed' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var id, name, reason string
		if err := rows.Scan(&id, &name, &reason); err != nil {
			t.Fatal(err)
		}
		got = append(got, id+" | "+name+" | "+reason)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	unknown := "anonymous | unknown address | unknown address"
	want := []string{unknown, unknown, unknown, unknown, u.ID + " | " + u.Name() + " | wrong password"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("failed sign-ins recorded as\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(strings.ToLower(logs.String()), strings.ToLower(typed)) {
		t.Errorf("the log quotes the text typed into the e-mail field:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "path=/login") {
		t.Error("the log has no line about the sign-ins: the check above proves nothing")
	}
}

// Whoever reads the sessions table (a backup, a replica, a support query)
// must not find a token to replay there.
func TestSessionTokensAreStoredHashed(t *testing.T) {
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
	resp, body := send(t, c, http.MethodGet, srv.URL+"/runs", nil, browser)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, u.DisplayName) {
		t.Fatalf("signed-in GET /runs: %d", resp.StatusCode)
	}
	if resp, _ := send(t, c, http.MethodPost, srv.URL+"/logout", nil, browser); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", resp.StatusCode)
	}
	replay := webtest.NewClient(t)
	replay.Jar.SetCookies(srvURL, []*http.Cookie{{Name: "mfaboard_session", Value: token, Path: "/"}})
	if resp, _ := send(t, replay, http.MethodGet, srv.URL+"/runs", nil, api); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the token after sign-out: %d, want 401", resp.StatusCode)
	}
	if err := store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM sessions`).Scan(&rows); err != nil || rows != 0 {
		t.Fatalf("%d sessions left after sign-out (%v)", rows, err)
	}
}
