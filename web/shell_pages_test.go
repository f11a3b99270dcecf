package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

func TestEveryoneLandsWhereTheirWorkIs(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 2)
	for who, want := range map[string]string{"lead": "/plan", "eng": "/work", "mgmt": "/readiness"} {
		resp, _ := send(t, f.clients[who], http.MethodGet, f.url("/"), nil, browser)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
			t.Errorf("%s lands on %d %q, want %s", who, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
}

// /plan by route and role: every role reads the plan and each fix; only a
// lead is offered, and may take, the action that turns a fix into work.
func TestPlanRoutesByRole(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 6)
	plan, err := f.store.Plan(t.Context(), tenantA)
	if err != nil || len(plan.Fixes) == 0 {
		t.Fatalf("tenant A has no plan: %v", err)
	}
	fix := plan.Fixes[0]
	fixPath := "/plan/fixes/" + fix.ID
	due := time.Now().UTC().AddDate(0, 0, 10).Format(time.DateOnly)
	work := func(v url.Values) url.Values {
		out := url.Values{"tenant": {tenantA}, "assignee": {f.users["eng"].ID}, "due": {due}}
		for k, vs := range v {
			out[k] = vs
		}
		return out
	}
	for _, tc := range []struct {
		name, who, method, path string
		form                    url.Values
		want                    int
		says, saysNot           string
	}{
		{"lead reads the plan", "lead", http.MethodGet, "/plan", nil, http.StatusOK, `action="` + fixPath + `/work"`, ""},
		{"engineer reads the plan", "eng", http.MethodGet, "/plan", nil, http.StatusOK, `data-testid="fix"`, `data-testid="fix-work"`},
		{"management reads the plan", "mgmt", http.MethodGet, "/plan", nil, http.StatusOK, `data-testid="fix"`, `data-testid="fix-work"`},
		{"lead opens a fix", "lead", http.MethodGet, fixPath, nil, http.StatusOK, `data-testid="fix-account"`, ""},
		{"management opens a fix", "mgmt", http.MethodGet, fixPath, nil, http.StatusOK, `data-testid="fix-account"`, `data-testid="fix-work"`},
		{"unknown fix", "lead", http.MethodGet, "/plan/fixes/nope", nil, http.StatusNotFound, "is not in the plan of tenant", ""},
		{"bad page", "lead", http.MethodGet, fixPath + "?page=x", nil, http.StatusBadRequest, `The page "x" is not a page number`, ""},
		{"engineer turns a fix into work", "eng", http.MethodPost, fixPath + "/work", work(nil), http.StatusForbidden, "Only a security lead can do this", ""},
		{"management turns a fix into work", "mgmt", http.MethodPost, fixPath + "/work", work(nil), http.StatusForbidden, "Only a security lead can do this", ""},
		{"without the tenant", "lead", http.MethodPost, fixPath + "/work", url.Values{"assignee": {f.users["eng"].ID}, "due": {due}},
			http.StatusBadRequest, "The form did not say which tenant it changes", ""},
		{"without an assignee", "lead", http.MethodPost, fixPath + "/work", work(url.Values{"assignee": {""}}), http.StatusBadRequest, "Choose who does the work.", ""},
		{"assigned to management", "lead", http.MethodPost, fixPath + "/work", work(url.Values{"assignee": {f.users["mgmt"].ID}}),
			http.StatusBadRequest, "who reads but does not remediate", ""},
		{"a date that is not one", "lead", http.MethodPost, fixPath + "/work", work(url.Values{"due": {"31/12/2030"}}),
			http.StatusBadRequest, `The due date "31/12/2030" is not a date`, ""},
		{"a date gone by", "lead", http.MethodPost, fixPath + "/work", work(url.Values{"due": {"2020-01-01"}}), http.StatusBadRequest, "has already passed", ""},
		{"an unknown fix", "lead", http.MethodPost, "/plan/fixes/nope/work", work(nil), http.StatusNotFound, "is not in the plan of tenant", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := send(t, f.clients[tc.who], tc.method, f.url(tc.path), tc.form, browser)
			if resp.StatusCode != tc.want || (tc.says != "" && !says(body, tc.says)) || (tc.saysNot != "" && strings.Contains(body, tc.saysNot)) {
				t.Fatalf("%s %s as %s: %d, want %d saying %q and not %q\n%s", tc.method, tc.path, tc.who, resp.StatusCode, tc.want, tc.says, tc.saysNot, body)
			}
		})
	}
	for _, a := range []string{"a-01", "a-06"} {
		if c := f.card(t, a); c.Status != inventory.Triage || c.Assignee != "" {
			t.Fatalf("a refused request changed %s: %+v", a, c)
		}
	}

	// The lead turns the top fix into work: back on /plan with a notice,
	// the cards planned, assigned and dated.
	resp, _ := send(t, f.clients["lead"], http.MethodPost, f.url(fixPath+"/work"), work(nil), browser)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/plan?") {
		t.Fatalf("turn into work: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body := send(t, f.clients["lead"], http.MethodGet, f.url(resp.Header.Get("Location")), nil, browser)
	if !says(body, "6 accounts planned for "+f.users["eng"].Name()) {
		t.Fatalf("no notice after turning the fix into work:\n%s", body)
	}
	for _, a := range []string{"a-01", "a-06"} {
		c := f.card(t, a)
		if c.Status != inventory.Planned || c.Assignee != f.users["eng"].ID || c.DueDate.Format(time.DateOnly) != due {
			t.Fatalf("%s after the fix became work: %+v", a, c)
		}
	}
}

