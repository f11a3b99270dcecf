package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/mfaboard/mfaboard/inventory"
)

// TestRefusedVerifyAnswers409WithTheSentence: a lead's verify of an
// account the last sync found non-compliant is answered 409, with the
// sentence inside the card for htmx (the choice kept) and on the board for
// a plain form; the card stays remediated.
func TestRefusedVerifyAnswers409WithTheSentence(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 2)
	f.plan(t, "a-01", "eng")
	f.move(t, "lead", "a-01", inventory.InProgress)
	c := f.move(t, "lead", "a-01", inventory.Remediated)
	form := url.Values{"tenant": {tenantA}, "to": {"verified"}, "version": {version(c)}, "back": {"/board?tenant=" + tenantA}}
	const sentence = "Can't verify a-01@contoso.com: the last sync found it non-compliant"

	resp, body := send(t, f.clients["lead"], http.MethodPost, f.url("/accounts/a-01/move"), form, asHTMX("card-a-01"))
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("htmx verify: %d, want 409\n%s", resp.StatusCode, excerpt(body))
	}
	doc := fragment(t, body)
	if notice := doc.Find(`[data-testid="card"] [data-testid="notice"]`).Text(); !strings.Contains(notice, sentence) {
		t.Errorf("the card's notice says %q, want %q", notice, sentence)
	}
	if got := doc.Find(`select[name="to"] option[selected]`).AttrOr("value", ""); got != "verified" {
		t.Errorf("the refused card's Move to… shows %q, want the verify kept", got)
	}
	if doc.Find(`[data-testid="awaiting-sync"]`).Length() != 1 {
		t.Error("the remediated card does not say it awaits the next sync")
	}

	resp, body = send(t, f.clients["lead"], http.MethodPost, f.url("/accounts/a-01/move"), form, nil)
	if resp.StatusCode != http.StatusConflict || !says(body, sentence) || !says(body, `data-testid="board"`) {
		t.Errorf("plain verify: %d, want 409 with the board and the sentence\n%s", resp.StatusCode, excerpt(body))
	}
	if got := f.card(t, "a-01").Status; got != inventory.Remediated {
		t.Errorf("after the refused verifies the card is %s", got)
	}
}

// TestBlockedMoveAsksForItsReason: the move form offers the reason field
// where Blocked is a move; without a reason the move is refused (400) and
// the card keeps Blocked chosen; with one the card shows it.
func TestBlockedMoveAsksForItsReason(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 2)
	f.plan(t, "a-01", "eng")
	c := f.move(t, "eng", "a-01", inventory.InProgress)
	target := f.url("/accounts/a-01/move")
	form := url.Values{"tenant": {tenantA}, "to": {"blocked"}, "version": {version(c)}}

	resp, body := send(t, f.clients["eng"], http.MethodPost, target, form, asHTMX("card-a-01"))
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("blocked without a reason: %d, want 400\n%s", resp.StatusCode, excerpt(body))
	}
	doc := fragment(t, body)
	if notice := doc.Find(`[data-testid="notice"]`).Text(); !strings.Contains(notice, "Say what blocks the work on a-01@contoso.com") {
		t.Errorf("the notice says %q", notice)
	}
	if doc.Find(`[data-testid="move-reason"]`).Length() != 1 || doc.Find(`option[value="blocked"][selected]`).Length() != 1 {
		t.Error("the refused card does not keep Blocked chosen with its reason field")
	}

	form.Set("reason", "The laptop is at the repair shop until Friday.")
	resp, body = send(t, f.clients["eng"], http.MethodPost, target, form, asHTMX("card-a-01"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("blocked with a reason: %d\n%s", resp.StatusCode, excerpt(body))
	}
	if got := fragment(t, body).Find(`[data-testid="blocked-reason"]`).Text(); !strings.Contains(got, "The laptop is at the repair shop until Friday.") {
		t.Errorf("the blocked card says %q, want its reason", got)
	}
}

// TestBoardFoldsVerifiedUntilAPersonChooses: verified is folded by
// default; the board_folded cookie (board.js writes it) decides after.
func TestBoardFoldsVerifiedUntilAPersonChooses(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 2)
	folded := func(cookie string) map[string]bool {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, f.url("/board"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if cookie != "" {
			req.AddCookie(&http.Cookie{Name: "board_folded", Value: cookie})
		}
		resp, err := f.clients["lead"].Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		doc, err := goquery.NewDocumentFromReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		doc.Find(`details.column`).Each(func(_ int, s *goquery.Selection) {
			if _, open := s.Attr("open"); !open {
				out[s.AttrOr("data-status", "")] = true
			}
		})
		return out
	}
	wantEqualMap(t, "folded by default", folded(""), map[string]bool{"verified": true})
	wantEqualMap(t, "nothing folded", folded("-"), map[string]bool{})
	wantEqualMap(t, "two folded", folded("triage.exception_granted.nonsense"), map[string]bool{"triage": true, "exception_granted": true})
}

func wantEqualMap(t *testing.T, what string, got, want map[string]bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %v, want %v", what, got, want)
		return
	}
	for k := range want {
		if !got[k] {
			t.Errorf("%s: %v, want %v", what, got, want)
			return
		}
	}
}
