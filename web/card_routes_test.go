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

// routeCase is one row of the table: who does what to which card in which
// state, and the answer they must get.
type routeCase struct {
	name string
	who  string // lead, lead2, eng, eng2, mgmt
	path string // %s is the account id
	// prep puts the row's own card in its state and returns it.
	prep func(t *testing.T, f *boardFixture, id string) inventory.Card
	form func(f *boardFixture, c inventory.Card) url.Values
	// account overrides the row's account (another tenant's).
	account  string
	want     int
	sentence string
	// check looks at the card after an allowed action.
	check func(t *testing.T, f *boardFixture, id string)
}

func triage(t *testing.T, f *boardFixture, id string) inventory.Card { return f.card(t, id) }

func plannedFor(whom string) func(*testing.T, *boardFixture, string) inventory.Card {
	return func(t *testing.T, f *boardFixture, id string) inventory.Card { return f.plan(t, id, whom) }
}

func inProgressFor(whom string) func(*testing.T, *boardFixture, string) inventory.Card {
	return func(t *testing.T, f *boardFixture, id string) inventory.Card {
		f.plan(t, id, whom)
		return f.move(t, "lead", id, inventory.InProgress)
	}
}

func requestedBy(who string) func(*testing.T, *boardFixture, string) inventory.Card {
	return func(t *testing.T, f *boardFixture, id string) inventory.Card {
		f.plan(t, id, "eng")
		return f.request(t, who, id)
	}
}

func moveTo(to string) func(*boardFixture, inventory.Card) url.Values {
	return func(_ *boardFixture, c inventory.Card) url.Values {
		return url.Values{"to": {to}, "version": {version(c)}}
	}
}

func withVersion(v url.Values) func(*boardFixture, inventory.Card) url.Values {
	return func(_ *boardFixture, c inventory.Card) url.Values {
		out := url.Values{"version": {version(c)}}
		for k, vs := range v {
			out[k] = vs
		}
		return out
	}
}

func statusIs(want inventory.Status) func(*testing.T, *boardFixture, string) {
	return func(t *testing.T, f *boardFixture, id string) {
		t.Helper()
		if got := f.card(t, id).Status; got != want {
			t.Errorf("card is %s, want %s", got, want)
		}
	}
}

func exceptionRequest(expiry time.Time, justification string) func(*boardFixture, inventory.Card) url.Values {
	return withVersion(url.Values{
		"justification": {justification},
		"controls":      {"Conditional Access policy limiting the Teams Room account to the compliant MTR device in named location Boardroom 4"},
		"expiry":        {expiry.Format(time.DateOnly)},
	})
}

const goodJustification = "The meeting room console signs in without a person at it."

