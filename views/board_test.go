package views_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/mfaboard/mfaboard/views"
)

func renderDoc(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func sampleBoard() views.BoardPage {
	mine := views.CardView{ID: "u-1", DisplayName: "Alice", UPN: "alice@contoso.com", Status: "planned", Compliance: "non_compliant",
		ComplianceLabel: "Non-compliant", Version: 7, Back: "/board?mine=1",
		Moves: []views.Option{{Value: "in_progress", Label: "In progress"}}}
	theirs := views.CardView{ID: "u-2", DisplayName: "Bob", UPN: "bob@contoso.com", Status: "planned", Compliance: "at_risk",
		ComplianceLabel: "At risk", Version: 3, Due: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Overdue: true,
		Notice: views.Notice{Text: "This card was changed by Dana at 14:02 after you opened it.", Tone: "warn"}}
	return views.BoardPage{
		Page: views.Page{Title: "Board", Nav: "board", User: "Eli", Role: "engineer"},
		Columns: []views.ColumnView{
			{Status: "triage", Label: "Triage"},
			{Status: "planned", Label: "Planned", Total: 120, Cards: []views.CardView{mine, theirs},
				MoreURL: "/board?more%5Bplanned%5D=2", MoreFragmentURL: "/board/column?status=planned&offset=2"},
		},
	}
}

func TestBoardCardOffersOnlyItsMoves(t *testing.T) {
	t.Parallel()
	doc := renderDoc(t, views.Board(sampleBoard()))
	cards := doc.Find(`[data-testid="card"]`)
	if cards.Length() != 2 {
		t.Fatalf("%d cards", cards.Length())
	}
	mine, theirs := cards.Eq(0), cards.Eq(1)
	if mine.Find(`[data-testid="move-form"]`).Length() != 1 || mine.AttrOr("draggable", "") != "true" {
		t.Error("the card with moves has no move control or cannot be dragged")
	}
	if got := mine.Find(`input[name="version"]`).AttrOr("value", ""); got != "7" {
		t.Errorf("the move form carries version %q", got)
	}
	if mine.Find(`form`).AttrOr("hx-target", "") != "closest .board-card" || mine.Find(`form`).AttrOr("action", "") != "/accounts/u-1/move" {
		t.Error("the move form does not post to the card's move, as a plain form and with htmx")
	}
	if theirs.Find(`[data-testid="move-form"]`).Length() != 0 || theirs.AttrOr("draggable", "") == "true" {
		t.Error("a card without moves offers a move")
	}
	if n := theirs.Find(`[data-testid="notice"][role="alert"]`); !strings.Contains(n.Text(), "This card was changed by Dana") {
		t.Error("the card does not show its notice as an alert")
	}
	if !theirs.Find(`[data-testid="due"]`).HasClass("overdue") {
		t.Error("an overdue card is not marked overdue")
	}
	if doc.Find(`[data-testid="select"]`).Length() != 0 || doc.Find(`[data-testid="bulk-form"]`).Length() != 0 {
		t.Error("bulk controls without a bulk form model")
	}
	more := doc.Find(`[data-testid="more"]`)
	if more.AttrOr("href", "") != "/board?more%5Bplanned%5D=2" || !strings.HasPrefix(more.Text(), "2 more · 118 not shown") {
		t.Errorf("more control %q: %q", more.AttrOr("href", ""), more.Text())
	}
}

func TestLayoutKeepsToTheContentSecurityPolicy(t *testing.T) {
	t.Parallel()
	doc := renderDoc(t, views.Board(sampleBoard()))
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if _, ok := s.Attr("src"); !ok || strings.TrimSpace(s.Text()) != "" {
			t.Errorf("an inline script: %q", s.Text())
		}
	})
	if doc.Find("style, [style]").Length() != 0 {
		t.Error("inline styles")
	}
	doc.Find("*").Each(func(_ int, s *goquery.Selection) {
		for _, a := range s.Nodes[0].Attr {
			if strings.HasPrefix(a.Key, "on") || strings.HasPrefix(a.Key, "hx-on") {
				t.Errorf("an inline event handler %s on <%s>", a.Key, goquery.NodeName(s))
			}
		}
	})
	var cfg map[string]any
	if err := json.Unmarshal([]byte(doc.Find(`meta[name="htmx-config"]`).AttrOr("content", "")), &cfg); err != nil {
		t.Fatalf("htmx config: %v", err)
	}
	if cfg["allowEval"] != false || cfg["includeIndicatorStyles"] != false || cfg["allowScriptTags"] != false {
		t.Errorf("htmx may eval or inject styles: %v", cfg)
	}
}

func TestLayoutShowsTheSignedInPerson(t *testing.T) {
	t.Parallel()
	b := sampleBoard()
	doc := renderDoc(t, views.Board(b))
	who := doc.Find(`[data-testid="whoami"]`)
	if !strings.Contains(who.Text(), "Eli") || !strings.Contains(who.Text(), "Engineer") {
		t.Errorf("whoami: %q", who.Text())
	}
	if who.Find(`form[method="post"][action="/logout"] [data-testid="sign-out"]`).Length() != 1 {
		t.Error("no sign-out form posting to /logout")
	}
	if doc.Find(`.mainnav a[href="/users"]`).Length() != 0 {
		t.Error("an engineer sees Users")
	}
	for _, href := range []string{"/board", "/exceptions", "/audit"} {
		if doc.Find(`.mainnav a[href="`+href+`"]`).Length() != 1 {
			t.Errorf("no %s in the navigation", href)
		}
	}
	b.Page.Role = "security_lead"
	if renderDoc(t, views.Board(b)).Find(`.mainnav a[href="/users"]`).Length() != 1 {
		t.Error("a security lead does not see Users")
	}
	b.Page.User = ""
	if renderDoc(t, views.Board(b)).Find(`[data-testid="whoami"]`).Length() != 0 {
		t.Error("whoami without a signed-in person")
	}
}
