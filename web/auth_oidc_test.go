package web_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/coreos/go-oidc/v3/oidc/oidctest"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

const (
	testClientID     = "mfaboard-test-client"
	testClientSecret = "test-client-secret"
)

// testProvider is an OpenID Connect provider in the test process:
// discovery and JWKS (oidctest), an authorize endpoint that signs the next
// user in at once, and a token endpoint that checks the client secret and
// the PKCE verifier and signs ID tokens with a key made for the test.
type testProvider struct {
	*httptest.Server
	key *rsa.PrivateKey

	mu sync.Mutex
	// claims of the next sign-in (iss, aud, exp, nonce are added).
	next map[string]any
	// wrongNonce makes the next ID token carry another nonce.
	wrongNonce bool
	codes      map[string]grant
}

type grant struct {
	challenge, nonce, redirect string
	claims                     map[string]any
}

func newTestProvider(t *testing.T) *testProvider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &testProvider{key: key, codes: map[string]grant{}}
	disco := &oidctest.Server{PublicKeys: []oidctest.PublicKey{{PublicKey: key.Public(), KeyID: "test-key", Algorithm: oidc.RS256}}}
	mux := http.NewServeMux()
	mux.Handle("/.well-known/openid-configuration", disco)
	mux.Handle("/keys", disco)
	mux.HandleFunc("/auth", p.authorize)
	mux.HandleFunc("/token", p.token)
	p.Server = httptest.NewServer(mux)
	disco.SetIssuer(p.URL)
	t.Cleanup(p.Close)
	return p
}

func (p *testProvider) signInNext(claims map[string]any, wrongNonce bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.next, p.wrongNonce = claims, wrongNonce
}

func (p *testProvider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != testClientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" ||
		q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" || !strings.Contains(q.Get("scope"), "openid") {
		http.Error(w, "bad authorize request: "+r.URL.RawQuery, http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	code := rand.Text()
	nonce := q.Get("nonce")
	if p.wrongNonce {
		nonce = "another-" + nonce
	}
	p.codes[code] = grant{challenge: q.Get("code_challenge"), nonce: nonce, redirect: q.Get("redirect_uri"), claims: p.next}
	p.mu.Unlock()
	back, _ := url.Parse(q.Get("redirect_uri"))
	back.RawQuery = url.Values{"code": {code}, "state": {q.Get("state")}}.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (p *testProvider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	p.mu.Lock()
	g, found := p.codes[r.PostForm.Get("code")]
	delete(p.codes, r.PostForm.Get("code"))
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case id != testClientID || secret != testClientSecret:
		writeTokenError(w, "invalid_client")
		return
	case !found || r.PostForm.Get("redirect_uri") != g.redirect:
		writeTokenError(w, "invalid_grant")
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		writeTokenError(w, "invalid_grant") // PKCE: the verifier does not match the challenge
		return
	}
	claims := map[string]any{"iss": p.URL, "aud": testClientID, "exp": time.Now().Add(time.Hour).Unix(),
		"iat": time.Now().Unix(), "nonce": g.nonce}
	for k, v := range g.claims {
		claims[k] = v
	}
	raw, _ := json.Marshal(claims)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token": "at-" + rand.Text(), "token_type": "Bearer", "expires_in": 3600,
		"id_token": oidctest.SignIDToken(p.key, "test-key", oidc.RS256, string(raw)),
	})
}

func writeTokenError(w http.ResponseWriter, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code})
}

// oidcApp serves the dashboard with OIDC pointed at provider.
func oidcApp(t *testing.T, provider *testProvider, groups map[string]inventory.Role) (*httptest.Server, *pg.Store) {
	t.Helper()
	store, _ := pgtest.NewStore(t)
	var h *web.Server
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	h = web.New(web.Config{Store: store, OIDC: &web.OIDCConfig{
		Issuer: provider.URL, ClientID: testClientID, ClientSecret: testClientSecret,
		RedirectURL: srv.URL + "/auth/oidc/callback", GroupRoles: groups,
	}})
	t.Cleanup(func() { srv.Close(); h.Close() })
	return srv, store
}

// startOIDC follows the browser from the app's start to the provider and
// returns the callback URL the provider sends it back to.
func startOIDC(t *testing.T, c *http.Client, app string, next string) string {
	t.Helper()
	resp, body := send(t, c, http.MethodGet, app+"/auth/oidc/start?next="+url.QueryEscape(next), nil, browser)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("start: %d\n%s", resp.StatusCode, body)
	}
	resp, body = send(t, c, http.MethodGet, resp.Header.Get("Location"), nil, browser)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("provider authorize: %d %s", resp.StatusCode, body)
	}
	return resp.Header.Get("Location")
}

