package web_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// demoServer serves a seeded demo tenant with real verdicts.
func demoServer(t *testing.T, users int) (*httptest.Server, *pg.Store, *inventory.Snapshot) {
	t.Helper()
	store, _ := pgtest.NewStore(t)
	snap := pgtest.SeedDemo(t, store, users)
	srv, _ := webtest.Serve(t, store)
	return srv, store, snap
}

func page(t *testing.T, c *http.Client, target string, want int) *goquery.Document {
	t.Helper()
	resp, body := send(t, c, http.MethodGet, target, nil, nil)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: status %d, want %d\n%s", target, resp.StatusCode, want, body)
	}
	return htmlDoc(t, body)
}

func TestAccountListFiltersMatchTheStoredVerdicts(t *testing.T) {
	t.Parallel()
	srv, store, snap := demoServer(t, 150)
	c := webtest.Login(t, srv, store, inventory.Management)
	sum, err := store.Summary(t.Context(), snap.Tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, comp := range []inventory.Compliance{inventory.NonCompliant, inventory.AtRisk, inventory.Compliant} {
		doc := page(t, c, srv.URL+"/accounts?compliance="+string(comp), http.StatusOK)
		rows := doc.Find(`[data-testid="account-row"]`)
		want := min(sum.Counts[comp], 50)
		if rows.Length() != want || want == 0 {
			t.Fatalf("%s: %d rows, want %d", comp, rows.Length(), want)
		}
		rows.Find(`[data-testid="compliance"]`).Each(func(_ int, s *goquery.Selection) {
			if s.Text() != comp.Label() {
				t.Fatalf("filter %s shows a %q row", comp, s.Text())
			}
		})
	}
	// Category, path and marker filters narrow as the verdicts say.
	doc := page(t, c, srv.URL+"/accounts?category=service_account&marker=directory_sync", http.StatusOK)
	rows := doc.Find(`[data-testid="account-row"]`)
	if rows.Length() != 1 || !strings.Contains(rows.Text(), "Sync_") {
		t.Fatalf("service accounts with directory_sync: %d rows: %s", rows.Length(), rows.Text())
	}
	doc = page(t, c, srv.URL+"/accounts?path=tenant_split", http.StatusOK)
	if n := doc.Find(`[data-testid="account-row"]`).Length(); n != sum.ByPath[inventory.TenantSplit] || n == 0 {
		t.Fatalf("tenant_split rows %d, want %d", n, sum.ByPath[inventory.TenantSplit])
	}
	// Search by part of a UPN, case-insensitively.
	doc = page(t, c, srv.URL+"/accounts?q=BREAKGLASS", http.StatusOK)
	if rows := doc.Find(`[data-testid="account-row"]`); rows.Length() != 1 || !strings.Contains(rows.Text(), "breakglass01@") {
		t.Fatalf("search breakglass: %s", rows.Text())
	}
	// No match: a clear empty state.
	doc = page(t, c, srv.URL+"/accounts?q=nobody-has-this-name", http.StatusOK)
	if doc.Find(`[data-testid="no-results"]`).Length() != 1 {
		t.Fatal("no empty state for a search without results")
	}
}

func TestAccountListPagesThroughEveryAccount(t *testing.T) {
	t.Parallel()
	srv, store, snap := demoServer(t, 120)
	c := webtest.Login(t, srv, store, inventory.Engineer)
	seen := map[string]bool{}
	target := srv.URL + "/accounts?removed=1"
	for pages := 0; target != ""; pages++ {
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		doc := page(t, c, target, http.StatusOK)
		doc.Find(`[data-testid="account-row"] a.strong`).Each(func(_ int, s *goquery.Selection) {
			href, _ := s.Attr("href")
			if seen[href] {
				t.Fatalf("%s listed twice", href)
			}
			seen[href] = true
		})
		next, ok := doc.Find(`a[rel="next"]`).Attr("href")
		target = ""
		if ok {
			target = srv.URL + next
		}
	}
	if len(seen) != len(snap.Users) {
		t.Fatalf("paged through %d accounts, want %d", len(seen), len(snap.Users))
	}
	resp, body := send(t, c, http.MethodGet, srv.URL+"/accounts?page=zero", nil, map[string]string{"Accept": "text/html"})
	if resp.StatusCode != http.StatusBadRequest || !says(body, "is not a page number") {
		t.Fatalf("bad page: %d %s", resp.StatusCode, body)
	}
	resp, body = send(t, c, http.MethodGet, srv.URL+"/accounts?compliance=great", nil, map[string]string{"Accept": "text/html"})
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown compliance value: status %d: %s", resp.StatusCode, body)
	}
}

