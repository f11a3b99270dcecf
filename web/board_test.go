package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/mfaboard/mfaboard/inventory"
)

// boardDoc fetches a page as who and parses it.
func boardDoc(t *testing.T, f *boardFixture, who, path string) *goquery.Document {
	t.Helper()
	resp, body := send(t, f.clients[who], http.MethodGet, f.url(path), nil, browser)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s as %s: %d\n%s", path, who, resp.StatusCode, excerpt(body))
	}
	return htmlDoc(t, body)
}

// cardsByAccount maps each card on the page to its element.
func cardsByAccount(doc *goquery.Document) map[string]*goquery.Selection {
	out := map[string]*goquery.Selection{}
	doc.Find(`[data-testid="card"]`).Each(func(_ int, s *goquery.Selection) {
		out[s.AttrOr("data-account", "")] = s
	})
	return out
}

// moveChoices lists the columns a card's "Move to…" control offers.
func moveChoices(card *goquery.Selection) []string {
	var out []string
	card.Find(`[data-testid="move-to"] option`).Each(func(_ int, o *goquery.Selection) {
		if v := o.AttrOr("value", ""); v != "" {
			out = append(out, v)
		}
	})
	return out
}

func TestBoardShowsEachRoleOnlyItsMoves(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 6)
	f.plan(t, "a-01", "eng")  // the engineer's
	f.plan(t, "a-02", "eng2") // another engineer's
	f.plan(t, "a-03", "")     // nobody's
	f.plan(t, "a-04", "eng")
	f.move(t, "lead", "a-04", inventory.InProgress)

	t.Run("management sees no move controls", func(t *testing.T) {
		doc := boardDoc(t, f, "mgmt", "/board")
		cards := cardsByAccount(doc)
		if len(cards) != 6 {
			t.Fatalf("%d cards on the board, want 6", len(cards))
		}
		if n := doc.Find(`[data-testid="move-form"]`).Length(); n != 0 {
			t.Errorf("management sees %d move controls", n)
		}
		if n := doc.Find(`[draggable="true"]`).Length(); n != 0 {
			t.Errorf("management can drag %d cards", n)
		}
		if doc.Find(`[data-testid="bulk-form"]`).Length() != 0 || doc.Find(`[data-testid="select"]`).Length() != 0 {
			t.Error("management sees the bulk edit")
		}
	})

	t.Run("an engineer sees moves only on their cards", func(t *testing.T) {
		doc := boardDoc(t, f, "eng", "/board")
		cards := cardsByAccount(doc)
		want := map[string][]string{
			"a-01": {"in_progress"},
			"a-04": {"planned", "blocked", "remediated"},
		}
		for id, card := range cards {
			got := moveChoices(card)
			if strings.Join(got, " ") != strings.Join(want[id], " ") {
				t.Errorf("card %s offers %v, want %v", id, got, want[id])
			}
			if draggable := card.AttrOr("draggable", "") == "true"; draggable != (len(want[id]) > 0) {
				t.Errorf("card %s draggable=%v", id, draggable)
			}
			if card.AttrOr("data-moves", "") != strings.Join(want[id], " ") {
				t.Errorf("card %s data-moves=%q", id, card.AttrOr("data-moves", ""))
			}
		}
		if doc.Find(`[data-testid="bulk-form"]`).Length() != 0 {
			t.Error("an engineer sees the bulk edit")
		}
	})

	t.Run("a lead sees every allowed move and the bulk edit", func(t *testing.T) {
		doc := boardDoc(t, f, "lead", "/board")
		cards := cardsByAccount(doc)
		if got := moveChoices(cards["a-05"]); strings.Join(got, " ") != "planned" {
			t.Errorf("triage card offers %v, want [planned]", got)
		}
		if got := moveChoices(cards["a-04"]); strings.Join(got, " ") != "planned blocked remediated" {
			t.Errorf("in-progress card offers %v", got)
		}
		if n := doc.Find(`[data-testid="select"]`).Length(); n != 6 {
			t.Errorf("%d bulk checkboxes, want 6", n)
		}
		if doc.Find(`[data-testid="select"]`).First().AttrOr("form", "") != "bulk" {
			t.Error("the checkboxes do not belong to the bulk form")
		}
	})

	t.Run("columns count their cards", func(t *testing.T) {
		doc := boardDoc(t, f, "mgmt", "/board")
		counts := map[string]string{}
		doc.Find(`[data-testid="column"]`).Each(func(_ int, col *goquery.Selection) {
			counts[col.AttrOr("data-status", "")] = strings.TrimSpace(col.Find(`[data-testid="count"]`).Text())
		})
		for st, want := range map[string]string{"triage": "2", "planned": "3", "in_progress": "1", "verified": "0"} {
			if counts[st] != want {
				t.Errorf("%s counts %q, want %q", st, counts[st], want)
			}
		}
		if len(counts) != len(inventory.Statuses) {
			t.Errorf("%d columns, want %d", len(counts), len(inventory.Statuses))
		}
	})
}

