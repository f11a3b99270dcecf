package web_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

func TestAccountPageOffersTheViewersActions(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 3)
	f.plan(t, "a-01", "eng")
	f.request(t, "lead", "a-01")
	page := "/accounts/a-01?tenant=" + tenantA

	for _, tc := range []struct {
		who                                           string
		moves, assign, due, comment, decide, override bool
		decideReason                                  string
	}{
		{who: "mgmt"},
		{who: "eng", comment: true},
		{who: "lead", moves: true, assign: true, due: true, comment: true, override: true,
			decideReason: "You requested this exception; another security lead must decide it."},
		{who: "lead2", moves: true, assign: true, due: true, comment: true, decide: true, override: true},
	} {
		t.Run(tc.who, func(t *testing.T) {
			doc := boardDoc(t, f, tc.who, page)
			for testid, want := range map[string]bool{
				"move-form": tc.moves, "assign-form": tc.assign, "due-form": tc.due, "comment-form": tc.comment,
				"decide-form": tc.decide, "override-form": tc.override, "exception-form": false,
			} {
				if got := doc.Find(`[data-testid="`+testid+`"]`).Length() == 1; got != want {
					t.Errorf("%s: shown %v, want %v", testid, got, want)
				}
			}
			if got := strings.TrimSpace(doc.Find(`[data-testid="decide-reason"]`).Text()); got != tc.decideReason {
				t.Errorf("decide reason %q, want %q", got, tc.decideReason)
			}
			if !strings.Contains(doc.Find(`[data-testid="exception"]`).Text(), "The Teams Room console cannot do interactive MFA") {
				t.Error("the pending request's justification is not shown")
			}
			if got := strings.TrimSpace(doc.Find(`[data-testid="status"]`).Text()); got != "Exception requested" {
				t.Errorf("status %q", got)
			}
		})
	}

	// The engineer assigned may request an exception on a planned card.
	f.plan(t, "a-02", "eng")
	doc := boardDoc(t, f, "eng", "/accounts/a-02?tenant="+tenantA)
	form := doc.Find(`[data-testid="exception-form"]`)
	if form.Length() != 1 {
		t.Fatal("the assigned engineer is not offered the exception form")
	}
	if ph := form.Find(`textarea[name="controls"]`).AttrOr("placeholder", ""); !strings.Contains(ph, "Boardroom 4") {
		t.Errorf("controls placeholder %q", ph)
	}
}

func TestTimelineTellsTheStoryNewestFirst(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 2)
	f.plan(t, "a-01", "eng")
	f.move(t, "eng", "a-01", inventory.InProgress)
	if err := f.store.Comment(t.Context(), f.actor("eng"), tenantA, "a-01", "Waiting for the new phone."); err != nil {
		t.Fatal(err)
	}
	doc := boardDoc(t, f, "mgmt", "/accounts/a-01?tenant="+tenantA)
	var lines []string
	doc.Find(`[data-testid="timeline"] [data-testid="event"]`).Each(func(_ int, e *goquery.Selection) {
		lines = append(lines, strings.Join(strings.Fields(e.Text()), " "))
	})
	want := []string{"Waiting for the new phone.", "moved the card from Planned to In progress",
		"assigned the card to", "moved the card from Triage to Planned", "put the card in Triage"}
	if len(lines) != len(want) {
		t.Fatalf("timeline:\n%s", strings.Join(lines, "\n"))
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("event %d is %q, want it to say %q", i+1, lines[i], w)
		}
	}
}

func TestExceptionsPage(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 4)
	f.plan(t, "a-01", "eng")
	f.request(t, "eng", "a-01") // waiting
	f.plan(t, "a-02", "eng")
	c := f.request(t, "lead", "a-02")
	if _, err := f.store.DecideException(t.Context(), f.actor("lead2"), tenantA, "a-02", true, "ok", c.Version); err != nil {
		t.Fatal(err)
	}
	doc := boardDoc(t, f, "mgmt", "/exceptions")
	if got := doc.Find(`[data-testid="requests"] [data-testid="exception-row"]`).Length(); got != 1 {
		t.Errorf("%d requests waiting, want 1", got)
	}
	granted := doc.Find(`[data-testid="granted"] [data-testid="exception-row"]`)
	if granted.Length() != 1 || !strings.Contains(granted.Text(), "a-02@contoso.com") {
		t.Errorf("granted: %q", granted.Text())
	}
	// Three months ahead: not expiring within 14 days.
	if doc.Find(`[data-testid="expiring-empty"]`).Length() != 1 {
		t.Error("a three-month exception is listed as expiring soon")
	}
}

