package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mfaboard/mfaboard/inventory"
)

// The board holds the work (issue 11), in Chromium at a laptop's and a
// phone's size: the board fits the screen for every role, a verify the
// verdict refuses says why, and a move to Blocked asks for its reason.

// failOnConsoleErrors fails the test on any error the page writes to its
// console, beyond the exceptions newBrowser already catches; the network's
// own lines about an answered refusal (a 400 or 409 the page shows) are not
// errors of the page.
func failOnConsoleErrors(b *browser) {
	for m, err := range chromedp.Console(b.ctx) {
		if err != nil {
			return
		}
		if m.Type == chromedp.ConsoleError && m.Source != "network" {
			b.mu.Lock()
			b.failures = append(b.failures, fmt.Sprintf("%s:%d %s", m.URL, m.Line+1, m.Text))
			b.mu.Unlock()
		}
	}
}

// boardBrowser is a browser signed in as p, watching the console.
func boardBrowser(t *testing.T, o *office, p person) *browser {
	t.Helper()
	b := newBrowser(t, o.srv.URL)
	go failOnConsoleErrors(b)
	b.signIn(p)
	return b
}

// onTheBoard is a fresh office and a browser signed in as p with the board
// open, showing the demo tenant's cards.
func onTheBoard(t *testing.T, p person) (*office, *browser) {
	t.Helper()
	o := newOffice(t)
	b := newBrowser(t, o.srv.URL)
	b.signIn(p)
	b.open("/board", board)
	if n := b.count(`[data-testid="card"]`); n < 10 {
		t.Fatalf("%s's board shows %d cards, want the demo tenant's", p.role, n)
	}
	return o, b
}

// TestE2EBoardFitsEveryScreen: for the security lead, the engineer and
// management, /board does not scroll sideways at 1366 × 768 or 390 × 844.
// On the laptop every column is on screen side by side and Verified is
// folded to its count; on the phone the columns stack and the filters fold
// away.
func TestE2EBoardFitsEveryScreen(t *testing.T) {
	t.Parallel()
	o := newOffice(t)
	for _, p := range []person{leadPerson, engineerPerson, managerPerson} {
		t.Run(string(p.role), func(t *testing.T) {
			t.Parallel()
			boardFits(t, o, p)
		})
	}
}

// boardFits checks the board for p at every screen (TestE2EBoardFitsEveryScreen).
func boardFits(t *testing.T, o *office, p person) {
	b := boardBrowser(t, o, p)
	for _, s := range screens {
		where := fmt.Sprintf("%s on a %s (%d × %d)", p.role, s.name, s.width, s.height)
		b.resize(s.width, s.height)
		b.open("/board", board)
		b.fits(where)
		if n := b.count(`details.column[data-status="verified"]:not([open])`); n != 1 {
			t.Errorf("%s: %d folded Verified columns, want it folded by default", where, n)
		}
		if got := b.text(`details.column[data-status="verified"] [data-testid="count"]`); got == "" || got == "0" {
			t.Errorf("%s: the folded Verified column shows the count %q", where, got)
		}
		// Every column's box lies within the window.
		outside := evaluate[[]string](b, `Array.from(document.querySelectorAll("details.column")).
			filter(c => { const r = c.getBoundingClientRect(); return r.left < 0 || r.right > window.innerWidth + 0.5; }).
			map(c => c.dataset.status)`)
		if len(outside) > 0 {
			t.Errorf("%s: the columns %v reach beyond the window", where, outside)
		}
		if s.name == "phone" {
			if evaluate[bool](b, `document.querySelector("details.filters-wrap").open`) {
				t.Errorf("%s: the filters are open, want them folded away", where)
			}
			if stacked := evaluate[bool](b, `(() => { const cs = Array.from(document.querySelectorAll("details.column"));
				return cs.every((c, i) => i === 0 || c.getBoundingClientRect().top >= cs[i-1].getBoundingClientRect().bottom - 1); })()`); !stacked {
				t.Errorf("%s: the columns are not stacked one under another", where)
			}
		}
		if p == leadPerson {
			b.screenshot(fmt.Sprintf("board-%d.png", s.width))
		}
	}
}