func TestBoardFiltersLiveInTheURL(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 4)
	f.plan(t, "a-01", "eng")
	f.plan(t, "a-02", "eng2")

	doc := boardDoc(t, f, "eng", "/board?mine=1")
	if ids := keys(cardsByAccount(doc)); ids != "a-01" {
		t.Errorf("mine shows %s, want a-01", ids)
	}
	if _, ok := doc.Find(`[data-testid="filter-mine"]`).Attr("checked"); !ok {
		t.Error("the mine filter is not shown as on")
	}
	// The card's form comes back to the filtered board.
	back := doc.Find(`[data-testid="move-form"] input[name="back"]`).AttrOr("value", "")
	if !strings.Contains(back, "mine=1") || !strings.HasPrefix(back, "/board?") {
		t.Errorf("the move form returns to %q, not the filtered board", back)
	}

	doc = boardDoc(t, f, "lead", "/board?q=a-02")
	if ids := keys(cardsByAccount(doc)); ids != "a-02" {
		t.Errorf("search shows %s, want a-02", ids)
	}
	if doc.Find(`input[name="q"]`).AttrOr("value", "") != "a-02" {
		t.Error("the search box lost the query")
	}

	resp, body := send(t, f.clients["lead"], http.MethodGet, f.url("/board?lane=colour"), nil, browser)
	if resp.StatusCode != http.StatusBadRequest || !says(body, `Unknown swimlanes "colour"`) {
		t.Errorf("bad lane: %d\n%s", resp.StatusCode, excerpt(body))
	}
	resp, body = send(t, f.clients["lead"], http.MethodGet, f.url("/board?compliance=green"), nil, browser)
	if resp.StatusCode != http.StatusBadRequest || !says(body, `Unknown verdict "green"`) {
		t.Errorf("bad verdict: %d\n%s", resp.StatusCode, excerpt(body))
	}
}

func TestBoardSwimlanes(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 3)
	doc := boardDoc(t, f, "lead", "/board?lane=category")
	lanes := doc.Find(`[data-testid="lane"]`)
	if lanes.Length() == 0 {
		t.Fatal("no swimlanes")
	}
	total := 0
	lanes.Each(func(_ int, l *goquery.Selection) { total += l.Find(`[data-testid="card"]`).Length() })
	if total != 3 {
		t.Errorf("%d cards across the lanes, want 3", total)
	}
	if lanes.First().Find(`[data-testid="column"]`).AttrOr("data-lane", "") == "" {
		t.Error("a lane's columns do not name their lane")
	}
}

func TestBoardColumnsPage(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 57)
	doc := boardDoc(t, f, "mgmt", "/board")
	triageCol := doc.Find(`[data-testid="column"][data-status="triage"]`)
	if n := triageCol.Find(`[data-testid="card"]`).Length(); n != 50 {
		t.Fatalf("triage shows %d cards, want 50", n)
	}
	more := triageCol.Find(`[data-testid="more"]`)
	href, frag := more.AttrOr("href", ""), more.AttrOr("hx-get", "")
	if !strings.Contains(href, "more%5Btriage%5D=50") || !strings.Contains(more.Text(), "7 more") {
		t.Fatalf("more control: href %q, text %q", href, more.Text())
	}
	// Without JavaScript: the board with the column from card 51.
	doc = boardDoc(t, f, "mgmt", href)
	triageCol = doc.Find(`[data-testid="column"][data-status="triage"]`)
	if n := triageCol.Find(`[data-testid="card"]`).Length(); n != 7 {
		t.Errorf("the second page shows %d cards, want 7", n)
	}
	if triageCol.Find(`[data-testid="more"]`).Length() != 0 {
		t.Error("the last page still offers more")
	}
	// With htmx: only the next cards, to append.
	resp, body := send(t, f.clients["mgmt"], http.MethodGet, f.url(frag), nil, asHTMX("more"))
	if resp.StatusCode != http.StatusOK || says(body, "<html") || strings.Count(body, `data-testid="card"`) != 7 {
		t.Errorf("the fragment: %d, %d cards\n%s", resp.StatusCode, strings.Count(body, `data-testid="card"`), excerpt(body))
	}
}

