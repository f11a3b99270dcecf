package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// resyncWithChanges syncs the office's tenant again after a week of the
// usual drift: three compliant people join a group a policy excludes, a
// compliant person starts reading mail over IMAP4 without MFA, and one
// account is deleted.
func (o *office) resyncWithChanges(t *testing.T) {
	t.Helper()
	snap, err := o.store.LoadSnapshot(t.Context(), o.tenant)
	if err != nil {
		t.Fatal(err)
	}
	res := inventory.Assess(snap, inventory.Inputs{Settings: inventory.DefaultSettings(inventory.KindMixed), AsOf: time.Now().UTC()})
	// A group an enabled policy excludes, and accounts only policies
	// excluding it cover.
	excluded := ""
	for _, p := range snap.Policies {
		if p.State == "enabled" && len(p.ExcludeGroups) > 0 {
			excluded = p.ExcludeGroups[0]
			break
		}
	}
	excluding := map[string]bool{}
	for _, p := range snap.Policies {
		excluding[p.DisplayName] = slices.Contains(p.ExcludeGroups, excluded)
	}
	var joiners []string
	for _, a := range res.Accounts {
		if a.Compliance != inventory.Compliant {
			continue
		}
		if !slices.ContainsFunc(a.EnforcedBy, func(by string) bool { return !excluding[by] }) {
			joiners = append(joiners, a.UserID)
		}
	}
	if excluded == "" || len(joiners) < 4 {
		t.Fatalf("the demo has no enabled policy excluding a group (%q), or too few accounts only such policies cover (%d)", excluded, len(joiners))
	}
	compliant := joiners
	for i := range snap.Groups {
		if snap.Groups[i].ID == excluded {
			snap.Groups[i].MemberUserIDs = append(snap.Groups[i].MemberUserIDs, compliant[:3]...)
		}
	}
	day := time.Now().UTC().Truncate(24 * time.Hour)
	snap.SignIns[compliant[3]] = append(snap.SignIns[compliant[3]], inventory.SignInFold{Day: day, App: "Office 365 Exchange Online",
		ClientAppUsed: "IMAP4", Requirement: "singleFactorAuthentication", Success: true, Count: 4, First: day, Last: day.Add(time.Hour)})
	snap.Users = snap.Users[:len(snap.Users)-1]
	pgtest.Sync(t, o.store, snap, inventory.SyncOptions{Kind: inventory.KindMixed})
}

// The changes page on a laptop and on a phone: every change with its
// account, verdicts and causes, and nothing wider than the screen.
func TestE2EChangesSinceTheLastSync(t *testing.T) {
	t.Parallel()
	o := newOffice(t)
	o.resyncWithChanges(t)
	b := newBrowser(t, o.srv.URL)
	b.signIn(managerPerson)
	b.onEveryScreen("/changes", `[data-testid="change-sync"]`, func(screen string) {
		if n := b.count(`[data-testid="change"]`); n < 5 {
			t.Errorf("%s: %d changes shown, want the 3 joiners, the IMAP4 sign-in and the deleted account", screen, n)
		}
		text := b.text(`[data-testid="change-sync"]`)
		for _, want := range []string{"which", "excludes", "new single-factor sign-in over IMAP4", "account removed from the tenant"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the page lacks %q", screen, want)
			}
		}
		if screen == "laptop" {
			b.screenshot("changes.png")
		}
	})
	b.open("/readiness", `[data-testid="readiness-changes"]`)
	if got := b.text(`[data-testid="readiness-changes"]`); !strings.HasPrefix(got, "Since the last sync: 4 accounts lost coverage") {
		t.Errorf("readiness says %q", got)
	}
}
