package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

func TestSignInAndSessionCookie(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeApp(t, web.Config{TLS: true})
	u := webtest.CreateUser(t, store, inventory.Engineer)
	c := webtest.NewClient(t)

	resp, body := send(t, c, http.MethodGet, srv.URL+"/login?next=/runs", nil, browser)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `name="next" value="/runs"`) || strings.Contains(body, "Sign in with Microsoft") {
		t.Fatalf("GET /login: %d\n%s", resp.StatusCode, body)
	}
	resp, _ = send(t, c, http.MethodPost, srv.URL+"/login",
		url.Values{"email": {strings.ToUpper(u.Email)}, "password": {webtest.Password}, "next": {"/runs"}}, browser)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/runs" {
		t.Fatalf("sign in: %d to %q, want 303 to /runs", resp.StatusCode, resp.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "mfaboard_session" {
			session = ck
		}
	}
	if session == nil || session.Value == "" {
		t.Fatalf("no session cookie in %v", resp.Header["Set-Cookie"])
	}
	if !session.HttpOnly || !session.Secure || session.SameSite != http.SameSiteLaxMode || session.Path != "/" {
		t.Fatalf("session cookie %+v: want HttpOnly, Secure (TLS), SameSite=Lax, Path=/", session)
	}
	// The stored session ends after 8 idle hours (well before its 24-hour lifetime).
	var idle time.Duration
	if err := store.Pool().QueryRow(t.Context(), `SELECT max(expiry) - now() FROM sessions`).Scan(&idle); err != nil {
		t.Fatal(err)
	}
	if idle < 8*time.Hour-time.Minute || idle > 8*time.Hour+time.Minute {
		t.Fatalf("session expires in %v, want 8h (idle timeout)", idle)
	}
	// Without TLS the cookie is not Secure (it would never be sent back).
	plain, plainStore := webtest.ServeApp(t, web.Config{})
	pu := webtest.CreateUser(t, plainStore, inventory.Engineer)
	resp, _ = send(t, webtest.NewClient(t), http.MethodPost, plain.URL+"/login", url.Values{"email": {pu.Email}, "password": {webtest.Password}}, browser)
	if sc := resp.Header.Get("Set-Cookie"); !strings.Contains(sc, "mfaboard_session=") || strings.Contains(sc, "Secure") || !strings.Contains(sc, "HttpOnly") {
		t.Fatalf("plain-HTTP cookie %q: want HttpOnly and not Secure", sc)
	}
}

func TestSignInRenewsTheSessionToken(t *testing.T) {
	t.Parallel()
	// A session that exists before sign-in (an OIDC start keeps its state in
	// one) must not become the signed-in session: whoever planted or saw its
	// token would be signed in too.
	srv, store := oidcApp(t, newTestProvider(t), nil)
	u := webtest.CreateUser(t, store, inventory.Engineer)
	c := webtest.NewClient(t)
	srvURL, _ := url.Parse(srv.URL)
	resp, _ := send(t, c, http.MethodGet, srv.URL+"/auth/oidc/start", nil, browser)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("OIDC start: %d", resp.StatusCode)
	}
	before := sessionCookie(c, srvURL)
	if before == "" {
		t.Fatal("no session before sign-in")
	}
	resp, _ = send(t, c, http.MethodPost, srv.URL+"/login", url.Values{"email": {u.Email}, "password": {webtest.Password}}, browser)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
	if after := sessionCookie(c, srvURL); after == "" || after == before {
		t.Fatalf("session token not renewed at sign-in: %q then %q", before, after)
	}
	fixated := webtest.NewClient(t)
	fixated.Jar.SetCookies(srvURL, []*http.Cookie{{Name: "mfaboard_session", Value: before, Path: "/"}})
	if resp, _ := send(t, fixated, http.MethodGet, srv.URL+"/runs", nil, api); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the pre-sign-in token is signed in: %d", resp.StatusCode)
	}
}

func sessionCookie(c *http.Client, u *url.URL) string {
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "mfaboard_session" {
			return ck.Value
		}
	}
	return ""
}

