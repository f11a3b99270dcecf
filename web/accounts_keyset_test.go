package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// TestAccountListPageLinks: next and previous links carry a row's key and
// the page's number, lead back to the same pages, and an old ?page=N link
// still reads its page; a damaged link or a page past the end is a
// sentence (400), never a 500.
func TestAccountListPageLinks(t *testing.T) {
	t.Parallel()
	srv, store, _ := demoServer(t, 130)
	c := webtest.Login(t, srv, store, inventory.Engineer)

	first := page(t, c, srv.URL+"/accounts?sort=compliance", http.StatusOK)
	next, ok := first.Find(`a[rel="next"]`).Attr("href")
	if !ok || !strings.Contains(next, "after=") || !strings.Contains(next, "page=2") || !strings.Contains(next, "sort=compliance") {
		t.Fatalf("next link %q: want the key of the last row, page 2 and the order", next)
	}
	second := page(t, c, srv.URL+next, http.StatusOK)
	if got := second.Find(`[data-testid="range"]`).Text(); got != "51–100 of 130" {
		t.Fatalf("page 2 says %q", got)
	}
	byNumber := page(t, c, srv.URL+"/accounts?sort=compliance&page=2", http.StatusOK)
	if a, b := rowLinks(second), rowLinks(byNumber); strings.Join(a, " ") != strings.Join(b, " ") || len(a) != 50 {
		t.Fatalf("page 2 by its link and by its number differ:\n%v\n%v", a, b)
	}
	third := page(t, c, srv.URL+mustAttr(t, second, `a[rel="next"]`), http.StatusOK)
	back := mustAttr(t, third, `a[rel="prev"]`)
	if !strings.Contains(back, "before=") {
		t.Fatalf("previous link %q: want the key of the first row", back)
	}
	if a, b := rowLinks(page(t, c, srv.URL+back, http.StatusOK)), rowLinks(second); strings.Join(a, " ") != strings.Join(b, " ") {
		t.Fatalf("back from page 3 is not page 2:\n%v\n%v", a, b)
	}
	if prev := mustAttr(t, second, `a[rel="prev"]`); prev != "/accounts?sort=compliance" {
		t.Fatalf("back from page 2 is %q, want the first page", prev)
	}

	cursor, _ := url.Parse(next)
	for target, sentence := range map[string]string{
		"/accounts?after=garbage":                                  "page link is damaged",
		"/accounts?before=%7B%7D":                                  "page link is damaged",
		"/accounts?sort=-upn&after=" + cursor.Query().Get("after"): "belongs to another order",
		"/accounts?after=a&before=b":                               "not both",
		"/accounts?page=4":                                         "there is no page 4 of this list: 130 accounts match, on 3 pages",
		"/accounts?page=999999999999":                              "past the end of any list",
		"/accounts?page=-1":                                        "is not a page number",
	} {
		resp, body := send(t, c, http.MethodGet, srv.URL+target, nil, map[string]string{"Accept": "text/html"})
		if resp.StatusCode != http.StatusBadRequest || !says(body, sentence) {
			t.Errorf("GET %s: %d, want 400 saying %q\n%s", target, resp.StatusCode, sentence, body)
		}
	}
}

func rowLinks(doc *goquery.Document) []string {
	var out []string
	doc.Find(`[data-testid="account-row"] a.strong`).Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Attr("href")
		out = append(out, href)
	})
	return out
}

func mustAttr(t *testing.T, doc *goquery.Document, selector string) string {
	t.Helper()
	v, ok := doc.Find(selector).Attr("href")
	if !ok {
		t.Fatalf("no %s on the page", selector)
	}
	return v
}