func TestOIDCSignIn(t *testing.T) {
	t.Parallel()
	provider := newTestProvider(t)
	app, store := oidcApp(t, provider, map[string]inventory.Role{"group-eng": inventory.Engineer, "group-mgmt": inventory.Management})

	_, body := send(t, webtest.NewClient(t), http.MethodGet, app.URL+"/login?next=/runs", nil, browser)
	if !strings.Contains(body, "Sign in with Microsoft") || !strings.Contains(body, `href="/auth/oidc/start?next=%2Fruns"`) {
		t.Fatalf("login page without the Microsoft button:\n%s", body)
	}

	for _, tc := range []struct {
		name   string
		claims map[string]any
		role   inventory.Role
	}{
		{"app role", map[string]any{"sub": "s-lead", "email": "Lead@Partner.com", "name": "Dana", "roles": []string{"SecurityLead"}}, inventory.SecurityLead},
		{"group mapping", map[string]any{"sub": "s-eng", "preferred_username": "eli@partner.com", "name": "Eli", "groups": []string{"other", "group-eng"}}, inventory.Engineer},
		{"most able of several", map[string]any{"sub": "s-both", "email": "both@partner.com", "roles": []string{"Management"}, "groups": []string{"group-eng"}}, inventory.Engineer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			provider.signInNext(tc.claims, false)
			c := webtest.NewClient(t)
			resp, body := send(t, c, http.MethodGet, startOIDC(t, c, app.URL, "/runs"), nil, browser)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/runs" {
				t.Fatalf("callback: %d to %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
			}
			if resp, _ := send(t, c, http.MethodGet, app.URL+"/runs", nil, browser); resp.StatusCode != http.StatusOK {
				t.Fatalf("signed in with OIDC, /runs: %d", resp.StatusCode)
			}
			users, _ := store.Users(t.Context())
			var u *pg.User
			for i := range users {
				if users[i].OIDCSubject == tc.claims["sub"] {
					u = &users[i]
				}
			}
			if u == nil || u.Role != tc.role || u.HasPassword {
				t.Fatalf("user after sign-in = %+v, want role %s", u, tc.role)
			}
			wantUsers := http.StatusForbidden
			if tc.role == inventory.SecurityLead {
				wantUsers = http.StatusOK
			}
			if resp, _ := send(t, c, http.MethodGet, app.URL+"/users", nil, browser); resp.StatusCode != wantUsers {
				t.Fatalf("/users as %s: %d, want %d", tc.role, resp.StatusCode, wantUsers)
			}
		})
	}
}