func keys(m map[string]*goquery.Selection) string {
	var out []string
	for _, st := range []string{"a-01", "a-02", "a-03", "a-04", "a-05", "a-06"} {
		if _, ok := m[st]; ok {
			out = append(out, st)
		}
	}
	if len(out) != len(m) {
		out = append(out, "…and others")
	}
	return strings.Join(out, ",")
}

func TestBulkEdit(t *testing.T) {
	t.Parallel()
	f := newBoardFixture(t, 5)
	eng := f.users["eng"].ID

	// By hand: two cards ticked.
	form := url.Values{"tenant": {tenantA}, "scope": {"selected"}, "ids": {"a-01", "a-02"}, "set_assign": {eng}, "set_move": {"planned"},
		"back": {"/board?tenant=" + tenantA}}
	resp, body := send(t, f.clients["lead"], http.MethodPost, f.url("/board/bulk"), form, browser)
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "bulk=2") {
		t.Fatalf("bulk by hand: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), excerpt(body))
	}
	for _, id := range []string{"a-01", "a-02"} {
		if c := f.card(t, id); c.Status != inventory.Planned || c.Assignee != eng {
			t.Errorf("%s after the bulk edit: %s, assignee %q", id, c.Status, c.Assignee)
		}
	}
	doc := boardDoc(t, f, "lead", resp.Header.Get("Location"))
	if !strings.Contains(doc.Find(`[data-testid="notice"]`).Text(), "The bulk edit changed 2 cards.") {
		t.Error("no notice after the bulk edit")
	}

	// By filter: every card still in triage gets a due date.
	form = url.Values{"tenant": {tenantA}, "scope": {"filter"}, "q": {"a-0"}, "set_due": {"2030-06-30"}}
	resp, body = send(t, f.clients["lead"], http.MethodPost, f.url("/board/bulk"), form, browser)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("bulk by filter: %d\n%s", resp.StatusCode, excerpt(body))
	}
	for _, id := range []string{"a-01", "a-03", "a-05"} {
		if c := f.card(t, id); c.DueDate.Format("2006-01-02") != "2030-06-30" {
			t.Errorf("%s due %v after the bulk edit by filter", id, c.DueDate)
		}
	}

	// Refusals: a move the workflow forbids changes nothing and says why;
	// nothing chosen; no card ticked; not a lead.
	before := f.card(t, "a-03")
	for _, tc := range []refusal{
		{"lead", "/board/bulk", url.Values{"scope": {"selected"}, "ids": {"a-03"}, "set_move": {"verified"}, "back": {"/board"}},
			http.StatusBadRequest, "cannot move to Verified, so nothing was changed"},
		{"lead", "/board/bulk", url.Values{"scope": {"selected"}, "ids": {"a-03"}}, http.StatusBadRequest, "Choose what the bulk edit changes"},
		{"lead", "/board/bulk", url.Values{"scope": {"selected"}, "set_due": {"2030-01-01"}}, http.StatusBadRequest, "Tick at least one card"},
		{"eng", "/board/bulk", url.Values{"scope": {"selected"}, "ids": {"a-03"}, "set_due": {"2030-01-01"}}, http.StatusForbidden, "Only a security lead can do this"},
		{"mgmt", "/board/bulk", url.Values{"scope": {"filter"}, "set_due": {"2030-01-01"}}, http.StatusForbidden, "Only a security lead can do this"},
	} {
		tc.form.Set("tenant", tenantA)
		refused(t, f.clients[tc.who], f.url(tc.path), tc)
	}
	if after := f.card(t, "a-03"); after.Version != before.Version {
		t.Error("a refused bulk edit changed a card")
	}
}

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
		header := map[string]string{}
		if cookie != "" {
			header["Cookie"] = (&http.Cookie{Name: "board_folded", Value: cookie}).String()
		}
		_, body := send(t, f.clients["lead"], http.MethodGet, f.url("/board"), nil, header)
		doc := htmlDoc(t, body)
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