func TestCardRoutesByRoleAndState(t *testing.T) {
	t.Parallel()
	cases := []routeCase{
		// Moves.
		{name: "engineer moves own card", who: "eng", path: "/accounts/%s/move", prep: plannedFor("eng"),
			form: moveTo("in_progress"), want: http.StatusSeeOther, check: statusIs(inventory.InProgress)},
		{name: "engineer moves someone else's card", who: "eng", path: "/accounts/%s/move", prep: plannedFor("eng2"),
			form: moveTo("in_progress"), want: http.StatusForbidden,
			sentence: "Engineers can move only the accounts assigned to them; this one is assigned to Engineer engineer-"},
		{name: "engineer plans out of triage", who: "eng", path: "/accounts/%s/move", prep: triage,
			form: moveTo("planned"), want: http.StatusForbidden, sentence: "Planning an account is the security lead's decision"},
		{name: "management moves", who: "mgmt", path: "/accounts/%s/move", prep: plannedFor("eng"),
			form: moveTo("in_progress"), want: http.StatusForbidden, sentence: "Management can read and export but not move accounts"},
		{name: "lead plans", who: "lead", path: "/accounts/%s/move", prep: triage,
			form: moveTo("planned"), want: http.StatusSeeOther, check: statusIs(inventory.Planned)},
		{name: "another tenant's account", who: "lead", path: "/accounts/%s/move", prep: triage, account: "b-01",
			form: moveTo("planned"), want: http.StatusNotFound, sentence: "is not in tenant"},
		{name: "stale version", who: "lead", path: "/accounts/%s/move", prep: plannedFor("eng"),
			form: func(_ *boardFixture, c inventory.Card) url.Values {
				return url.Values{"to": {"in_progress"}, "version": {fmt.Sprint(c.Version - 1)}}
			}, want: http.StatusConflict, sentence: "This card was changed by Security lead security-lead-"},
		{name: "unknown status", who: "lead", path: "/accounts/%s/move", prep: triage,
			form: moveTo("done"), want: http.StatusBadRequest, sentence: `Unknown status "done"`},
		{name: "transition the workflow forbids", who: "lead", path: "/accounts/%s/move", prep: plannedFor("eng"),
			form: moveTo("verified"), want: http.StatusBadRequest, sentence: "An account cannot go from planned straight to verified"},
		{name: "move without a version", who: "lead", path: "/accounts/%s/move", prep: triage,
			form: func(*boardFixture, inventory.Card) url.Values { return url.Values{"to": {"planned"}} }, want: http.StatusBadRequest,
			sentence: "The form did not say which version of the card it was made on"},

		// Assignment and due dates.
		{name: "lead assigns", who: "lead", path: "/accounts/%s/assign", prep: triage,
			form: func(f *boardFixture, c inventory.Card) url.Values {
				return url.Values{"assignee": {f.users["eng"].ID}, "version": {version(c)}}
			}, want: http.StatusSeeOther},
		{name: "engineer assigns", who: "eng", path: "/accounts/%s/assign", prep: plannedFor("eng"),
			form: withVersion(url.Values{"assignee": {""}}), want: http.StatusForbidden, sentence: "Only a security lead can assign accounts"},
		{name: "lead sets a due date", who: "lead", path: "/accounts/%s/due", prep: triage,
			form: withVersion(url.Values{"due": {"2030-01-31"}}), want: http.StatusSeeOther},
		{name: "bad due date", who: "lead", path: "/accounts/%s/due", prep: triage,
			form: withVersion(url.Values{"due": {"31/01/2030"}}), want: http.StatusBadRequest, sentence: `The due date "31/01/2030" is not a date`},
		{name: "management sets a due date", who: "mgmt", path: "/accounts/%s/due", prep: triage,
			form: withVersion(url.Values{"due": {"2030-01-31"}}), want: http.StatusForbidden, sentence: "Only a security lead can set due dates"},

		// Comments.
		{name: "engineer comments on any card", who: "eng", path: "/accounts/%s/comment", prep: plannedFor("eng2"),
			form: func(*boardFixture, inventory.Card) url.Values { return url.Values{"text": {"Asked the owner."}} }, want: http.StatusSeeOther},
		{name: "management comments", who: "mgmt", path: "/accounts/%s/comment", prep: triage,
			form: func(*boardFixture, inventory.Card) url.Values { return url.Values{"text": {"Why?"}} }, want: http.StatusForbidden,
			sentence: "Management can read and export but not comment"},
		{name: "oversized comment", who: "eng", path: "/accounts/%s/comment", prep: triage,
			form: func(*boardFixture, inventory.Card) url.Values {
				return url.Values{"text": {strings.Repeat("é", 4001)}}
			},
			want: http.StatusBadRequest, sentence: "A comment can be at most 4000 characters; this one has 4001."},

		// Exceptions.
		{name: "engineer requests an exception", who: "eng", path: "/accounts/%s/exception", prep: plannedFor("eng"),
			form: exceptionRequest(time.Now().AddDate(0, 2, 0), goodJustification), want: http.StatusSeeOther,
			check: statusIs(inventory.ExceptionRequested)},
		{name: "missing justification", who: "eng", path: "/accounts/%s/exception", prep: plannedFor("eng"),
			form: exceptionRequest(time.Now().AddDate(0, 2, 0), ""), want: http.StatusBadRequest, sentence: "A justification is required"},
		{name: "expiry in the past", who: "eng", path: "/accounts/%s/exception", prep: plannedFor("eng"),
			form: exceptionRequest(time.Now().AddDate(0, 0, -3), goodJustification), want: http.StatusBadRequest,
			sentence: "The expiry must be in the future"},
		{name: "management requests an exception", who: "mgmt", path: "/accounts/%s/exception", prep: plannedFor("eng"),
			form: exceptionRequest(time.Now().AddDate(0, 2, 0), goodJustification), want: http.StatusForbidden,
			sentence: "Only a security lead or the engineer assigned to an account can request a technical exception"},
		{name: "engineer decides an exception", who: "eng", path: "/accounts/%s/exception/decide", prep: requestedBy("lead"),
			form: withVersion(url.Values{"decision": {"grant"}}), want: http.StatusForbidden,
			sentence: "Only a security lead can decide a technical exception"},
		{name: "requester decides own exception", who: "lead", path: "/accounts/%s/exception/decide", prep: requestedBy("lead"),
			form: withVersion(url.Values{"decision": {"grant"}}), want: http.StatusForbidden,
			sentence: "You requested this exception; another security lead must decide it."},
		{name: "another lead grants", who: "lead2", path: "/accounts/%s/exception/decide", prep: requestedBy("lead"),
			form: withVersion(url.Values{"decision": {"grant"}, "note": {"Compensating control checked."}}), want: http.StatusSeeOther,
			check: func(t *testing.T, f *boardFixture, id string) {
				statusIs(inventory.ExceptionGranted)(t, f, id)
				if v := verdictOf(t, f, id); v.Compliance != inventory.Excepted {
					t.Errorf("a granted exception leaves the verdict %s, want excepted at once", v.Compliance)
				}
			}},
		{name: "unknown decision", who: "lead2", path: "/accounts/%s/exception/decide", prep: requestedBy("lead"),
			form: withVersion(url.Values{"decision": {"maybe"}}), want: http.StatusBadRequest, sentence: `Unknown decision "maybe"`},

		// Overrides.
		{name: "lead overrides the path", who: "lead", path: "/accounts/%s/override", prep: triage,
			form: func(*boardFixture, inventory.Card) url.Values {
				return url.Values{"path": {"technical_exception"}, "reason": {"Meeting room console"}}
			}, want: http.StatusSeeOther,
			check: func(t *testing.T, f *boardFixture, id string) {
				if v := verdictOf(t, f, id); v.Path != inventory.TechnicalException || !v.PathOverride {
					t.Errorf("after the override the path is %s (override %v), want technical_exception at once", v.Path, v.PathOverride)
				}
			}},
		{name: "override without a reason", who: "lead", path: "/accounts/%s/override", prep: triage,
			form: func(*boardFixture, inventory.Card) url.Values { return url.Values{"path": {"technical_exception"}} },
			want: http.StatusBadRequest, sentence: "An override needs a reason"},
		{name: "engineer overrides", who: "eng", path: "/accounts/%s/override", prep: plannedFor("eng"),
			form: func(*boardFixture, inventory.Card) url.Values {
				return url.Values{"category": {"service_account"}, "reason": {"It is a scanner"}}
			}, want: http.StatusForbidden, sentence: "Only a security lead can override an account's category or remediation path"},
	}
	f := newBoardFixture(t, len(cases)+2)
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := fmt.Sprintf("a-%02d", i+1)
			before := tc.prep(t, f, id)
			form := tc.form(f, before)
			account := id
			if tc.account != "" {
				account = tc.account
			}
			form.Set("tenant", tenantA) // as every card form posts it
			target := f.url(fmt.Sprintf(tc.path, url.PathEscape(account)))
			resp, body := send(t, f.clients[tc.who], http.MethodPost, target, form, browser)
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d\n%s", resp.StatusCode, tc.want, excerpt(body))
			}
			if tc.sentence != "" && !says(body, tc.sentence) {
				t.Fatalf("the answer does not say %q\n%s", tc.sentence, excerpt(body))
			}
			after := f.card(t, id)
			switch {
			case tc.want == http.StatusSeeOther:
				if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/accounts/"+id) {
					t.Errorf("redirected to %q, want back to the account page", loc)
				}
			case after.Version != before.Version:
				t.Errorf("a refused action changed the card: version %d → %d", before.Version, after.Version)
			}
			if tc.check != nil {
				tc.check(t, f, id)
			}
		})
	}
}