func TestOIDCRefusals(t *testing.T) {
	t.Parallel()
	provider := newTestProvider(t)
	app, store := oidcApp(t, provider, nil)
	good := map[string]any{"sub": "s-1", "email": "one@partner.com", "roles": []string{"Engineer"}}

	t.Run("bad state", func(t *testing.T) {
		provider.signInNext(good, false)
		c := webtest.NewClient(t)
		back, _ := url.Parse(startOIDC(t, c, app.URL, "/"))
		q := back.Query()
		q.Set("state", "forged-"+q.Get("state"))
		back.RawQuery = q.Encode()
		resp, body := send(t, c, http.MethodGet, back.String(), nil, browser)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "could not be checked") {
			t.Fatalf("forged state: %d\n%s", resp.StatusCode, body)
		}
	})
	t.Run("callback from another browser", func(t *testing.T) {
		provider.signInNext(good, false)
		back := startOIDC(t, webtest.NewClient(t), app.URL, "/")
		resp, _ := send(t, webtest.NewClient(t), http.MethodGet, back, nil, browser)
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("callback without the session that started it: %d, want 400", resp.StatusCode)
		}
	})
	t.Run("bad nonce", func(t *testing.T) {
		provider.signInNext(good, true)
		c := webtest.NewClient(t)
		resp, body := send(t, c, http.MethodGet, startOIDC(t, c, app.URL, "/"), nil, browser)
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "nonce did not match") {
			t.Fatalf("wrong nonce: %d\n%s", resp.StatusCode, body)
		}
		if resp, _ := send(t, c, http.MethodGet, app.URL+"/runs", nil, api); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("signed in despite the nonce: %d", resp.StatusCode)
		}
	})
	t.Run("replayed callback", func(t *testing.T) {
		provider.signInNext(good, false)
		c := webtest.NewClient(t)
		back := startOIDC(t, c, app.URL, "/")
		if resp, _ := send(t, c, http.MethodGet, back, nil, browser); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("first callback: %d", resp.StatusCode)
		}
		if resp, _ := send(t, c, http.MethodGet, back, nil, browser); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("replayed callback: %d, want 400", resp.StatusCode)
		}
	})
	// refusedSignIn signs in with claims and wants the answer status saying
	// sentence.
	refusedSignIn := func(t *testing.T, claims map[string]any, status int, sentence string) {
		t.Helper()
		provider.signInNext(claims, false)
		c := webtest.NewClient(t)
		resp, body := send(t, c, http.MethodGet, startOIDC(t, c, app.URL, "/"), nil, browser)
		if resp.StatusCode != status || !strings.Contains(body, sentence) {
			t.Fatalf("%d, want %d saying %q\n%s", resp.StatusCode, status, sentence, body)
		}
	}
	t.Run("no e-mail", func(t *testing.T) {
		refusedSignIn(t, map[string]any{"sub": "s-anon", "preferred_username": "not-an-address", "roles": []string{"Engineer"}}, http.StatusForbidden, "sent no e-mail address")
	})
	t.Run("no role", func(t *testing.T) {
		refusedSignIn(t, map[string]any{"sub": "s-none", "email": "none@partner.com", "roles": []string{"Reader"}}, http.StatusForbidden, "has no mfaboard role")
	})
	t.Run("e-mail of a local user", func(t *testing.T) {
		// A takeover by the e-mail claim.
		local := webtest.CreateUser(t, store, inventory.SecurityLead)
		refusedSignIn(t, map[string]any{"sub": "s-mallory", "email": local.Email, "roles": []string{"SecurityLead"}}, http.StatusBadRequest, "")
	})
	t.Run("disabled user", func(t *testing.T) {
		u, err := store.UpsertOIDCUser(t.Context(), "s-off", "off@partner.com", "Off", inventory.Engineer)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.SetUserDisabled(t.Context(), inventory.CLIActor, u.ID, true); err != nil {
			t.Fatal(err)
		}
		refusedSignIn(t, map[string]any{"sub": "s-off", "email": "off@partner.com", "roles": []string{"Engineer"}}, http.StatusForbidden, "disabled")
	})
}

func TestOIDCConfigFromEnv(t *testing.T) {
	t.Parallel()
	full := map[string]string{
		"MFABOARD_OIDC_ISSUER": "https://login.microsoftonline.com/t/v2.0", "MFABOARD_OIDC_CLIENT_ID": "id",
		"MFABOARD_OIDC_CLIENT_SECRET": "secret", "MFABOARD_OIDC_REDIRECT_URL": "https://board.example/auth/oidc/callback",
		"MFABOARD_OIDC_GROUP_ROLES": "g1=security_lead, g2=engineer",
	}
	with := func(k, v string) func(string) string {
		return func(name string) string {
			if name == k {
				return v
			}
			return full[name]
		}
	}
	cfg, err := web.OIDCConfigFromEnv(with("", ""))
	if err != nil || cfg == nil || cfg.GroupRoles["g1"] != inventory.SecurityLead || cfg.GroupRoles["g2"] != inventory.Engineer {
		t.Fatalf("full config: %+v, %v", cfg, err)
	}
	if cfg, err := web.OIDCConfigFromEnv(func(string) string { return "" }); cfg != nil || err != nil {
		t.Fatalf("nothing set: %+v, %v; want OIDC off", cfg, err)
	}
	for _, tc := range []struct{ key, value, sentence string }{
		{"MFABOARD_OIDC_CLIENT_SECRET", "", "needs MFABOARD_OIDC_CLIENT_SECRET"},
		{"MFABOARD_OIDC_ISSUER", "", "MFABOARD_OIDC_ISSUER is not set"},
		{"MFABOARD_OIDC_REDIRECT_URL", "https://board.example/callback", "must end in /auth/oidc/callback"},
		{"MFABOARD_OIDC_ISSUER", "login.microsoftonline.com", "must be an http(s) URL"},
		{"MFABOARD_OIDC_GROUP_ROLES", "g1=admin", "Unknown role"},
		{"MFABOARD_OIDC_GROUP_ROLES", "g1", "is not <groupId>=<role>"},
	} {
		cfg, err := web.OIDCConfigFromEnv(with(tc.key, tc.value))
		if cfg != nil && err == nil || !strings.Contains(inventory.ErrorMessage(err), tc.sentence) {
			t.Errorf("%s=%q: %+v, %v; want %q", tc.key, tc.value, cfg, err, tc.sentence)
		}
	}
}
