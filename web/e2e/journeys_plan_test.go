package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mfaboard/mfaboard/inventory"
)

const planList = `[data-testid="plan-fixes"]`

// TestE2ELeadTurnsTheTopFixIntoWork: the lead opens /plan, gives the top
// fix to the engineer with the date offered, and the board shows its cards
// planned and assigned to them (those already in work keep their column).
func TestE2ELeadTurnsTheTopFixIntoWork(t *testing.T) {
	t.Parallel()
	o := newOffice(t)
	stored, err := o.store.Plan(t.Context(), o.tenant)
	if err != nil || len(stored.Fixes) == 0 {
		t.Fatalf("the demo office has no plan: %v", err)
	}
	top, err := o.store.PlanFix(t.Context(), o.tenant, stored.Fixes[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	before := map[string]inventory.Status{}
	for _, a := range top.Accounts {
		before[a.ID] = o.status(t, a.ID)
	}

	b := newBrowser(t, o.srv.URL)
	b.signIn(leadPerson)
	b.open("/plan", planList)
	b.fitsWithoutSideways("/plan", planList, "")
	b.fitsWithoutSideways("/plan/fixes/"+stored.Fixes[1].ID, `[data-testid="fix-accounts"]`, "plan-fix-phone.png")
	b.open("/plan", planList)
	b.screenshot("plan.png")
	first := `[data-testid="fix"]:first-child`
	if got := evaluate[string](b, fmt.Sprintf(`document.querySelector(%q).dataset.fix`, first)); got != top.ID {
		t.Fatalf("the first fix on the page is %q, the plan's top fix %q", got, top.ID)
	}
	form := first + ` [data-testid="fix-work"]`
	b.do(
		chromedp.SetValue(chromedp.CSS(form+` select[name="assignee"]`), o.eng.ID),
		chromedp.Click(chromedp.CSS(form+` button[type="submit"]`)),
	)
	b.waitFor(`[data-testid="plan-done"]`, "the notice that the fix is planned")

	b.open(fmt.Sprintf("/board?assignee=%s", o.eng.ID), board)
	for _, a := range top.Accounts {
		want := inventory.Planned
		switch before[a.ID] {
		case inventory.Triage, inventory.Verified, inventory.Planned:
		default:
			// Already in work: left where it was, with whoever had it
			// (maybe nobody), so it need not be on the engineer's board.
			if got := o.status(t, a.ID); got != before[a.ID] {
				t.Errorf("%s was %s and is now %s: a card in work must stay where it was", a.UPN, before[a.ID], got)
			}
			continue
		}
		if n := b.count(inColumn(want, a.ID)); n != 1 {
			t.Errorf("%s (was %s) is %d times in the %s column of the engineer's board, want once", a.UPN, before[a.ID], n, want)
		}
	}
}

// fitsWithoutSideways opens path at a laptop's (1366×768) and a phone's
// (390×844) size and fails when the page scrolls sideways (saving the
// phone's view as phoneShot, when named); then it puts the tab back to the
// journeys' size.
func (b *browser) fitsWithoutSideways(path, selector, phoneShot string) {
	b.t.Helper()
	b.onEveryScreen(path, selector, func(screen string) {
		if phoneShot != "" && screen == "phone" {
			b.screenshot(phoneShot)
		}
	})
}