// A tenant with nothing open says so.
func TestPlanEmptyState(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 1)
	on := true
	snap := &inventory.Snapshot{
		Tenant:           inventory.Tenant{ID: "cccccccc-0000-0000-0000-00000000000c", DisplayName: "Northwind", Domains: []string{"northwind.com"}},
		SecurityDefaults: &on,
		Users: []inventory.User{{ID: "c-01", DisplayName: "Person c-01", UserPrincipalName: "c-01@northwind.com", UserType: "Member",
			AccountEnabled: true, LastSignIn: time.Now().Add(-time.Hour)}},
		Registrations: map[string]inventory.Registration{"c-01": {IsMfaRegistered: true, IsMfaCapable: true, MethodsRegistered: []string{"microsoftAuthenticatorPush"}}},
	}
	pgtest.Sync(t, f.store, snap, inventory.SyncOptions{Kind: inventory.KindMixed})
	resp, body := send(t, f.clients["lead"], http.MethodGet, f.url("/plan?tenant="+snap.Tenant.ID), nil, browser)
	if resp.StatusCode != http.StatusOK || !says(body, "Nothing to fix: every account is compliant") {
		t.Fatalf("GET /plan of a compliant tenant: %d\n%s", resp.StatusCode, body)
	}
}

func TestMyWorkListsTheirCardsByDueDate(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 5)
	ctx, lead := t.Context(), f.actor("lead")
	due := func(id string, d time.Time) {
		c := f.card(t, id)
		if _, err := f.store.SetDueDate(ctx, lead, tenantA, id, d, c.Version); err != nil {
			t.Fatal(err)
		}
	}
	f.plan(t, "a-01", "eng")
	f.plan(t, "a-02", "eng")
	f.plan(t, "a-03", "eng")
	f.plan(t, "a-04", "eng2") // someone else's
	now := time.Now().UTC()
	due("a-01", now.AddDate(0, 0, 20))
	due("a-02", now.AddDate(0, 0, -2)) // overdue
	doc := boardDoc(t, f, "eng", "/work")
	var got []string
	doc.Find(`[data-testid="work-row"]`).Each(func(_ int, s *goquery.Selection) {
		got = append(got, strings.TrimSpace(s.Find(".mono").Text()))
	})
	want := []string{"a-02@contoso.com", "a-01@contoso.com", "a-03@contoso.com"} // by due date, none last
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("my work lists %v, want %v", got, want)
	}
	if n := doc.Find(`[data-testid="overdue"]`).Length(); n != 1 {
		t.Errorf("%d rows flagged overdue, want 1", n)
	}
	if doc.Find(`nav a[aria-current="page"]`).AttrOr("href", "") != "/work" {
		t.Error("the nav does not mark My work")
	}
	if doc := boardDoc(t, f, "mgmt", "/work"); doc.Find(`[data-testid="work-empty"]`).Length() != 1 ||
		!strings.Contains(doc.Text(), "Nothing assigned to you") {
		t.Error("someone with no cards does not read \"Nothing assigned to you\"")
	}
}

func TestStaticServesFilesNotFolders(t *testing.T) {
	t.Parallel()
	srv, _ := webtest.ServeApp(t, web.Config{})
	c := webtest.NewClient(t)
	for _, path := range []string{"/static/", "/static/css/", "/static/css", "/static/js/", "/static/img/", "/static/dist/", "/static/./css/"} {
		resp, body := send(t, c, http.MethodGet, srv.URL+path, nil, browser)
		if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "app.css") || strings.Contains(body, "board.js") {
			t.Errorf("GET %s: %d, want 404 without a listing\n%.300s", path, resp.StatusCode, body)
		}
	}
	for _, path := range []string{"/static/css/app.css", "/static/js/board.js", "/static/img/logo.svg"} {
		if resp, _ := send(t, c, http.MethodGet, srv.URL+path, nil, browser); resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d, want 200", path, resp.StatusCode)
		}
	}
}
