package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// fakeQueue is web.SyncQueue without River: it counts the syncs queued,
// inside the request's transaction as River does.
type fakeQueue struct {
	why string

	mu     sync.Mutex
	queued int
}

func (q *fakeQueue) Unavailable() string { return q.why }

func (q *fakeQueue) Enqueue(ctx context.Context, tx pgx.Tx) (int64, bool, error) {
	if _, err := tx.Exec(ctx, `SELECT 1`); err != nil { // the store's transaction, still open
		return 0, false, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.queued++
	return int64(q.queued), q.queued == 1, nil // a second sync finds the first waiting
}

func (q *fakeQueue) Pending(context.Context) (bool, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.queued > 0, nil
}

func (q *fakeQueue) count() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.queued
}

// syncServer is a server with a sync queue, one synced tenant and a
// signed-in lead and engineer.
func syncServer(t *testing.T, cfg web.Config) (*httptest.Server, *pg.Store, map[string]*http.Client) {
	t.Helper()
	srv, store := webtest.ServeApp(t, cfg)
	syncTenant(t, store, tenantA, "Contoso", "contoso.com", "a", 2)
	clients := map[string]*http.Client{}
	for name, role := range map[string]inventory.Role{"lead": inventory.SecurityLead, "eng": inventory.Engineer} {
		clients[name] = webtest.Login(t, srv, store, role)
	}
	return srv, store, clients
}

func syncRequests(t *testing.T, store *pg.Store) int {
	t.Helper()
	_, n, err := store.Audit(t.Context(), pg.AuditFilter{Action: inventory.ActionSyncRequested})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSyncStartIsALeadsAndRecorded(t *testing.T) {
	t.Parallel()
	q := &fakeQueue{}
	srv, store, c := syncServer(t, web.Config{Sync: q})

	// An engineer sees no button and is refused on the server.
	_, body := send(t, c["eng"], http.MethodGet, srv.URL+"/sync", nil, browser)
	if strings.Contains(body, `data-testid="sync-start"`) || !says(body, "Only a security lead can start a sync.") {
		t.Errorf("the engineer's sync page offers a sync:\n%s", excerpt(body))
	}
	resp, body := send(t, c["eng"], http.MethodPost, srv.URL+"/sync", url.Values{}, browser)
	if resp.StatusCode != http.StatusForbidden || !says(body, "Only a security lead can start a sync") {
		t.Errorf("an engineer's sync: %d\n%s", resp.StatusCode, excerpt(body))
	}
	// Another site's form is refused before it reaches the queue.
	resp, _ = send(t, c["lead"], http.MethodPost, srv.URL+"/sync", url.Values{},
		map[string]string{"Accept": "text/html", "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-site sync: %d, want 403", resp.StatusCode)
	}
	if q.count() != 0 || syncRequests(t, store) != 0 {
		t.Fatalf("refused requests queued %d syncs and recorded %d", q.count(), syncRequests(t, store))
	}

	// The lead starts one: queued, recorded, and the page says so.
	_, body = send(t, c["lead"], http.MethodGet, srv.URL+"/sync", nil, browser)
	if !strings.Contains(body, `data-testid="sync-start"`) {
		t.Fatalf("the lead's sync page has no Sync now:\n%s", excerpt(body))
	}
	resp, _ = send(t, c["lead"], http.MethodPost, srv.URL+"/sync", url.Values{}, browser)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sync?started=1" {
		t.Fatalf("the lead's sync: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if q.count() != 1 || syncRequests(t, store) != 1 {
		t.Errorf("the lead's sync queued %d and recorded %d, want 1 and 1", q.count(), syncRequests(t, store))
	}
	_, body = send(t, c["lead"], http.MethodGet, srv.URL+"/sync?started=1", nil, browser)
	if !says(body, "Sync started.") || !strings.Contains(body, `hx-trigger="every 2s"`) {
		t.Errorf("after starting, the page neither says so nor follows the sync:\n%s", excerpt(body))
	}
	// htmx asks again while one waits: the fragment says it is already on.
	resp, body = send(t, c["lead"], http.MethodPost, srv.URL+"/sync", url.Values{}, asHTMX("sync-status"))
	if resp.StatusCode != http.StatusOK || !says(body, "A sync is already waiting or running") || strings.Contains(body, "<html") {
		t.Errorf("a second sync by htmx: %d\n%s", resp.StatusCode, excerpt(body))
	}
}

func TestSyncSaysWhyItCannot(t *testing.T) {
	t.Parallel()
	const why = "This is the generated demo tenant and the server has no Graph credentials."
	q := &fakeQueue{why: why}
	srv, store, c := syncServer(t, web.Config{Sync: q})
	_, body := send(t, c["lead"], http.MethodGet, srv.URL+"/sync", nil, browser)
	if strings.Contains(body, `data-testid="sync-start"`) || !says(body, why) {
		t.Errorf("the sync page of a server that cannot sync:\n%s", excerpt(body))
	}
	resp, body := send(t, c["lead"], http.MethodPost, srv.URL+"/sync", url.Values{}, browser)
	if resp.StatusCode != http.StatusBadRequest || !says(body, why) || !strings.Contains(body, `data-testid="sync-status"`) {
		t.Errorf("a sync where none can run: %d\n%s", resp.StatusCode, excerpt(body))
	}
	if q.count() != 0 || syncRequests(t, store) != 0 {
		t.Errorf("a sync that cannot run was queued %d times and recorded %d", q.count(), syncRequests(t, store))
	}
}

func TestSyncPageShowsProgressPerResource(t *testing.T) {
	t.Parallel()
	srv, store, c := syncServer(t, web.Config{Sync: &fakeQueue{}})
	id, err := store.StartRun(t.Context(), pg.SourceGraph)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.FailRun(context.Background(), id, errors.New("test over")) })
	if err := store.SaveRunProgress(t.Context(), id, pg.RunProgress{Elapsed: 95 * time.Second, Remaining: 130 * time.Second, Requests: 412,
		Resources: []pg.RunCollection{{Name: "users", State: "done", Items: 10000, ItemsTotal: 10000},
			{Name: "signIns", State: "reading", Items: 2500, ItemsTotal: 10000}}}); err != nil {
		t.Fatal(err)
	}
	resp, body := send(t, c["eng"], http.MethodGet, srv.URL+"/sync/status", nil, asHTMX("sync-status"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status fragment: %d", resp.StatusCode)
	}
	for _, want := range []string{"1 min 35 s so far", "about 2 min 10 s left", `value="25"`, "2,500", "signIns", `hx-trigger="every 2s"`} {
		if !says(body, want) {
			t.Errorf("the running sync's status lacks %q:\n%s", want, excerpt(body))
		}
	}
}