// excerpt keeps a failure message readable: the notice or error, else the
// start of the page.
func excerpt(body string) string {
	for _, mark := range []string{`data-testid="notice"`, `data-testid="error"`} {
		if i := strings.Index(body, mark); i >= 0 {
			return body[i:min(len(body), i+600)]
		}
	}
	return body[:min(len(body), 600)]
}

// verdictOf is an account's stored assessment in tenant A.
func verdictOf(t *testing.T, f *boardFixture, id string) inventory.Assessment {
	t.Helper()
	d, err := f.store.Account(t.Context(), tenantA, id)
	if err != nil || d.Assessment == nil {
		t.Fatalf("account %s: %v (assessment %v)", id, err, d.Assessment)
	}
	return *d.Assessment
}

func fragment(t *testing.T, body string) *goquery.Document {
	t.Helper()
	if says(body, "<html") {
		t.Fatalf("an htmx request got a whole page\n%s", excerpt(body))
	}
	return htmlDoc(t, body)
}

func TestMoveWithHTMXAnswersWithTheCard(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 3)
	c := f.plan(t, "a-01", "eng")
	target := f.url("/accounts/a-01/move")
	back := "/board?mine=1&tenant=" + tenantA

	// Done: the card as it now stands, in its new column's status.
	form := url.Values{"tenant": {tenantA}, "to": {"in_progress"}, "version": {version(c)}, "back": {back}}
	resp, body := send(t, f.clients["eng"], http.MethodPost, target, form, asHTMX("card-a-01"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("htmx move: %d\n%s", resp.StatusCode, excerpt(body))
	}
	card := fragment(t, body).Find(`[data-testid="card"]`)
	if card.AttrOr("data-status", "") != "in_progress" || card.AttrOr("id", "") != "card-a-01" {
		t.Fatalf("the answer is not the moved card: %s", excerpt(body))
	}
	if got := card.Find(`input[name="version"]`).AttrOr("value", ""); got != fmt.Sprint(c.Version+1) {
		t.Errorf("the fresh card carries version %s, want %d", got, c.Version+1)
	}
	if got := card.Find(`input[name="back"]`).AttrOr("value", ""); got != back {
		t.Errorf("the fresh card returns to %q, want %q", got, back)
	}

	// Lost a race: 409 with the card as it now stands and who changed it.
	resp, body = send(t, f.clients["eng"], http.MethodPost, target, form, asHTMX("card-a-01"))
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("stale htmx move: %d", resp.StatusCode)
	}
	doc := fragment(t, body)
	notice := doc.Find(`[data-testid="card"] [data-testid="notice"]`).Text()
	if !strings.Contains(notice, "This card was changed by Engineer engineer-") || !strings.Contains(notice, "it is now In progress") {
		t.Errorf("the conflict notice says %q", notice)
	}
	if doc.Find(`[data-testid="card"]`).AttrOr("data-status", "") != "in_progress" {
		t.Error("the conflict answer does not show the card as it stands")
	}

	// Refused: 403 with the sentence in the card, which is unchanged.
	other := f.plan(t, "a-02", "eng2")
	resp, body = send(t, f.clients["eng"], http.MethodPost, f.url("/accounts/a-02/move"),
		url.Values{"tenant": {tenantA}, "to": {"in_progress"}, "version": {version(other)}}, asHTMX("card-a-02"))
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(fragment(t, body).Find(`[data-testid="notice"]`).Text(), "Engineers can move only the accounts assigned to them") {
		t.Errorf("refused htmx move: %d\n%s", resp.StatusCode, excerpt(body))
	}
}

