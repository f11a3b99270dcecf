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

func TestUserRoutesAreForSecurityLeads(t *testing.T) {
	t.Parallel()
	srv, store := authServer(t, web.Config{})
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
	srv, store := authServer(t, web.Config{})
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
