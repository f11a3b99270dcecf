package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/mfaboard/mfaboard/inventory"
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
	resp, body := send(t, f.clients["mgmt"], http.MethodGet, f.url("/audit?q="+strings.Repeat("x", 201)), nil, asBrowser)
	if resp.StatusCode != http.StatusBadRequest || !says(body, "A search can be at most 200 characters") {
		t.Errorf("a 201-character search: %d", resp.StatusCode)
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
	resp, body = send(t, f.clients["lead2"], http.MethodPost, action, form, asBrowser)
	if resp.StatusCode != http.StatusConflict || !says(body, "This request was granted by") {
		t.Errorf("deciding twice: %d\n%s", resp.StatusCode, excerpt(body))
	}
}

func TestSendNowWithNothingSetUpSaysSoOnThePage(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 1)
	resp, body := send(t, f.clients["lead"], http.MethodPost, f.url("/settings/delivery/send"), url.Values{"tenant": {tenantA}}, asBrowser)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `data-testid="delivery-error"`) ||
		!strings.Contains(body, `data-testid="delivery-form"`) || !says(body, "Nothing to send to yet") {
		t.Errorf("send now with nothing set up: %d\n%s", resp.StatusCode, excerpt(body))
	}
}
