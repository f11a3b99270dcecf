package views_test

import (
	"strings"
	"testing"

	"github.com/mfaboard/mfaboard/views"
)

// TestAccountsRange shows where the list's count stopped: "of 10,000+",
// and an exact total as it is.
func TestAccountsRange(t *testing.T) {
	rows := make([]views.AccountRow, 50)
	for i := range rows {
		rows[i] = views.AccountRow{ID: "u", UPN: "u@contoso.com", DisplayName: "U"}
	}
	for _, c := range []struct {
		v    views.AccountsList
		want string
	}{
		{views.AccountsList{Rows: rows, Total: 10_000, TotalCapped: true, Offset: 50}, "51–100 of 10,000+"},
		{views.AccountsList{Rows: rows[:3], Total: 3}, "1–3 of 3"},
	} {
		c.v.Page = views.Page{Title: "Accounts", Nav: "accounts"}
		doc := renderDoc(t, views.Accounts(c.v))
		if got := strings.TrimSpace(doc.Find(`[data-testid="range"]`).Text()); got != c.want {
			t.Errorf("range %q, want %q", got, c.want)
		}
	}
}