func TestAccountPageActionsWithHTMXAnswerWithTheWorkSection(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 2)
	f.plan(t, "a-01", "eng")
	resp, body := send(t, f.clients["eng"], http.MethodPost, f.url("/accounts/a-01/comment"),
		url.Values{"tenant": {tenantA}, "text": {"Called the owner; <b>no</b> answer yet."}}, asHTMX("work"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("htmx comment: %d\n%s", resp.StatusCode, excerpt(body))
	}
	doc := fragment(t, body)
	first := doc.Find(`#work [data-testid="event"]`).First()
	if !strings.Contains(first.Text(), "Called the owner; <b>no</b> answer yet.") {
		t.Errorf("the newest event is %q, want the comment as text", first.Text())
	}

	// A refused exception request keeps what was typed.
	resp, body = send(t, f.clients["eng"], http.MethodPost, f.url("/accounts/a-01/exception"),
		url.Values{"tenant": {tenantA}, "version": {version(f.card(t, "a-01"))}, "justification": {"too short"}, "controls": {"IP-restricted policy"}, "expiry": {"2099-01-01"}},
		asHTMX("work"))
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad request with htmx: %d", resp.StatusCode)
	}
	doc = fragment(t, body)
	if !strings.Contains(doc.Find(`[data-testid="notice"]`).Text(), "The justification is too short") ||
		!strings.Contains(doc.Find(`[data-testid="notice"]`).Text(), "An exception can last at most one year") {
		t.Errorf("notice: %q", doc.Find(`[data-testid="notice"]`).Text())
	}
	if got := doc.Find(`textarea[name="controls"]`).Text(); got != "IP-restricted policy" {
		t.Errorf("the form lost what was typed: %q", got)
	}
}