// TestE2ELeadVerifyIsRefused: the lead tries to verify the remediated card
// of an account the last sync found non-compliant, and the card says why,
// in place; it stays remediated, on the laptop and on the phone.
func TestE2ELeadVerifyIsRefused(t *testing.T) {
	t.Parallel()
	o := newOffice(t)
	b := boardBrowser(t, o, leadPerson)
	for _, s := range screens {
		b.resize(s.width, s.height)
		b.open("/board", board)
		id := evaluate[string](b, `document.querySelector('.column[data-status="remediated"] [data-testid="card"]').dataset.account`)
		if got := b.text(card(id) + ` [data-testid="awaiting-sync"]`); !strings.Contains(got, "Awaiting the next sync") {
			t.Errorf("%s: the remediated card says %q, want it awaiting the next sync", s.name, got)
		}
		b.do(chromedp.SetValue(chromedp.CSS(card(id)+` select[name="to"]`), string(inventory.Verified)),
			chromedp.Click(chromedp.CSS(card(id)+` .move-form button[type="submit"]`)))
		b.waitFor(card(id)+` [data-testid="notice"]`, s.name+": the refusal in the card")
		notice := b.text(card(id) + ` [data-testid="notice"]`)
		if !strings.HasPrefix(notice, "Can't verify ") || !strings.Contains(notice, "the last sync found it non-compliant — ") {
			t.Errorf("%s: the card says %q, want the refusal with the verdict and its cause", s.name, notice)
		}
		if n := b.count(inColumn(inventory.Remediated, id)); n != 1 {
			t.Errorf("%s: after the refused verify the card is %d times in Remediated, want once", s.name, n)
		}
		o.wantStatus(t, s.name, id, inventory.Remediated)
		b.fits(s.name + " after the refusal")
		if s.name == "laptop" {
			b.do(chromedp.ScrollIntoView(chromedp.CSS(card(id) + ` [data-testid="notice"]`)))
			b.screenshot("board-refused-verify.png")
		}
	}
}

// TestE2EBlockedAsksForTheReason: the engineer chooses Blocked on their
// card, is asked what blocks it, tries without, is told, says it, and the
// card shows the reason in the Blocked column, after a reload too; on the
// laptop with the Move to… control, on the phone with another card.
func TestE2EBlockedAsksForTheReason(t *testing.T) {
	t.Parallel()
	o := newOffice(t)
	b := boardBrowser(t, o, engineerPerson)
	for i, s := range screens {
		id := []string{o.engineersCard, o.draggedCard}[i]
		why := fmt.Sprintf("The owner is on leave until the 14th (%s).", s.name)
		b.resize(s.width, s.height)
		b.open("/board?mine=1", board)
		reason := card(id) + ` [data-testid="move-reason"]`
		if visible := evaluate[bool](b, fmt.Sprintf(`document.querySelector(%q).offsetParent !== null`, reason)); visible {
			t.Errorf("%s: the reason field shows before Blocked is chosen", s.name)
		}
		b.do(chromedp.SetValue(chromedp.CSS(card(id)+` select[name="to"]`), string(inventory.Blocked)))
		b.waitFor(reason, s.name+": the reason field once Blocked is chosen")
		b.do(chromedp.Click(chromedp.CSS(card(id) + ` .move-form button[type="submit"]`)))
		b.waitFor(card(id)+` [data-testid="notice"]`, s.name+": the request for a reason")
		if got := b.text(card(id) + ` [data-testid="notice"]`); !strings.HasPrefix(got, "Say what blocks the work on ") {
			t.Errorf("%s: without a reason the card says %q", s.name, got)
		}
		if got := o.status(t, id); got != inventory.InProgress {
			t.Fatalf("%s: a move without a reason left the card in %s", s.name, got)
		}
		b.waitFor(reason, s.name+": the reason field kept after the refusal")
		b.do(chromedp.SendKeys(chromedp.CSS(reason), why),
			chromedp.Click(chromedp.CSS(card(id)+` .move-form button[type="submit"]`)))
		b.waitFor(inColumn(inventory.Blocked, id)+` [data-testid="blocked-reason"]`, s.name+": the card in Blocked with its reason")
		if got := b.text(card(id) + ` [data-testid="blocked-reason"]`); !strings.Contains(got, why) {
			t.Errorf("%s: the blocked card says %q, want %q", s.name, got, why)
		}
		if s.name == "laptop" {
			b.screenshot("board-blocked-reason.png")
		}
		b.reload(board)
		if got := b.text(inColumn(inventory.Blocked, id) + ` [data-testid="blocked-reason"]`); !strings.Contains(got, why) {
			t.Errorf("%s: after a reload the blocked card says %q", s.name, got)
		}
		b.fits(s.name + " after the move")
	}
}