func TestSignInRefusals(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeApp(t, web.Config{})
	u := webtest.CreateUser(t, store, inventory.Engineer)
	disabled := webtest.CreateUser(t, store, inventory.Engineer)
	webtest.CreateUser(t, store, inventory.SecurityLead) // so disabled can be disabled
	if err := store.SetUserDisabled(t.Context(), inventory.CLIActor, disabled.ID, true); err != nil {
		t.Fatal(err)
	}
	const sentence = "The e-mail or the password is not right."
	for _, tc := range []struct{ name, email, password string }{
		{"wrong password", u.Email, "not the password at all"},
		{"unknown e-mail", "nobody@test.local", webtest.Password},
		{"disabled user", disabled.Email, webtest.Password},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := webtest.NewClient(t)
			resp, body := send(t, c, http.MethodPost, srv.URL+"/login", url.Values{"email": {tc.email}, "password": {tc.password}}, browser)
			if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, sentence) || strings.Contains(resp.Header.Get("Set-Cookie"), "mfaboard_session=") {
				t.Fatalf("%d, cookie %q\n%s", resp.StatusCode, resp.Header.Get("Set-Cookie"), body)
			}
			// The form keeps the e-mail typed, never the password.
			if !strings.Contains(body, `value="`+strings.ToLower(tc.email)+`"`) || strings.Contains(body, tc.password) {
				t.Fatalf("form not refilled as it should be:\n%s", body)
			}
			resp, body = send(t, c, http.MethodPost, srv.URL+"/login", url.Values{"email": {tc.email}, "password": {tc.password}}, api)
			var got map[string]string
			if resp.StatusCode != http.StatusUnauthorized || json.Unmarshal([]byte(body), &got) != nil || !strings.HasPrefix(got["error"], sentence) {
				t.Fatalf("API client: %d %s", resp.StatusCode, body)
			}
		})
	}
	resp, body := send(t, webtest.NewClient(t), http.MethodPost, srv.URL+"/login", url.Values{"email": {u.Email}}, browser)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Enter your e-mail and your password.") {
		t.Fatalf("empty password: %d\n%s", resp.StatusCode, body)
	}
}

func TestSignInRateLimited(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeApp(t, web.Config{Clock: frozenClock()})
	u := webtest.CreateUser(t, store, inventory.Engineer)
	other := webtest.CreateUser(t, store, inventory.Engineer)
	c := webtest.NewClient(t)
	// Ten failures are answered; the eleventh attempt is refused before the
	// password is even checked, right or wrong.
	for i := range 10 {
		resp, _ := send(t, c, http.MethodPost, srv.URL+"/login", url.Values{"email": {u.Email}, "password": {"wrong password " + string(rune('a'+i))}}, browser)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i+1, resp.StatusCode)
		}
	}
	resp, body := send(t, c, http.MethodPost, srv.URL+"/login", url.Values{"email": {u.Email}, "password": {webtest.Password}}, browser)
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Too many failed sign-ins. Wait a minute") || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("11th attempt: %d (Retry-After %q)\n%s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	// The same address is refused for another e-mail too (per-address limit).
	resp, _ = send(t, c, http.MethodPost, srv.URL+"/login", url.Values{"email": {other.Email}, "password": {webtest.Password}}, api)
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("other e-mail from the same address: %d, want 429", resp.StatusCode)
	}
}