func TestPlainFormConflictOnTheBoardRendersTheBoard(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 2)
	c := f.plan(t, "a-01", "eng")
	f.move(t, "lead", "a-01", inventory.InProgress)
	form := url.Values{"tenant": {tenantA}, "to": {"in_progress"}, "version": {version(c)}, "back": {"/board?q=a-0&tenant=" + tenantA}}
	resp, body := send(t, f.clients["eng"], http.MethodPost, f.url("/accounts/a-01/move"), form, browser)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("status %d, want 409", resp.StatusCode)
	}
	doc := htmlDoc(t, body)
	if doc.Find(`[data-testid="board"]`).Length() == 0 {
		t.Fatal("the answer is not the board the person was on")
	}
	if !strings.Contains(doc.Find(`[data-testid="notice"]`).Text(), "This card was changed by Security lead") {
		t.Errorf("notice %q", doc.Find(`[data-testid="notice"]`).Text())
	}
	if doc.Find(`[data-testid="column"][data-status="in_progress"] [data-account="a-01"]`).Length() != 1 {
		t.Error("the board does not show the card where it now stands")
	}
}

// The card an htmx move answers with is the card the board then shows, to
// the letter: its column, version, due date, overdue mark, days in the
// column and markers, built from the card the store's move returned.
func TestHTMXMoveAnswersWithTheBoardsCard(t *testing.T) {
	f := newBoardFixture(t, 2)
	c := f.plan(t, "a-01", "eng")
	c, err := f.store.SetDueDate(t.Context(), f.actor("lead"), tenantA, "a-01", time.Now().AddDate(0, 0, -2), c.Version)
	if err != nil {
		t.Fatal(err)
	}
	board := f.url("/board?tenant=" + tenantA)
	card := `[data-testid="card"]#card-a-01`
	back := page(t, f.clients["eng"], board, http.StatusOK).Find(card+` input[name="back"]`).AttrOr("value", "")
	form := url.Values{"tenant": {tenantA}, "to": {"in_progress"}, "version": {version(c)}, "back": {back}}
	resp, body := send(t, f.clients["eng"], http.MethodPost, f.url("/accounts/a-01/move"), form, asHTMX("card-a-01"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("htmx move: %d\n%s", resp.StatusCode, excerpt(body))
	}
	answered, err := goquery.OuterHtml(fragment(t, body).Find(card))
	if err != nil {
		t.Fatal(err)
	}
	shown, err := goquery.OuterHtml(page(t, f.clients["eng"], board, http.StatusOK).Find(card))
	if err != nil {
		t.Fatal(err)
	}
	if answered != shown {
		t.Errorf("the answered card differs from the board's:\n%s\n%s", answered, shown)
	}
	if !strings.Contains(answered, `data-status="in_progress"`) || !says(answered, "overdue") {
		t.Errorf("the answered card is not the moved, overdue card:\n%s", answered)
	}
}
