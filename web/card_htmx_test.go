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

func fragment(t *testing.T, body string) *goquery.Document {
	t.Helper()
	if says(body, "<html") {
		t.Fatalf("an htmx request got a whole page\n%s", excerpt(body))
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
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
	resp, body := send(t, f.clients["eng"], http.MethodPost, f.url("/accounts/a-01/move"), form, asBrowser)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("status %d, want 409", resp.StatusCode)
	}
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
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