func TestSignOutEndsTheSession(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeApp(t, web.Config{})
	c, u := webtest.LoginUser(t, srv, store, inventory.Management)
	resp, body := send(t, c, http.MethodGet, srv.URL+"/runs", nil, browser)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, u.DisplayName) || !strings.Contains(body, `action="/logout"`) {
		t.Fatalf("signed in /runs: %d, want the page with who is signed in and a sign-out button\n%s", resp.StatusCode, body)
	}
	srvURL, _ := url.Parse(srv.URL)
	stolen := c.Jar.Cookies(srvURL)
	resp, _ = send(t, c, http.MethodPost, srv.URL+"/logout", nil, browser)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("sign out: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if !strings.Contains(resp.Header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("sign-out does not clear the cookie: %q", resp.Header.Get("Set-Cookie"))
	}
	// Replaying the old cookie gets nowhere: the session is gone from the store.
	replay := webtest.NewClient(t)
	replay.Jar.SetCookies(srvURL, stolen)
	resp, _ = send(t, replay, http.MethodGet, srv.URL+"/runs", nil, browser)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("old cookie after sign-out: %d to %q, want 303 to /login", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestAnonymousRequests(t *testing.T) {
	t.Parallel()
	srv, _ := webtest.ServeApp(t, web.Config{})
	c := webtest.NewClient(t)
	for _, tc := range []struct {
		path, wantLocation string
	}{
		{"/accounts", "/login?next=%2Faccounts"},
		{"/accounts/u-1?tab=x", "/login?next=%2Faccounts%2Fu-1%3Ftab%3Dx"},
		{"/runs", "/login?next=%2Fruns"},
		{"/users", "/login?next=%2Fusers"},
		{"/", "/login"},
	} {
		resp, _ := send(t, c, http.MethodGet, srv.URL+tc.path, nil, browser)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tc.wantLocation {
			t.Errorf("browser GET %s: %d to %q, want 303 to %q", tc.path, resp.StatusCode, resp.Header.Get("Location"), tc.wantLocation)
		}
		resp, body := send(t, c, http.MethodGet, srv.URL+tc.path, nil, api)
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"error":"Sign in to use mfaboard`) {
			t.Errorf("API GET %s: %d %s, want 401 JSON", tc.path, resp.StatusCode, body)
		}
	}
	resp, _ := send(t, c, http.MethodGet, srv.URL+"/accounts", nil, map[string]string{"HX-Request": "true", "Accept": "text/html"})
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("HX-Redirect") != "/login?next=%2Faccounts" {
		t.Errorf("htmx GET: %d HX-Redirect %q", resp.StatusCode, resp.Header.Get("HX-Redirect"))
	}
	for _, path := range []string{"/login", "/healthz", "/static/css/app.css"} {
		if resp, _ := send(t, c, http.MethodGet, srv.URL+path, nil, browser); resp.StatusCode != http.StatusOK {
			t.Errorf("public %s: %d, want 200", path, resp.StatusCode)
		}
	}
}

func TestSignInRefusesOpenRedirects(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeApp(t, web.Config{})
	u := webtest.CreateUser(t, store, inventory.Engineer)
	for _, next := range []string{
		"https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example",
		"javascript:alert(1)", "evil.example", "/%0d%0aSet-Cookie:x=1", "/login?next=https://evil.example",
	} {
		c := webtest.NewClient(t)
		resp, _ := send(t, c, http.MethodPost, srv.URL+"/login", url.Values{"email": {u.Email}, "password": {webtest.Password}, "next": {next}}, browser)
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/" {
			t.Errorf("next=%q: %d to %q, want 303 to /", next, resp.StatusCode, loc)
		}
		// Signed in, GET /login?next= goes on, and only on this site.
		resp, _ = send(t, c, http.MethodGet, srv.URL+"/login?next="+url.QueryEscape(next), nil, browser)
		if loc := resp.Header.Get("Location"); loc != "/" {
			t.Errorf("GET /login?next=%q signed in: to %q, want /", next, loc)
		}
	}
}

func TestCrossSitePostRefused(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeApp(t, web.Config{})
	c := webtest.Login(t, srv, store, inventory.SecurityLead)
	form := url.Values{"email": {"new@test.local"}, "role": {"engineer"}, "password": {webtest.Password}}
	resp, body := send(t, c, http.MethodPost, srv.URL+"/users", form,
		map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site", "Accept": "text/html"})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "came from another site") {
		t.Fatalf("cross-site POST: %d\n%s", resp.StatusCode, body)
	}
	if _, _, err := store.UserByEmail(t.Context(), "new@test.local"); inventory.ErrorCode(err) != inventory.ENOTFOUND {
		t.Fatalf("the cross-site POST created the user: %v", err)
	}
	// The same form from the site itself works.
	resp, _ = send(t, c, http.MethodPost, srv.URL+"/users", form, map[string]string{"Sec-Fetch-Site": "same-origin", "Accept": "text/html"})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("same-origin POST: %d", resp.StatusCode)
	}
}

