package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// demoServer serves a seeded demo tenant with real verdicts.
func demoServer(t *testing.T, users int) (*httptest.Server, *pg.Store, *inventory.Snapshot) {
	t.Helper()
	store, _ := pgtest.NewStore(t)
	snap := pgtest.SeedDemo(t, store, users)
	srv := httptest.NewServer(web.New(web.Config{Store: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	t.Cleanup(srv.Close)
	return srv, store, snap
}

func page(t *testing.T, c *http.Client, target string, want int) *goquery.Document {
	t.Helper()
	resp, body := send(t, c, http.MethodGet, target, nil, nil)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: status %d, want %d\n%s", target, resp.StatusCode, want, body)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
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
