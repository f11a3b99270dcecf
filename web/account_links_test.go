package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// An account id is the directory's, and nothing stops it holding the
// characters a URL gives meaning to. Every link and form escapes it as one
// path segment, so each leads to its own account.
func TestAccountLinksEscapeTheID(t *testing.T) {
	t.Parallel()
	const tenant = "cccccccc-0000-0000-0000-00000000000c"
	ids := []string{"svc/backup", "what?now", "hash#tag", "100%", "a%2Fb", "odd/50%?#x", "plain"}
	srv, store := authServer(t, web.Config{})
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
		resp, body := send(t, lead, http.MethodPost, srv.URL+action, form, asBrowser)
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