func TestAccountPageExplainsTheVerdict(t *testing.T) {
	t.Parallel()
	srv, store, snap := demoServer(t, 100)
	c := webtest.Login(t, srv, store, inventory.Management)
	var breakGlass string
	for _, u := range snap.Users {
		if strings.HasPrefix(u.UserPrincipalName, "breakglass01@") {
			breakGlass = u.ID
		}
	}
	doc := page(t, c, srv.URL+"/accounts/"+breakGlass, http.StatusOK)
	if v := doc.Find(`[data-testid="verdict"]`).Text(); v != inventory.NonCompliant.Label() {
		t.Fatalf("break-glass verdict %q", v)
	}
	reasons := doc.Find(`[data-testid="reasons"] li`)
	if reasons.Length() == 0 || !strings.Contains(reasons.Text(), "CA001") || !strings.Contains(reasons.Text(), "excludes") {
		t.Fatalf("reasons do not name the policy that excludes it: %q", reasons.Text())
	}
	if doc.Find(`[data-testid="reasons"] strong`).Length() == 0 {
		t.Fatal("names in reasons are not emphasised")
	}
	if !strings.Contains(doc.Find(`[data-testid="mfa-registered"]`).Text(), "yes") {
		t.Fatal("registration facts missing")
	}
	page(t, c, srv.URL+"/accounts/00000000-0000-0000-0000-000000000000", http.StatusNotFound)
}

func TestSyncHistoryShowsFailedRunsWithTheirCause(t *testing.T) {
	t.Parallel()
	srv, store, _ := demoServer(t, 60)
	runID, err := store.StartRun(t.Context(), pg.SourceGraph)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.FailRun(t.Context(), runID, errCause("read graph: connection reset by peer")); err != nil {
		t.Fatal(err)
	}
	c := webtest.Login(t, srv, store, inventory.Engineer)
	doc := page(t, c, srv.URL+"/runs", http.StatusOK)
	if n := doc.Find(`[data-testid="run"]`).Length(); n != 2 {
		t.Fatalf("%d runs listed, want 2", n)
	}
	if got := doc.Find(`[data-testid="run-error"]`).Text(); !strings.Contains(got, "connection reset by peer") {
		t.Fatalf("failed run's cause not shown: %q", got)
	}
	if !strings.Contains(doc.Find(`.run-succeeded .counts`).Text(), "users") {
		t.Fatal("the successful run shows no counts per resource")
	}
}

type errCause string

func (e errCause) Error() string { return string(e) }

func TestSettingsOnlyLeadsChangeAndVerdictsFollow(t *testing.T) {
	t.Parallel()
	srv, store, snap := demoServer(t, 80)
	form := url.Values{"tenant": {snap.Tenant.ID}, "kind": {"csp"}, "service_patterns": {"svc\nservice"}, "room_patterns": {"mtr, surfacehub, room"},
		"break_glass_patterns": {"breakglass"}, "window_days": {"30"}}
	eng := webtest.Login(t, srv, store, inventory.Engineer)
	resp, body := send(t, eng, http.MethodPost, srv.URL+"/settings", form, map[string]string{"Accept": "text/html"})
	if resp.StatusCode != http.StatusForbidden || !says(body, "security lead") {
		t.Fatalf("engineer saving settings: %d %s", resp.StatusCode, body)
	}
	lead := webtest.Login(t, srv, store, inventory.SecurityLead)
	bad := url.Values{"tenant": {snap.Tenant.ID}, "kind": {"csp"}, "window_days": {"0"}}
	resp, body = send(t, lead, http.MethodPost, srv.URL+"/settings", bad, map[string]string{"Accept": "text/html"})
	if resp.StatusCode != http.StatusBadRequest || !says(body, "from 1 to 365") {
		t.Fatalf("bad window: %d %s", resp.StatusCode, body)
	}
	resp, _ = send(t, lead, http.MethodPost, srv.URL+"/settings", form, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("lead saving settings: status %d", resp.StatusCode)
	}
	st, err := store.TenantSettings(t.Context(), snap.Tenant.ID)
	if err != nil || st.Kind != inventory.KindCSP || len(st.RoomPatterns) != 3 {
		t.Fatalf("settings not stored: %+v %v", st, err)
	}
	// Rooms in a CSP-only tenant go to a technical exception, at once.
	page, err := store.ListAccounts(t.Context(), pg.AccountFilter{TenantID: snap.Tenant.ID, Category: string(inventory.RoomDevice)})
	if err != nil || page.Total == 0 {
		t.Fatalf("rooms: %v", err)
	}
	for _, r := range page.Rows {
		if r.Path != inventory.TechnicalException {
			t.Fatalf("%s still on %s after the tenant became csp", r.UserPrincipalName, r.Path)
		}
	}
	events, _, err := store.Audit(t.Context(), pg.AuditFilter{TenantID: snap.Tenant.ID, Action: "settings", Limit: 10})
	if err != nil || len(events) != 1 {
		t.Fatalf("settings change not on the audit trail: %+v %v", events, err)
	}
}

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

