package web_test

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// partnerCenterToken is a delegated token for the Partner Center API, as
// Entra ID issues it, signed with a key of our own (the page never
// verifies signatures).
func partnerCenterToken(t *testing.T, amr ...string) string {
	t.Helper()
	now := time.Now()
	c := jwt.MapClaims{
		"aud": "https://api.partnercenter.microsoft.com", "tid": "6f1c2a4e-0000-4000-8000-000000000001",
		"upn": "ada@contoso.onmicrosoft.com", "iat": now.Add(-10 * time.Minute).Unix(), "exp": now.Add(50 * time.Minute).Unix(),
		"acr": "1", "scp": "user_impersonation", "idtyp": "user", "amr": amr,
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte("a test key that is long enough"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTokenCheckPage(t *testing.T) {
	t.Parallel()
	var logs webtest.LockedBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug - 8}))
	srv, store := webtest.ServeApp(t, web.Config{Logger: logger})
	withMFA := partnerCenterToken(t, "pwd", "mfa")
	withoutMFA := partnerCenterToken(t, "pwd")
	garbage := "this-is-not-a-token-but-a-secret-password-Hunter2"
	secrets := append(strings.Split(withMFA, "."), strings.Split(withoutMFA, ".")...)
	secrets = append(secrets, garbage)

	// No session: sent to sign in, nothing decoded.
	resp, _ := send(t, webtest.NewClient(t), http.MethodPost, srv.URL+"/tools/token", url.Values{"token": {withMFA}}, browser)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("anonymous POST: %d to %q, want 303 to /login", resp.StatusCode, resp.Header.Get("Location"))
	}

	for _, role := range []inventory.Role{inventory.SecurityLead, inventory.Engineer, inventory.Management} {
		c := webtest.Login(t, srv, store, role)
		resp, body := send(t, c, http.MethodGet, srv.URL+"/tools/token", nil, browser)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `data-testid="token-form"`) || !strings.Contains(body, `href="/tools/token" aria-current="page"`) {
			t.Fatalf("%s GET: %d\n%s", role, resp.StatusCode, body)
		}

		resp, body = send(t, c, http.MethodPost, srv.URL+"/tools/token", url.Values{"token": {"Bearer " + withMFA}}, browser)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s with MFA: %d\n%s", role, resp.StatusCode, body)
		}
		for _, want := range []string{
			"MFA claim present: amr contains mfa", `class="verdict ok"`,
			`data-claim="audience"><span class="mono">https://api.partnercenter.microsoft.com`,
			`data-claim="tenant"><span class="mono">6f1c2a4e-0000-4000-8000-000000000001`,
			`data-claim="user"><span class="mono">ada@contoso.onmicrosoft.com`,
			`data-claim="amr"><span class="mono">pwd mfa`, `data-claim="acr"><span class="mono">1`,
			"valid for another",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the answer lacks %q", role, want)
			}
		}
		if resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", role, resp.Header.Get("Cache-Control"))
		}
		if strings.Contains(body, "token-advice") {
			t.Errorf("%s: advice shown for a token that has the claim", role)
		}
		assertNoSecret(t, "the answer", body, secrets)
		if !strings.Contains(body, `placeholder="eyJ0eXAiOiJKV1QiLCJhbGciOi…"></textarea>`) {
			t.Errorf("%s: the textarea is not empty after a check", role)
		}

		resp, body = send(t, c, http.MethodPost, srv.URL+"/tools/token", url.Values{"token": {withoutMFA}}, browser)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "No MFA claim: amr is [pwd]") ||
			!strings.Contains(body, `class="verdict bad"`) || !strings.Contains(body, "MS-Enforce-MFA: true") {
			t.Errorf("%s without MFA: %d\n%s", role, resp.StatusCode, body)
		}
		assertNoSecret(t, "the answer", body, secrets)

		resp, body = send(t, c, http.MethodPost, srv.URL+"/tools/token", url.Values{"token": {garbage}}, browser)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "this is not a JWT: a token has three parts separated by dots") ||
			resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s garbage: %d %q\n%s", role, resp.StatusCode, resp.Header.Get("Cache-Control"), body)
		}
		assertNoSecret(t, "the refusal", body, secrets)
	}

	c := webtest.Login(t, srv, store, inventory.Engineer)
	// Longer than any token, within the body limit: the decoder's sentence.
	long := strings.Repeat(garbage, 2000)
	resp, body := send(t, c, http.MethodPost, srv.URL+"/tools/token", url.Values{"token": {long}}, browser)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "far longer than any access token") {
		t.Errorf("a long paste: %d\n%s", resp.StatusCode, body)
	}
	assertNoSecret(t, "the refusal of a long paste", body, secrets)
	// Over the body limit: refused before anything reads it, and not echoed.
	resp, body = send(t, c, http.MethodPost, srv.URL+"/tools/token", url.Values{"token": {strings.Repeat(garbage, 25000)}}, browser)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("over the body limit: %d, want 413", resp.StatusCode)
	}
	assertNoSecret(t, "the refusal of a huge body", body, secrets)
	// An API client gets JSON, still without the input.
	resp, body = send(t, c, http.MethodPost, srv.URL+"/tools/token", url.Values{"token": {garbage}}, api)
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("API client garbage: %d", resp.StatusCode)
	}
	assertNoSecret(t, "the API refusal", body, secrets)

	if !strings.Contains(logs.String(), "path=/tools/token") {
		t.Fatalf("the request log did not record the requests, so it proves nothing:\n%s", logs.String())
	}
	assertNoSecret(t, "the log", logs.String(), secrets)
}

func assertNoSecret(t *testing.T, where, text string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if len(s) >= 8 && strings.Contains(text, s) {
			t.Errorf("%s contains the pasted input (%q…)", where, s[:8])
		}
	}
}

// The textarea must come back empty even when the browser sends the form
// twice in a row; nothing from one check carries into the next page.
func TestTokenCheckKeepsNothing(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeApp(t, web.Config{})
	c := webtest.Login(t, srv, store, inventory.Management)
	tok := partnerCenterToken(t, "pwd", "mfa")
	if resp, _ := send(t, c, http.MethodPost, srv.URL+"/tools/token", url.Values{"token": {tok}}, browser); resp.StatusCode != http.StatusOK {
		t.Fatalf("check: %d", resp.StatusCode)
	}
	resp, body := send(t, c, http.MethodGet, srv.URL+"/tools/token", nil, browser)
	if resp.StatusCode != http.StatusOK || strings.Contains(body, "token-result") || strings.Contains(body, "ada@contoso.onmicrosoft.com") {
		t.Fatalf("the next visit shows the last check:\n%s", body)
	}
	var n int
	if err := store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM sessions WHERE position($1 in encode(data, 'escape')) > 0`, tok[:40]).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatal("the token was written into a session")
	}
}
