package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/mfaboard/mfaboard/inventory"
)

// The journeys of issue 4, each in its own Chromium on its own copy of the
// demo office:
//
//	go test -run E2E -v ./web/e2e/
//	MFABOARD_SCREENSHOTS=1 go test -run E2E ./web/e2e/   # also rewrites static/screenshots/*.png

// card selects an account's card on the board.
func card(id string) string { return fmt.Sprintf(`[data-testid="card"][data-account=%q]`, id) }

// inColumn selects an account's card inside the column of a status.
func inColumn(status inventory.Status, id string) string {
	return fmt.Sprintf(`.column[data-status=%q] `, status) + card(id)
}

const board = `[data-testid="board"]`

// TestE2EEngineerRemediatesTheirCard: the engineer signs in, moves the card
// assigned to them from In progress to Remediated with the keyboard on its
// "Move to…" control, reloads and finds it there; then drags another of
// their cards to Blocked and says what blocks it. Cards that are not theirs
// offer no move.
func TestE2EEngineerRemediatesTheirCard(t *testing.T) {
	t.Parallel()
	o, b := onTheBoard(t, engineerPerson)

	if n := b.count(inColumn(inventory.InProgress, o.engineersCard)); n != 1 {
		t.Fatalf("the engineer's card is %d times in the In progress column, want once", n)
	}
	if n := b.count(card(o.othersCard) + ` [data-testid="move-form"]`); n != 0 {
		t.Errorf("a card assigned to nobody offers the engineer %d move controls, want none", n)
	}

	// The keyboard way: focus the select, type the column's first letter,
	// Tab to the Move button and press Enter.
	moveTo := card(o.engineersCard) + ` select[name="to"]`
	b.do(chromedp.ScrollIntoView(chromedp.CSS(moveTo)), chromedp.Focus(chromedp.CSS(moveTo)), chromedp.KeyEvent("r"))
	if v := evaluate[string](b, fmt.Sprintf(`document.querySelector(%q).value`, moveTo)); v != string(inventory.Remediated) {
		t.Fatalf("typing r on the focused Move to… control chose %q, want remediated", v)
	}
	b.do(chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Enter))
	b.waitFor(inColumn(inventory.Remediated, o.engineersCard), "the card to arrive in the Remediated column after Move")

	b.reload(board)
	if n := b.count(inColumn(inventory.Remediated, o.engineersCard)); n != 1 {
		t.Errorf("after a reload the card is %d times in the Remediated column, want once", n)
	}
	if n := b.count(inColumn(inventory.InProgress, o.engineersCard)); n != 0 {
		t.Errorf("after a reload the card is still in In progress")
	}
	o.wantStatus(t, "after the engineer's move", o.engineersCard, inventory.Remediated)

	// Drag and drop, on the view of their own cards (it fits the screen).
	b.open("/board?mine=1", board)
	b.do(chromedp.DragAndDrop(
		chromedp.CSS(card(o.draggedCard)+` .card-upn`),
		chromedp.CSS(`.column[data-status="blocked"] .column-head`)))
	// A drop on Blocked asks what blocks the work before it moves the card.
	reason := card(o.draggedCard) + ` [data-testid="move-reason"]`
	b.waitFor(reason, "the dropped card to ask for the reason it is blocked")
	b.do(chromedp.SendKeys(chromedp.CSS(reason), "Waiting for the vendor's call-back."),
		chromedp.Click(chromedp.CSS(card(o.draggedCard)+` .move-form button[type="submit"]`)))
	b.waitFor(inColumn(inventory.Blocked, o.draggedCard), "the dragged card to arrive in the Blocked column")
	b.reload(board)
	if n := b.count(inColumn(inventory.Blocked, o.draggedCard)); n != 1 {
		t.Errorf("after a reload the dragged card is %d times in the Blocked column, want once", n)
	}
	o.wantStatus(t, "the dragged card", o.draggedCard, inventory.Blocked)
}

