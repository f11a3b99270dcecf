package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// formAsRendered is what a browser posts from form: its action and every
// named field with the value the page rendered (checked boxes and radios,
// the selected option, a textarea's text), fields of a disabled fieldset
// left out.
func formAsRendered(t *testing.T, form *goquery.Selection) (string, url.Values) {
	t.Helper()
	if form.Length() != 1 {
		t.Fatalf("want one form, found %d", form.Length())
	}
	action := form.AttrOr("action", "")
	vals := url.Values{}
	form.Find("input[name], textarea[name], select[name]").Each(func(_ int, f *goquery.Selection) {
		if f.Closest("fieldset[disabled]").Length() > 0 {
			return
		}
		name := f.AttrOr("name", "")
		switch goquery.NodeName(f) {
		case "textarea":
			vals.Add(name, f.Text())
		case "select":
			opt := f.Find("option[selected]").First()
			if opt.Length() == 0 {
				opt = f.Find("option").First()
			}
			vals.Add(name, opt.AttrOr("value", opt.Text()))
		default:
			switch f.AttrOr("type", "text") {
			case "checkbox", "radio":
				if _, checked := f.Attr("checked"); checked {
					vals.Add(name, f.AttrOr("value", "on"))
				}
			case "submit", "button":
			default:
				vals.Add(name, f.AttrOr("value", ""))
			}
		}
	})
	return action, vals
}

