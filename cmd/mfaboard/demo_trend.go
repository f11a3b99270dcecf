package main

import (
	"context"
	"fmt"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// demoTrendWeeks is how much history the demo tenant is given.
const demoTrendWeeks = 10

// seedDemoTrend gives a freshly seeded demo tenant the history of a team at
// work: a point a week for ten weeks, from more open accounts down to
// today's, so the readiness chart and its projection show on the first
// visit what a real tenant shows after a few weeks of syncs. Only the demo
// gets made-up history; a real tenant's trend is its own.
func seedDemoTrend(ctx context.Context, store *pg.Store, v inventory.TenantVerdict, now time.Time) error {
	nc, ar := v.Counts[inventory.NonCompliant], v.Counts[inventory.AtRisk]
	for w := demoTrendWeeks; w >= 1; w-- {
		moreNC, moreAR := w*max(1, nc/12), w*max(1, ar/15)
		counts := map[inventory.Compliance]int{
			inventory.NonCompliant:  nc + moreNC,
			inventory.AtRisk:        ar + moreAR,
			inventory.Excepted:      v.Counts[inventory.Excepted],
			inventory.Compliant:     max(0, v.Counts[inventory.Compliant]-moreNC-moreAR),
			inventory.NotApplicable: v.Counts[inventory.NotApplicable],
		}
		past := inventory.TenantVerdict{Counts: counts, PrivilegedCounts: v.PrivilegedCounts}
		if err := store.RecordTrend(ctx, v.TenantID, now.AddDate(0, 0, -7*w), past); err != nil {
			return fmt.Errorf("seed the demo trend: %w", err)
		}
	}
	return nil
}