func TestSignInsAndUserChangesAreRecorded(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeApp(t, web.Config{})
	lead, me := webtest.LoginUser(t, srv, store, inventory.SecurityLead)
	send(t, webtest.NewClient(t), http.MethodPost, srv.URL+"/login", url.Values{"email": {"ghost@test.local"}, "password": {"a guessed password"}}, browser)
	send(t, lead, http.MethodPost, srv.URL+"/users", url.Values{"email": {"new@test.local"}, "role": {"management"}, "password": {webtest.Password}}, browser)
	added, _, err := store.UserByEmail(t.Context(), "new@test.local")
	if err != nil {
		t.Fatal(err)
	}
	send(t, lead, http.MethodPost, srv.URL+"/users/"+added.ID+"/role", url.Values{"role": {"engineer"}}, browser)
	send(t, lead, http.MethodPost, srv.URL+"/logout", nil, browser)

	events, _, err := store.Audit(t.Context(), pg.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		got = append(got, e.Action+" by "+e.ActorID+" "+e.From+">"+e.To)
		for _, secret := range []string{webtest.Password, "a guessed password"} {
			if strings.Contains(e.Reason+e.ActorName+e.From+e.To+fmt.Sprint(e.Details), secret) {
				t.Fatalf("a password in the record: %+v", e)
			}
		}
		// Each event of the web keeps the address it came from.
		if e.ActorID != "cli" && e.Details["ip"] != "127.0.0.1" {
			t.Errorf("%s by %s keeps no address: %v", e.Action, e.ActorID, e.Details)
		}
	}
	want := []string{
		"user_created by cli >security_lead", // the test's lead, added as the command line adds people
		"sign_in by " + me.ID + " >security_lead",
		"sign_in_failed by anonymous >",
		"user_created by " + me.ID + " >management",
		"user_role_changed by " + me.ID + " management>engineer",
		"sign_out by " + me.ID + " >",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("record:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestUserRoutesAreForSecurityLeads(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeApp(t, web.Config{})
	target := webtest.CreateUser(t, store, inventory.Engineer)
	for _, role := range []inventory.Role{inventory.Engineer, inventory.Management} {
		c := webtest.Login(t, srv, store, role)
		for _, r := range []struct {
			method, path string
			form         url.Values
		}{
			{http.MethodGet, "/users", nil},
			{http.MethodPost, "/users", url.Values{"email": {"x@test.local"}, "role": {"security_lead"}, "password": {webtest.Password}}},
			{http.MethodPost, "/users/" + target.ID + "/reset-password", url.Values{"password": {"a brand new password"}}},
			{http.MethodPost, "/users/" + target.ID + "/role", url.Values{"role": {"security_lead"}}},
			{http.MethodPost, "/users/" + target.ID + "/disable", url.Values{"disabled": {"true"}}},
		} {
			resp, body := send(t, c, r.method, srv.URL+r.path, r.form, browser)
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Only a security lead can do this") {
				t.Errorf("%s %s %s: %d, want 403 with a sentence\n%s", role, r.method, r.path, resp.StatusCode, body)
			}
		}
	}
	after, err := store.UserByID(t.Context(), target.ID)
	if err != nil || after.Role != inventory.Engineer || after.Disabled || !after.PasswordChangedAt.Equal(target.PasswordChangedAt) {
		t.Fatalf("a refused request changed the user: %+v", after)
	}
	if _, _, err := store.UserByEmail(t.Context(), "x@test.local"); inventory.ErrorCode(err) != inventory.ENOTFOUND {
		t.Fatalf("a refused request created a user: %v", err)
	}
}

func TestUserManagementByALead(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeApp(t, web.Config{})
	lead, me := webtest.LoginUser(t, srv, store, inventory.SecurityLead)
	// answers fails the test unless c's request answers with want.
	answers := func(what string, c *http.Client, method, path string, form url.Values, header map[string]string, want int) {
		t.Helper()
		if resp, _ := send(t, c, method, srv.URL+path, form, header); resp.StatusCode != want {
			t.Fatalf("%s: %d, want %d", what, resp.StatusCode, want)
		}
	}

	resp, body := send(t, lead, http.MethodGet, srv.URL+"/users", nil, browser)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, me.Email) || !strings.Contains(body, `data-testid="whoami"`) {
		t.Fatalf("GET /users: %d\n%s", resp.StatusCode, body)
	}

	// Add a user, who can then sign in.
	form := url.Values{"email": {"Eli@Test.local"}, "name": {"Eli"}, "role": {"engineer"}, "password": {"twelve chars ok"}}
	resp, _ = send(t, lead, http.MethodPost, srv.URL+"/users", form, browser)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/users" {
		t.Fatalf("add user: %d", resp.StatusCode)
	}
	_, body = send(t, lead, http.MethodGet, srv.URL+"/users", nil, browser)
	if !strings.Contains(body, "eli@test.local is added as engineer.") {
		t.Fatalf("no notice after adding:\n%s", body)
	}
	eli := webtest.SignedInClient(t, srv.URL, "eli@test.local", "twelve chars ok")
	added, _, err := store.UserByEmail(t.Context(), "eli@test.local")
	if err != nil {
		t.Fatal(err)
	}

	// Refusals come back on the page as sentences, the form kept.
	for _, tc := range []struct {
		name     string
		form     url.Values
		sentence string
	}{
		{"duplicate", url.Values{"email": {"ELI@test.local"}, "role": {"engineer"}, "password": {"twelve chars ok"}}, "A user with the e-mail eli@test.local already exists."},
		{"short password", url.Values{"email": {"new@test.local"}, "role": {"engineer"}, "password": {"short"}}, "The password is too short: use at least 12 characters"},
		{"unknown role", url.Values{"email": {"new@test.local"}, "role": {"admin"}, "password": {"twelve chars ok"}}, "Unknown role"},
		{"bad e-mail", url.Values{"email": {"not an address"}, "role": {"engineer"}, "password": {"twelve chars ok"}}, "is not an e-mail address"},
	} {
		resp, body := send(t, lead, http.MethodPost, srv.URL+"/users", tc.form, browser)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, tc.sentence) {
			t.Errorf("%s: %d, want 400 with %q\n%s", tc.name, resp.StatusCode, tc.sentence, body)
		}
	}

	// Reset Eli's password: Eli's session ends, the old password no longer works.
	answers("reset password", lead, http.MethodPost, "/users/"+added.ID+"/reset-password", url.Values{"password": {"another good password"}}, browser, http.StatusSeeOther)
	answers("Eli's session after the reset", eli, http.MethodGet, "/runs", nil, browser, http.StatusSeeOther)
	answers("old password after reset", webtest.NewClient(t), http.MethodPost, "/login", url.Values{"email": {"eli@test.local"}, "password": {"twelve chars ok"}}, browser, http.StatusUnauthorized)
	eli = webtest.SignedInClient(t, srv.URL, "eli@test.local", "another good password")

	// Promote Eli: the very next request sees the new role.
	answers("engineer on /users", eli, http.MethodGet, "/users", nil, browser, http.StatusForbidden)
	answers("role change", lead, http.MethodPost, "/users/"+added.ID+"/role", url.Values{"role": {"security_lead"}}, browser, http.StatusSeeOther)
	answers("promoted Eli on /users", eli, http.MethodGet, "/users", nil, browser, http.StatusOK)

	// Disable Eli: the session ends at once and sign-in is refused.
	answers("disable", lead, http.MethodPost, "/users/"+added.ID+"/disable", url.Values{"disabled": {"true"}}, browser, http.StatusSeeOther)
	answers("disabled Eli's session", eli, http.MethodGet, "/runs", nil, api, http.StatusUnauthorized)
	answers("disabled Eli signs in", webtest.NewClient(t), http.MethodPost, "/login", url.Values{"email": {"eli@test.local"}, "password": {"another good password"}}, browser, http.StatusUnauthorized)

	// The last enabled lead can neither disable nor demote themselves.
	for _, r := range []struct{ path, value, sentence string }{
		{"/disable", "true", "You cannot disable the last security lead"},
		{"/role", "engineer", "You cannot make the last security lead engineer"},
	} {
		field := "disabled"
		if r.path == "/role" {
			field = "role"
		}
		resp, body := send(t, lead, http.MethodPost, srv.URL+"/users/"+me.ID+r.path, url.Values{field: {r.value}}, browser)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, r.sentence) {
			t.Errorf("last lead %s: %d, want 400 with %q\n%s", r.path, resp.StatusCode, r.sentence, body)
		}
	}
	if u, _ := store.UserByID(t.Context(), me.ID); u.Role != inventory.SecurityLead || u.Disabled {
		t.Fatalf("the last lead was changed: %+v", u)
	}

	// A lead resetting their own password stays signed in.
	answers("own reset", lead, http.MethodPost, "/users/"+me.ID+"/reset-password", url.Values{"password": {"my own new password"}}, browser, http.StatusSeeOther)
	answers("lead after resetting their own password", lead, http.MethodGet, "/users", nil, browser, http.StatusOK)

	// Unknown users are 404.
	resp, body = send(t, lead, http.MethodPost, srv.URL+"/users/00000000-0000-0000-0000-000000000000/role", url.Values{"role": {"engineer"}}, api)
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "There is no user with id") {
		t.Fatalf("unknown user: %d %s", resp.StatusCode, body)
	}
}
