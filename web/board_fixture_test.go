package web_test

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/PuerkitoBio/goquery"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// The board's tests run the real server on a real, freshly migrated
// database: two synced tenants and one signed-in user per role.

const (
	tenantA = "aaaaaaaa-0000-0000-0000-00000000000a"
	tenantB = "bbbbbbbb-0000-0000-0000-00000000000b"
)

// boardFixture is a server with two tenants and five signed-in people.
type boardFixture struct {
	srv   *httptest.Server
	store *pg.Store
	// Clients and users by name: lead, lead2, eng, eng2, mgmt.
	clients map[string]*http.Client
	users   map[string]pg.User
}

func newBoardFixture(t *testing.T, accounts int) *boardFixture {
	t.Helper()
	store, _ := pgtest.NewStore(t)
	srv, _ := webtest.Serve(t, store)
	syncTenant(t, store, tenantB, "Fabrikam", "fabrikam.com", "b", 3)
	syncTenant(t, store, tenantA, "Contoso", "contoso.com", "a", accounts) // synced last: the default tenant
	f := &boardFixture{srv: srv, store: store, clients: map[string]*http.Client{}, users: map[string]pg.User{}}
	for name, role := range map[string]inventory.Role{
		"lead": inventory.SecurityLead, "lead2": inventory.SecurityLead, "eng": inventory.Engineer,
		"eng2": inventory.Engineer, "mgmt": inventory.Management,
	} {
		f.clients[name], f.users[name] = webtest.LoginUser(t, srv, store, role)
	}
	return f
}

// syncTenant stores a tenant of n enabled member accounts <prefix>-01 … as
// a sync does; each gets a card in triage.
func syncTenant(t *testing.T, store *pg.Store, id, name, domain, prefix string, n int) {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s-%02d", prefix, i+1)
	}
	syncAccounts(t, store, id, name, domain, ids)
}

// syncAccounts stores a tenant whose enabled member accounts have the ids
// given; an account's UPN is its id, with every character but letters,
// digits and "-" made a "-", @domain.
func syncAccounts(t *testing.T, store *pg.Store, id, name, domain string, ids []string) {
	t.Helper()
	snap := &inventory.Snapshot{
		Tenant: inventory.Tenant{ID: id, DisplayName: name, Domains: []string{domain}},
		Present: map[string]bool{inventory.CollUsers: true, inventory.CollRegistrations: true, inventory.CollPolicies: true,
			inventory.CollOrganization: true},
	}
	for _, acc := range ids {
		snap.Users = append(snap.Users, inventory.User{ID: acc, DisplayName: "Person " + acc,
			UserPrincipalName: upnOf(acc) + "@" + domain, UserType: "Member", AccountEnabled: true})
	}
	pgtest.Sync(t, store, snap, inventory.SyncOptions{Kind: inventory.KindMixed})
}

func upnOf(id string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' {
			return r
		}
		return '-'
	}, id)
}

// actor is a fixture user as the store's Actor.
func (f *boardFixture) actor(name string) inventory.Actor {
	u := f.users[name]
	return inventory.Actor{ID: u.ID, Name: u.Name(), Role: u.Role}
}

// card reads an account's card in tenant A.
func (f *boardFixture) card(t *testing.T, id string) inventory.Card {
	t.Helper()
	c, err := f.store.Card(t.Context(), tenantA, id)
	if err != nil {
		t.Fatalf("card %s: %v", id, err)
	}
	return c
}

// plan takes a card from triage to planned, assigned to whom ("" nobody),
// as the lead does.
func (f *boardFixture) plan(t *testing.T, id, whom string) inventory.Card {
	t.Helper()
	ctx, lead := t.Context(), f.actor("lead")
	c := f.card(t, id)
	c, err := f.store.MoveCard(ctx, lead, tenantA, id, inventory.Planned, c.Version, "")
	if err != nil {
		t.Fatalf("plan %s: %v", id, err)
	}
	if whom != "" {
		if c, err = f.store.Assign(ctx, lead, tenantA, id, f.users[whom].ID, c.Version); err != nil {
			t.Fatalf("assign %s: %v", id, err)
		}
	}
	return c
}

// move moves a card as who.
func (f *boardFixture) move(t *testing.T, who, id string, to inventory.Status) inventory.Card {
	t.Helper()
	c := f.card(t, id)
	c, err := f.store.MoveCard(t.Context(), f.actor(who), tenantA, id, to, c.Version, "")
	if err != nil {
		t.Fatalf("move %s to %s: %v", id, to, err)
	}
	return c
}

// request files an exception request as who on a planned card.
func (f *boardFixture) request(t *testing.T, who, id string) inventory.Card {
	t.Helper()
	c := f.card(t, id)
	now := time.Now().UTC()
	c, err := f.store.RequestException(t.Context(), f.actor(who), tenantA, id, inventory.ExceptionRequest{
		Justification:        "The Teams Room console cannot do interactive MFA at all.",
		CompensatingControls: "Conditional Access limits it to the compliant MTR device in Boardroom 4.",
		Expiry:               now.AddDate(0, 3, 0),
	}, c.Version, now)
	if err != nil {
		t.Fatalf("request exception on %s: %v", id, err)
	}
	return c
}

// Headers of the kinds of client.
var (
	browser = map[string]string{"Accept": "text/html,application/xhtml+xml"}
	api     = map[string]string{"Accept": "application/json"}
	asHTMX  = func(target string) map[string]string {
		return map[string]string{"Accept": "text/html", "HX-Request": "true", "HX-Target": target}
	}
)

// send makes a request and returns the response with its body.
func send(t testing.TB, c *http.Client, method, target string, form url.Values, header map[string]string) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(t.Context(), method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// htmlDoc parses a page or fragment for its selectors.
func htmlDoc(t testing.TB, body string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// refusal is a post that must be refused: who sends form to path, and the
// status and sentence they must get.
type refusal struct {
	who, path string
	form      url.Values
	want      int
	sentence  string
}

// refused posts tc as c and fails t unless the answer is tc's.
func refused(t *testing.T, c *http.Client, target string, tc refusal) {
	t.Helper()
	resp, body := send(t, c, http.MethodPost, target, tc.form, browser)
	if resp.StatusCode != tc.want || !says(body, tc.sentence) {
		t.Errorf("%s POST %s %v: %d, want %d with %q\n%s", tc.who, tc.path, tc.form, resp.StatusCode, tc.want, tc.sentence, excerpt(body))
	}
}

// says reports whether a page says sentence, as a person reads it (HTML
// entities decoded).
func says(body, sentence string) bool {
	return strings.Contains(html.UnescapeString(body), sentence)
}

func (f *boardFixture) url(path string) string { return f.srv.URL + path }

func version(c inventory.Card) string { return fmt.Sprint(c.Version) }