// openElsewhere is a link on another site to tenant B's board: the session
// now shows B.
func openElsewhere(t *testing.T, f *boardFixture, who string) {
	t.Helper()
	resp, _ := send(t, f.clients[who], http.MethodGet, f.url("/board?tenant="+tenantB), nil,
		map[string]string{"Accept": "text/html", "Sec-Fetch-Site": "cross-site"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET tenant B's board: %d", resp.StatusCode)
	}
}

func TestFormsActOnTheTenantTheyShowed(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 4)
	lead := f.clients["lead"]
	ctx := t.Context()

	// Settings shown for A, B opened since, the form posted as rendered: A
	// changes, B does not.
	action, form := formAsRendered(t, page(t, lead, f.url("/settings?tenant="+tenantA), http.StatusOK).Find(`[data-testid="settings-form"]`))
	if form.Get("tenant") != tenantA {
		t.Fatalf("the settings form names tenant %q, want %q", form.Get("tenant"), tenantA)
	}
	form.Set("service_patterns", "scanner-only-in-a")
	openElsewhere(t, f, "lead")
	resp, body := send(t, lead, http.MethodPost, f.url(action), form, browser)
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "tenant="+tenantA) {
		t.Fatalf("save settings: %d to %q\n%s", resp.StatusCode, resp.Header.Get("Location"), excerpt(body))
	}
	if st, err := f.store.TenantSettings(ctx, tenantA); err != nil || strings.Join(st.ServicePatterns, ",") != "scanner-only-in-a" {
		t.Errorf("tenant A's service patterns are %v (%v), want the ones saved", st.ServicePatterns, err)
	}
	if st, err := f.store.TenantSettings(ctx, tenantB); err != nil || strings.Contains(strings.Join(st.ServicePatterns, ","), "scanner-only-in-a") {
		t.Errorf("tenant B got A's settings: %v (%v)", st.ServicePatterns, err)
	}

	// A webhook meant for A is saved under A, and "send now" sends A's report.
	var posts atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		posts.Add(1)
	}))
	defer hook.Close()
	delivery := page(t, lead, f.url("/settings/delivery?tenant="+tenantA), http.StatusOK)
	action, form = formAsRendered(t, delivery.Find(`[data-testid="delivery-form"]`))
	form.Set("webhook_url", hook.URL+"/hook-for-a")
	sendAction, sendForm := formAsRendered(t, delivery.Find(`[data-testid="delivery-send"]`))
	openElsewhere(t, f, "lead")
	if resp, body := send(t, lead, http.MethodPost, f.url(action), form, browser); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save delivery: %d\n%s", resp.StatusCode, excerpt(body))
	}
	if st, _ := f.store.DeliverySettings(ctx, tenantA); st.Webhook != hook.URL+"/hook-for-a" {
		t.Errorf("tenant A's webhook is %q, want the one saved", st.WebhookHost())
	}
	if st, _ := f.store.DeliverySettings(ctx, tenantB); st.Webhook != "" {
		t.Errorf("tenant B got A's webhook (%s)", st.WebhookHost())
	}
	openElsewhere(t, f, "lead")
	if resp, body := send(t, lead, http.MethodPost, f.url(sendAction), sendForm, browser); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("send now: %d\n%s", resp.StatusCode, excerpt(body))
	}
	if st, _ := f.store.DeliverySettings(ctx, tenantA); posts.Load() != 1 || st.LastSent.IsZero() {
		t.Errorf("send now: %d posts, tenant A last sent %v; want A's report sent once", posts.Load(), st.LastSent)
	}

	// The readiness deadline, the bulk edit and a card's own action.
	action, form = formAsRendered(t, page(t, lead, f.url("/readiness?tenant="+tenantA), http.StatusOK).Find(`[data-testid="deadline-form"]`))
	form.Set("deadline", "2031-03-31")
	openElsewhere(t, f, "lead")
	if resp, body := send(t, lead, http.MethodPost, f.url(action), form, browser); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("deadline: %d\n%s", resp.StatusCode, excerpt(body))
	}
	if d, _ := f.store.Deadline(ctx, tenantA); !d.Equal(time.Date(2031, 3, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("tenant A's deadline is %v, want 31 Mar 2031", d)
	}
	if d, _ := f.store.Deadline(ctx, tenantB); d.Equal(time.Date(2031, 3, 31, 0, 0, 0, 0, time.UTC)) {
		t.Error("tenant B got A's deadline")
	}

	action, form = formAsRendered(t, page(t, lead, f.url("/board?tenant="+tenantA), http.StatusOK).Find(`[data-testid="bulk-form"]`))
	form.Set("ids", "a-02") // ticked on the board: the checkbox belongs to the form through form="bulk"
	form.Set("set_due", "2031-01-31")
	openElsewhere(t, f, "lead")
	if resp, body := send(t, lead, http.MethodPost, f.url(action), form, browser); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("bulk edit: %d\n%s", resp.StatusCode, excerpt(body))
	}
	if c := f.card(t, "a-02"); c.DueDate.Format(time.DateOnly) != "2031-01-31" {
		t.Errorf("a-02 is due %v after the bulk edit, want 2031-01-31", c.DueDate)
	}

	action, form = formAsRendered(t, page(t, lead, f.url("/accounts/a-03?tenant="+tenantA), http.StatusOK).Find(`#work [data-testid="move-form"]`))
	form.Set("to", string(inventory.Planned))
	openElsewhere(t, f, "lead")
	if resp, body := send(t, lead, http.MethodPost, f.url(action), form, browser); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("move from the account page: %d\n%s", resp.StatusCode, excerpt(body))
	}
	if c := f.card(t, "a-03"); c.Status != inventory.Planned {
		t.Errorf("a-03 is %s after the move, want planned", c.Status)
	}
}