func TestExceptionDecidedInPlace(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 3)
	f.plan(t, "a-01", "eng")
	f.request(t, "lead", "a-01")
	open, err := f.store.OpenExceptions(t.Context(), tenantA)
	if err != nil || len(open) != 1 {
		t.Fatalf("open requests: %v %v", open, err)
	}
	action := f.url(fmt.Sprintf("/exceptions/%d/decide", open[0].ID))
	form := url.Values{"tenant": {tenantA}, "decision": {"grant"}, "note": {"Compensating control checked in Entra."}}

	// The lead sees the count in the nav and the form; management neither.
	doc := boardDoc(t, f, "lead2", "/exceptions")
	if doc.Find(`[data-testid="open-requests"]`).Text() != "1" || doc.Find(`[data-testid="decide-form"]`).Length() != 1 {
		t.Errorf("a lead's exceptions page: count %q, %d forms", doc.Find(`[data-testid="open-requests"]`).Text(), doc.Find(`[data-testid="decide-form"]`).Length())
	}
	if doc := boardDoc(t, f, "mgmt", "/exceptions"); doc.Find(`[data-testid="decide-form"]`).Length() != 0 || doc.Find(`[data-testid="open-requests"]`).Length() != 0 {
		t.Error("management is offered a decision or the count")
	}
	// An engineer, and the lead who asked, are refused in the row.
	for _, who := range []string{"eng", "lead"} {
		resp, body := send(t, f.clients[who], http.MethodPost, action, form, asHTMX("closest tr"))
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, `data-testid="decision-notice"`) || strings.Contains(body, "<html") {
			t.Errorf("%s deciding in place: %d\n%s", who, resp.StatusCode, excerpt(body))
		}
	}
	if f.card(t, "a-01").Status != inventory.ExceptionRequested {
		t.Fatal("a refused decision moved the card")
	}
	// Another lead grants it: the row comes back decided, with the note.
	resp, body := send(t, f.clients["lead2"], http.MethodPost, action, form, asHTMX("closest tr"))
	if resp.StatusCode != http.StatusOK || !says(body, "Granted: the account is excepted until") || !says(body, "Compensating control checked in Entra.") {
		t.Fatalf("granting in place: %d\n%s", resp.StatusCode, excerpt(body))
	}
	if f.card(t, "a-01").Status != inventory.ExceptionGranted || verdictOf(t, f, "a-01").Compliance != inventory.Excepted {
		t.Error("the grant did not reach the card and the verdict")
	}
	// Deciding it again, from a stale page, is a conflict that says so.
	resp, body = send(t, f.clients["lead2"], http.MethodPost, action, form, browser)
	if resp.StatusCode != http.StatusConflict || !says(body, "This request was granted by") {
		t.Errorf("deciding twice: %d\n%s", resp.StatusCode, excerpt(body))
	}
}

