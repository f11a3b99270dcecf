package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

func TestEveryoneLandsWhereTheirWorkIs(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 2)
	for who, want := range map[string]string{"lead": "/plan", "eng": "/work", "mgmt": "/readiness"} {
		resp, _ := send(t, f.clients[who], http.MethodGet, f.url("/"), nil, asBrowser)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
			t.Errorf("%s lands on %d %q, want %s", who, resp.StatusCode, resp.Header.Get("Location"), want)
		}
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
	srv, _ := authServer(t, web.Config{})
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
