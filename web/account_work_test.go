package web_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/mfaboard/mfaboard/inventory"
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
	resp, body := send(t, f.clients["mgmt"], http.MethodGet, f.url("/audit?from="+today+"&to=2000-01-01"), nil, asBrowser)
	if resp.StatusCode != http.StatusBadRequest || !says(body, "is after the end date") {
		t.Errorf("reversed range: %d", resp.StatusCode)
	}

	resp, body = send(t, f.clients["mgmt"], http.MethodGet, f.url("/audit.csv?"+url.Values{"account": {"a-01"}, "tenant": {tenantA}}.Encode()), nil, asBrowser)
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