func TestAuditPageAndExport(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 3)
	f.plan(t, "a-01", "eng")
	if err := f.store.Comment(t.Context(), f.actor("lead"), tenantA, "a-01", "=HYPERLINK(\"http://evil\")"); err != nil {
		t.Fatal(err)
	}

	doc := boardDoc(t, f, "mgmt", "/audit?account=a-01&tenant="+tenantA)
	rows := doc.Find(`[data-testid="audit-row"]`)
	if rows.Length() != 4 { // created, planned, assigned, comment
		t.Errorf("%d events for a-01, want 4", rows.Length())
	}
	doc = boardDoc(t, f, "mgmt", "/audit?action=move&actor="+f.users["lead"].ID+"&tenant="+tenantA)
	if got := doc.Find(`[data-testid="audit-row"]`).Length(); got != 1 {
		t.Errorf("%d moves by the lead, want 1", got)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	doc = boardDoc(t, f, "mgmt", "/audit?from=2000-01-01&to=2000-12-31&tenant="+tenantA)
	if doc.Find(`[data-testid="no-results"]`).Length() != 1 {
		t.Error("events outside the date range are listed")
	}
	resp, body := send(t, f.clients["mgmt"], http.MethodGet, f.url("/audit?from="+today+"&to=2000-01-01"), nil, browser)
	if resp.StatusCode != http.StatusBadRequest || !says(body, "is after the end date") {
		t.Errorf("reversed range: %d", resp.StatusCode)
	}

	resp, body = send(t, f.clients["mgmt"], http.MethodGet, f.url("/audit.csv?"+url.Values{"account": {"a-01"}, "tenant": {tenantA}}.Encode()), nil, browser)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("the export is not CSV: %v", err)
	}
	if len(records) != 5 || records[0][7] != "action" || records[1][7] != "card_created" || records[4][7] != "comment" {
		t.Fatalf("export:\n%s", body)
	}
	if got := records[4][10]; got != `'=HYPERLINK("http://evil")` {
		t.Errorf("a formula in a comment is exported as %q", got)
	}
}

func TestAuditSearchesByUPNOrName(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 12)
	f.plan(t, "a-01", "eng")
	f.plan(t, "a-11", "")
	rows := func(q string) []string {
		t.Helper()
		doc := boardDoc(t, f, "mgmt", "/audit?"+url.Values{"q": {q}, "tenant": {tenantA}}.Encode())
		var out []string
		doc.Find(`[data-testid="audit-row"] td[data-label="Account"]`).Each(func(_ int, s *goquery.Selection) {
			out = append(out, strings.TrimSpace(s.Text()))
		})
		return out
	}
	only := func(q, upn string, n int) {
		t.Helper()
		got := rows(q)
		if len(got) != n {
			t.Errorf("search %q: %d events %v, want %d of %s", q, len(got), got, n, upn)
		}
		for _, g := range got {
			if g != upn {
				t.Errorf("search %q lists an event of %s", q, g)
			}
		}
	}
	only("A-01@CONTOSO.COM", "a-01@contoso.com", 3) // the UPN, whatever the case: created, planned, assigned
	only("Person a-11", "a-11@contoso.com", 2)      // the display name: created, planned
	only("a-11", "a-11@contoso.com", 2)             // the id
	if got := rows("a_0%"); len(got) != 0 {
		t.Errorf("LIKE's wildcards are taken literally, yet %q finds %v", "a_0%", got)
	}
	lead := f.users["lead"].Name()
	doc := boardDoc(t, f, "mgmt", "/audit?"+url.Values{"q": {lead}, "tenant": {tenantA}}.Encode())
	if n := doc.Find(`[data-testid="audit-row"]`).Length(); n < 3 {
		t.Errorf("searching the lead's name %q finds %d events, want their moves and assignment", lead, n)
	}
	resp, body := send(t, f.clients["mgmt"], http.MethodGet, f.url("/audit?q="+strings.Repeat("x", 201)), nil, browser)
	if resp.StatusCode != http.StatusBadRequest || !says(body, "A search can be at most 200 characters") {
		t.Errorf("a 201-character search: %d", resp.StatusCode)
	}
}

