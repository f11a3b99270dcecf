package web_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

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
	srv, store := authServer(t, web.Config{})
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