// The CSV is the account list under the list's own filters, every page of
// it, in the list's order.
func TestAccountsCSVHonoursTheListsFilters(t *testing.T) {
	t.Parallel()
	f := newReadinessFixture(t, 1200)
	for _, query := range []string{
		"",
		"compliance=non_compliant&sort=-name",
		"category=service_account&sort=compliance",
		"marker=privileged",
		"q=son&path=mfa_enrolment",
	} {
		resp, body := f.fetch(t, inventory.Management, http.MethodGet, "/accounts.csv?"+query, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /accounts.csv?%s: %d\n%.300s", query, resp.StatusCode, body)
		}
		records, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatalf("?%s: not CSV: %v", query, err)
		}
		if records[0][0] != "ID" || records[0][1] != "User principal name" {
			t.Fatalf("?%s: header %q", query, records[0])
		}
		var got []string
		for _, rec := range records[1:] {
			got = append(got, rec[0])
		}
		want := listedIDs(t, f.store, f.tenant, query)
		if len(want) == 0 && query != "q=son&path=mfa_enrolment" {
			t.Fatalf("?%s matches nothing: the comparison would prove nothing", query)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("?%s: the CSV has %d accounts, the list %d, or in another order", query, len(got), len(want))
		}
	}
	resp, body := f.fetch(t, inventory.Management, http.MethodGet, "/accounts.csv?compliance=sort-of", nil)
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Content-Disposition") != "" ||
		!strings.Contains(string(body), "unknown compliance") {
		t.Errorf("an unknown filter: status %d, disposition %q; want 400 with a sentence, no file\n%.300s",
			resp.StatusCode, resp.Header.Get("Content-Disposition"), body)
	}
}

// listedIDs pages through the account list as /accounts shows it.
func listedIDs(t *testing.T, store *pg.Store, tenant, query string) []string {
	t.Helper()
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	f := pg.AccountFilter{TenantID: tenant, Query: q.Get("q"), Category: q.Get("category"), Path: q.Get("path"),
		Compliance: q.Get("compliance"), Marker: q.Get("marker"), Sort: q.Get("sort"), Limit: pg.MaxPageSize}
	var ids []string
	for {
		page, err := store.ListAccounts(t.Context(), f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Rows {
			ids = append(ids, r.ID)
		}
		f.Offset += len(page.Rows)
		if len(page.Rows) == 0 || f.Offset >= page.Total {
			return ids
		}
	}
}

// flushCounter records how much of the body had been written at each
// flush.
type flushCounter struct {
	*httptest.ResponseRecorder
	linesAtFlush []int
}

func (w *flushCounter) Flush() {
	w.linesAtFlush = append(w.linesAtFlush, bytes.Count(w.Body.Bytes(), []byte("\n")))
	w.ResponseRecorder.Flush()
}

// The CSV goes out as it is read: flushed every thousand rows, the first
// rows long before the last.
func TestAccountsCSVStreams(t *testing.T) {
	t.Parallel()
	f := newReadinessFixture(t, 2500)
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/accounts.csv", nil)
	u, _ := url.Parse(f.srv.URL)
	for _, c := range f.clients[inventory.Management].Jar.Cookies(u) {
		req.AddCookie(c)
	}
	w := &flushCounter{ResponseRecorder: httptest.NewRecorder()}
	f.handler.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		t.Fatalf("status %d\n%.300s", w.Code, w.Body.String())
	}
	lines := bytes.Count(w.Body.Bytes(), []byte("\n"))
	if lines != 2501 {
		t.Fatalf("%d lines, want a header and 2,500 accounts", lines)
	}
	if len(w.linesAtFlush) < 3 || w.linesAtFlush[0] > 1001 || w.linesAtFlush[len(w.linesAtFlush)-1] != lines {
		t.Errorf("flushed with %v lines written; want a flush every 1,000 rows and one at the end", w.linesAtFlush)
	}
}
