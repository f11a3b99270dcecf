package inventory_test

import (
	"maps"
	"testing"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
)

// Over generated tenants, with security defaults off (the demo's
// policies) and on: every account PerUserMFASkips leaves unread keeps its
// verdict whatever its per-user state says, so skipping the read never
// makes a verdict better (or worse) than its data.
func TestPerUserMFASkipsKeepEveryVerdict(t *testing.T) {
	for _, sd := range []bool{false, true} {
		snap, in := demoAt(demo.Options{Users: 600, Seed: 5})
		snap.SecurityDefaults = &sd
		skips := inventory.PerUserMFASkips(snap)
		if len(skips) == 0 || len(skips) == len(snap.Users) {
			t.Fatalf("security defaults %v: %d of %d accounts skipped; the test needs both kinds", sd, len(skips), len(snap.Users))
		}
		t.Logf("security defaults %v: %d of %d per-user reads skipped", sd, len(skips), len(snap.Users))

		base := verdicts(snap, in)
		for _, state := range []string{"", "disabled", "enabled", "enforced", "someFutureState"} {
			c := *snap
			c.PerUserMFA = maps.Clone(snap.PerUserMFA)
			for id := range skips {
				delete(c.PerUserMFA, id)
				if state != "" {
					c.PerUserMFA[id] = state
				}
			}
			got := verdicts(&c, in)
			for id, reason := range skips {
				if got[id] != base[id] {
					t.Errorf("security defaults %v: %s (%s) is %s with per-user state %q but %s as generated", sd, id, reason, got[id], state, base[id])
				}
			}
		}
	}
}

func verdicts(s *inventory.Snapshot, in inventory.Inputs) map[string]inventory.Compliance {
	out := map[string]inventory.Compliance{}
	for _, a := range inventory.Assess(s, in).Accounts {
		out[a.UserID] = a.Compliance
	}
	return out
}