func TestPostsWithoutTheirTenantAreRefused(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 2)
	c := f.card(t, "a-01")
	for _, tc := range []refusal{
		{"lead", "/settings", url.Values{"kind": {"csp"}, "window_days": {"30"}}, http.StatusBadRequest, "The form did not say which tenant it changes"},
		{"lead", "/settings/delivery", url.Values{"smtp_port": {"587"}, "hour": {"8"}}, http.StatusBadRequest, "The form did not say which tenant it changes"},
		{"lead", "/settings/delivery/send", url.Values{}, http.StatusBadRequest, "The form did not say which tenant it changes"},
		{"lead", "/readiness/deadline", url.Values{"deadline": {"2031-01-01"}}, http.StatusBadRequest, "The form did not say which tenant it changes"},
		{"lead", "/board/bulk", url.Values{"ids": {"a-01"}, "set_due": {"2031-01-01"}}, http.StatusBadRequest, "The form did not say which tenant it changes"},
		{"lead", "/accounts/a-01/move", url.Values{"to": {"planned"}, "version": {version(c)}}, http.StatusBadRequest, "The form did not say which tenant it changes"},
		// The query is not where a form names its tenant.
		{"lead", "/accounts/a-01/move?tenant=" + tenantA, url.Values{"to": {"planned"}, "version": {version(c)}}, http.StatusBadRequest,
			"The form did not say which tenant it changes"},
		{"lead", "/accounts/a-01/move", url.Values{"tenant": {"no-such-tenant"}, "to": {"planned"}, "version": {version(c)}}, http.StatusNotFound,
			`The tenant "no-such-tenant" the form names is not in the database`},
		// An account is changed only in the tenant it belongs to.
		{"lead", "/accounts/a-01/move", url.Values{"tenant": {tenantB}, "to": {"planned"}, "version": {version(c)}}, http.StatusNotFound, "is not in tenant"},
	} {
		refused(t, f.clients[tc.who], f.url(tc.path), tc)
	}
	if after := f.card(t, "a-01"); after.Version != c.Version {
		t.Error("a refused post changed the card")
	}
}

// Before the first sync every page of a tenant is the one empty state, and
// whatever belongs to a tenant (an account, a file, a fragment) is not
// found, with the same sentence; pages that work without a tenant work.
func TestBeforeTheFirstSync(t *testing.T) {
	srv, store := webtest.ServeApp(t, web.Config{})
	lead := webtest.Login(t, srv, store, inventory.SecurityLead)
	// noTenantYet gets path, which must answer want with the empty state's
	// sentence.
	noTenantYet := func(path string, want int) (string, bool) {
		t.Helper()
		resp, body := send(t, lead, http.MethodGet, srv.URL+path, nil, browser)
		if resp.StatusCode != want || !says(body, views.NoTenantYet) {
			t.Errorf("GET %s: %d, want %d saying %q\n%s", path, resp.StatusCode, want, views.NoTenantYet, excerpt(body))
			return body, false
		}
		return body, true
	}
	// The pages of a tenant, by the link each marks in the nav (delivery is
	// in settings, under "More").
	for path, nav := range map[string]string{
		"/accounts":          "accounts",
		"/board":             "board",
		"/exceptions":        "exceptions",
		"/readiness":         "readiness",
		"/split":             "split",
		"/changes":           "changes",
		"/settings/delivery": "settings",
	} {
		body, ok := noTenantYet(path, http.StatusOK)
		if !ok {
			continue
		}
		doc := htmlDoc(t, body)
		if n := doc.Find(`[data-testid="empty-tenant"]`).Length(); n != 1 {
			t.Errorf("GET %s shows %d empty states, want 1", path, n)
		}
		if got := doc.Find(`nav a[aria-current="page"]`).AttrOr("href", ""); got != "/"+nav {
			t.Errorf("GET %s marks %q in the nav, want %q", path, got, "/"+nav)
		}
	}
	// What belongs to a tenant is not found.
	for _, path := range []string{"/accounts/u-1", "/accounts.csv", "/board/column?status=triage&offset=50", "/readiness/report.pdf",
		"/readiness/report.xlsx", "/split/moves.csv", "/settings"} {
		noTenantYet(path, http.StatusNotFound)
	}
	resp, body := send(t, lead, http.MethodGet, srv.URL+"/accounts.csv", nil, api)
	if resp.StatusCode != http.StatusNotFound || !says(body, views.NoTenantYet) {
		t.Errorf("an API client's export: %d %s", resp.StatusCode, body)
	}
	for _, path := range []string{"/runs", "/audit", "/audit.csv", "/tools/token"} {
		if resp, body := send(t, lead, http.MethodGet, srv.URL+path, nil, browser); resp.StatusCode != http.StatusOK || says(body, views.NoTenantYet) {
			t.Errorf("GET %s: %d, want the page itself\n%s", path, resp.StatusCode, excerpt(body))
		}
	}
}