func TestBannerOfAFailedOrStaleSync(t *testing.T) {
	t.Parallel()
	srv, store, c := syncServer(t, web.Config{})
	banner := func() string {
		t.Helper()
		_, body := send(t, c["eng"], http.MethodGet, srv.URL+"/accounts", nil, browser)
		i := strings.Index(body, `<div class="banner`)
		if i < 0 {
			return ""
		}
		return body[i:min(len(body), i+600)]
	}
	if b := banner(); b != "" {
		t.Fatalf("a fresh, successful sync shows a banner: %s", b)
	}
	id, err := store.StartRun(t.Context(), pg.SourceGraph)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.FailRun(t.Context(), id, errors.New("Graph refused the token: AADSTS7000215 invalid client secret")); err != nil {
		t.Fatal(err)
	}
	b := banner()
	if !says(b, "The last sync failed") || !says(b, "AADSTS7000215 invalid client secret") || !strings.Contains(b, "banner-bad") {
		t.Errorf("after a failed sync the banner is %q", b)
	}
	// The banner is on every page, the sync page too.
	_, body := send(t, c["eng"], http.MethodGet, srv.URL+"/sync", nil, browser)
	if !strings.Contains(body, `data-testid="sync-banner"`) {
		t.Error("the sync page has no banner after a failed sync")
	}
}

func TestBannerOfAStaleSync(t *testing.T) {
	t.Parallel()
	// A schedule of a millisecond makes the sync just done stale at once.
	srv, _, c := syncServer(t, web.Config{SyncEvery: time.Millisecond})
	time.Sleep(5 * time.Millisecond)
	_, body := send(t, c["eng"], http.MethodGet, srv.URL+"/readiness", nil, browser)
	if !strings.Contains(body, "banner-warn") || !says(body, "accounts and verdicts may have changed in the tenant since") {
		t.Errorf("a stale sync shows no banner:\n%s", excerpt(body))
	}
}
