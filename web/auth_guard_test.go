package web_test

// What signing in guards against: a session token kept in clear, text typed
// into the wrong box kept anywhere, and passwords guessed at speed (the
// throttle).

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

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
	srv, store := webtest.ServeApp(t, web.Config{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug - 8}))})
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
	srv, store := webtest.ServeApp(t, web.Config{})
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

// clientFrom is a browser whose requests come from the loopback address ip
// (any of 127.0.0.0/8 reaches the test server on Linux), as if from another
// machine.
func clientFrom(t *testing.T, ip string) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Jar: jar, Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func signIn(t *testing.T, c *http.Client, srvURL, email, password string) (*http.Response, string) {
	t.Helper()
	return send(t, c, http.MethodPost, srvURL+"/login", url.Values{"email": {email}, "password": {password}}, browser)
}

// Strangers guessing at one account from many addresses slow down their
// own guessing, and never lock the account's owner out.
func TestSignInThrottleNeverLocksTheOwnerOut(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeApp(t, web.Config{Clock: frozenClock()})
	lead := webtest.CreateUser(t, store, inventory.SecurityLead) // the only one

	// Eight addresses guess three times each: 24 failures at the account,
	// more than enough to lock it under a per-account limit.
	for a := 2; a < 10; a++ {
		c := clientFrom(t, fmt.Sprintf("127.0.0.%d", a))
		for i := range 3 {
			if resp, _ := signIn(t, c, srv.URL, lead.Email, fmt.Sprintf("guess %d-%d", a, i)); resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("guess %d from 127.0.0.%d: %d, want 401", i+1, a, resp.StatusCode)
			}
		}
	}
	// An address that keeps guessing at the held account is not heard, not
	// even with the right password.
	resp, body := signIn(t, clientFrom(t, "127.0.0.2"), srv.URL, lead.Email, webtest.Password)
	if resp.StatusCode != http.StatusTooManyRequests || !says(body, "Too many failed sign-ins to this account from here.") || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("a guessing address at the held account: %d (Retry-After %q), want 429 with a sentence", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// The owner, from an address that has not been guessing, signs in.
	owner := clientFrom(t, "127.0.0.77")
	resp, body = signIn(t, owner, srv.URL, lead.Email, webtest.Password)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the owner from a clean address: %d, want 303 (signed in)\n%s", resp.StatusCode, body)
	}
	if resp, _ := send(t, owner, http.MethodGet, srv.URL+"/users", nil, browser); resp.StatusCode != http.StatusOK {
		t.Fatalf("the owner's session: GET /users %d", resp.StatusCode)
	}

	// One address guessing at many accounts is stopped by its own limit.
	guesser := clientFrom(t, "127.0.0.99")
	for i := range 10 {
		if resp, _ := signIn(t, guesser, srv.URL, fmt.Sprintf("user%d@test.local", i), "guess"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d from one address: %d, want 401", i+1, resp.StatusCode)
		}
	}
	resp, body = signIn(t, guesser, srv.URL, lead.Email, webtest.Password)
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Too many failed sign-ins. Wait a minute") || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("the 11th attempt from one address: %d (Retry-After %q), want 429 with a sentence", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// ...while the owner, elsewhere, is not.
	if resp, _ := signIn(t, clientFrom(t, "127.0.0.78"), srv.URL, lead.Email, webtest.Password); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the owner after a guesser was stopped: %d, want 303", resp.StatusCode)
	}
}

// frozenClock stops the sign-in throttles' time, so that however slowly a
// loaded machine answers, no limit refills while a test counts attempts.
func frozenClock() func() time.Time {
	now := time.Now()
	return func() time.Time { return now }
}