// A sync asks Graph for per-user MFA states only where they can change a
// verdict (inventory.PerUserMFASkips). The account page says why a state
// was not asked ("not read — CA001 … enforces MFA"), and shows the state
// where it was (issue 12).
func TestAccountPageSaysWhyPerUserMFAWasNotRead(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeApp(t, web.Config{})
	asOf := time.Now().UTC()
	snap := demo.Generate(demo.Options{Users: 300, Seed: 1, AsOf: asOf})
	notReadSnapshot(snap)
	pgtest.Sync(t, store, snap, inventory.SyncOptions{Kind: inventory.KindMixed, Now: asOf})
	lead := webtest.Login(t, srv, store, inventory.SecurityLead)

	var skipped, read string
	for _, u := range snap.Users {
		_, isSkipped := snap.PerUserMFANotRead[u.ID]
		_, isRead := snap.PerUserMFA[u.ID]
		switch {
		case isSkipped && skipped == "" && u.AccountEnabled:
			skipped = u.ID
		case isRead && read == "":
			read = u.ID
		}
	}
	if skipped == "" || read == "" {
		t.Fatal("the demo has no skipped or no read per-user state: the test proves nothing")
	}
	for id, want := range map[string]string{
		skipped: "not read — " + snap.PerUserMFANotRead[skipped],
		read:    snap.PerUserMFA[read],
	} {
		doc := page(t, lead, srv.URL+"/accounts/"+url.PathEscape(id)+"?tenant="+url.QueryEscape(snap.Tenant.ID), http.StatusOK)
		got := strings.Join(strings.Fields(doc.Find(`[data-testid="per-user-mfa"]`).Text()), " ")
		if !strings.HasPrefix(got, want) {
			t.Errorf("%s: the page says Per-user MFA %q, want %q", id, got, want)
		}
	}
	if want := "CA001 - Require MFA for all users enforces MFA"; snap.PerUserMFANotRead[skipped] != want {
		t.Errorf("the skip says %q, want %q", snap.PerUserMFANotRead[skipped], want)
	}
	stored, err := store.LoadSnapshot(t.Context(), snap.Tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.PerUserMFANotRead) != len(snap.PerUserMFANotRead) || stored.PerUserMFANotRead[skipped] != snap.PerUserMFANotRead[skipped] {
		t.Errorf("the store keeps %d reasons a state was not read, the sync gave %d", len(stored.PerUserMFANotRead), len(snap.PerUserMFANotRead))
	}
}

// notReadSnapshot leaves out the per-user states a live sync would not ask
// for, and says why, as graph's fetch does.
func notReadSnapshot(snap *inventory.Snapshot) {
	snap.PerUserMFANotRead = inventory.PerUserMFASkips(snap)
	for id := range snap.PerUserMFANotRead {
		delete(snap.PerUserMFA, id)
	}
}

// An account id is the directory's, and nothing stops it holding the
// characters a URL gives meaning to. Every link and form escapes it as one
// path segment, so each leads to its own account.
func TestAccountLinksEscapeTheID(t *testing.T) {
	t.Parallel()
	const tenant = "cccccccc-0000-0000-0000-00000000000c"
	ids := []string{"svc/backup", "what?now", "hash#tag", "100%", "a%2Fb", "odd/50%?#x", "plain"}
	srv, store := webtest.ServeApp(t, web.Config{})
	syncAccounts(t, store, tenant, "Odd ids", "odd.example", ids)
	lead := webtest.Login(t, srv, store, inventory.SecurityLead)

	links := map[string]string{} // UPN → the account list's link
	page(t, lead, srv.URL+"/accounts?tenant="+url.QueryEscape(tenant), http.StatusOK).
		Find(`[data-testid="account-row"]`).Each(func(_ int, row *goquery.Selection) {
		links[row.Find(".mono").First().Text()] = row.Find("a.strong").AttrOr("href", "")
	})
	for _, id := range ids {
		upn := upnOf(id) + "@odd.example"
		href, ok := links[upn]
		if !ok {
			t.Errorf("%q: no row in the account list", id)
			continue
		}
		doc := page(t, lead, srv.URL+href, http.StatusOK)
		if got := doc.Find(`[data-testid="account-name"]`).Text(); got != "Person "+id {
			t.Errorf("%q: the link %s opens %q", id, href, got)
			continue
		}
		// The page's own forms post to the same account.
		action, form := formAsRendered(t, doc.Find(`#work [data-testid="move-form"]`))
		form.Set("to", string(inventory.Planned))
		resp, body := send(t, lead, http.MethodPost, srv.URL+action, form, browser)
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("%q: move posted to %s: %d\n%s", id, action, resp.StatusCode, excerpt(body))
			continue
		}
		if c, err := store.Card(t.Context(), tenant, id); err != nil || c.Status != inventory.Planned {
			t.Errorf("%q: after the move the card is %s (%v), want planned", id, c.Status, err)
		}
		// And the redirect back names it the same way.
		if back := page(t, lead, srv.URL+resp.Header.Get("Location"), http.StatusOK); back.Find(`[data-testid="account-name"]`).Text() != "Person "+id {
			t.Errorf("%q: the move returns to %s, another page", id, resp.Header.Get("Location"))
		}
	}
}