// TestE2EManagerSeesNoMoveControls: management reads the board and an
// account page and is offered no move, assignment, exception or bulk
// control; a move forced from the page anyway is refused by the server.
func TestE2EManagerSeesNoMoveControls(t *testing.T) {
	t.Parallel()
	o, b := onTheBoard(t, managerPerson)
	b.offersNone("the manager's board", map[string]string{
		`[data-testid="move-form"]`:       "move form",
		`select[name="to"]`:               "Move to… control",
		`[data-testid="card"][draggable]`: "draggable card",
		`[data-testid="bulk"]`:            "bulk edit",
		`[data-testid="select"]`:          "bulk checkbox",
	})

	b.open(accountPath(o.engineersCard), `[data-testid="work"]`)
	if got := b.text(`[data-testid="status"]`); got != inventory.InProgress.Label() {
		t.Errorf("the account page says the card is %q, want %q", got, inventory.InProgress.Label())
	}
	b.offersNone("the manager's account page", map[string]string{
		`[data-testid="actions"]`:        "actions",
		`[data-testid="move-form"]`:      "move form",
		`[data-testid="assign-form"]`:    "assign form",
		`[data-testid="due-form"]`:       "due-date form",
		`[data-testid="exception-form"]`: "exception request form",
		`[data-testid="override"]`:       "override controls",
	})

	// The page offers no move; the server refuses one all the same.
	c, err := o.store.Card(t.Context(), o.tenant, o.engineersCard)
	if err != nil {
		t.Fatal(err)
	}
	refusal := evaluate[string](b, fmt.Sprintf(`fetch(%q, {method: "POST", headers: {"Accept": "text/html"},
		body: new URLSearchParams({tenant: %q, to: "remediated", version: "%d"})}).then(async r => r.status + " " + await r.text())`,
		"/accounts/"+url.PathEscape(o.engineersCard)+"/move", o.tenant, c.Version), chromedp.EvalAwaitPromise)
	// The sentence tells the permission check from the cross-site one.
	if !strings.HasPrefix(refusal, "403 ") || !strings.Contains(refusal, "Management can read and export but not move accounts") {
		t.Errorf("a move forced by the manager got %.300q, want 403 with the sentence for management", refusal)
	}
	o.wantStatus(t, "after the manager's forced move", o.engineersCard, inventory.InProgress)
}

// TestE2ELeadOpensAccountAndExceptionForm: the lead reads the board, opens
// the Teams Room's account page from its card and requests a technical
// exception for it. It takes the README's three screenshots on the way.
func TestE2ELeadOpensAccountAndExceptionForm(t *testing.T) {
	t.Parallel()
	o, b := onTheBoard(t, leadPerson)
	if n := b.count(`[data-testid="move-form"]`); n < 10 {
		t.Errorf("the lead's board offers %d move controls, want one on every card", n)
	}
	if n := b.count(`[data-testid="bulk"]`); n != 1 {
		t.Errorf("the lead's board has %d bulk edit forms, want 1", n)
	}
	b.screenshot("board.png")

	b.do(chromedp.Click(chromedp.CSS(card(o.roomCard) + ` .card-title`)))
	b.waitFor(`[data-testid="account-name"]`, "the account page after clicking the card's title")
	if loc := b.location(); !strings.HasPrefix(loc, accountPath(o.roomCard)) {
		t.Fatalf("the card's title led to %s, want the account page %s", loc, accountPath(o.roomCard))
	}
	if name := b.text(`[data-testid="account-name"]`); name != "Boardroom 4" {
		t.Errorf("the account page is about %q, want Boardroom 4", name)
	}
	if n := b.count(`[data-testid="reasons"] li`); n == 0 {
		t.Error("the account page gives no reason for its verdict")
	}
	b.screenshot("account.png")

	b.do(chromedp.Click(chromedp.CSS(`details.exception-request > summary`)))
	b.waitFor(`[data-testid="exception-form"]`, "the exception form to open")
	b.do(chromedp.SendKeys(chromedp.ID("exc-justification"),
		"The Teams Rooms console in Boardroom 4 signs in unattended: it cannot answer an MFA prompt."),
		chromedp.SendKeys(chromedp.ID("exc-controls"),
			"Conditional Access policy 'MTR – compliant device only' allows this account only from the Intune-compliant MTR device in the named location Boardroom 4."),
		chromedp.SetValue(chromedp.ID("exc-expiry"), time.Now().AddDate(0, 6, 0).Format(time.DateOnly)),
		chromedp.Blur(chromedp.ID("exc-controls")),
		chromedp.ScrollIntoView(chromedp.CSS(`details.exception-request`)),
	)
	b.screenshot("exception.png")

	b.do(chromedp.Click(chromedp.CSS(`[data-testid="exception-form"] button[type="submit"]`)))
	b.waitUntil(fmt.Sprintf(`document.querySelector('[data-testid="status"]')?.textContent.trim() === %q`, inventory.ExceptionRequested.Label()),
		"the card's status to read Exception requested after the request")
	o.wantStatus(t, "the room's card", o.roomCard, inventory.ExceptionRequested)
	// The requester cannot decide their own request: the page says so.
	if n := b.count(`[data-testid="decide-form"]`); n != 0 {
		t.Errorf("the lead who requested the exception is offered %d decision forms, want none", n)
	}
	if n := b.count(`[data-testid="decide-reason"]`); n != 1 {
		t.Errorf("the page does not say why the requester cannot decide (%d sentences)", n)
	}
}
