package deliver

import (
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// readinessFixture is a tenant not ready, with privileged accounts open
// and a name that needs encoding in a mail header.
func readinessFixture() *inventory.Readiness {
	now := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	v := inventory.TenantVerdict{TenantID: "t-1", DisplayName: "Contoso Łódź Partners", Kind: inventory.KindMixed, AsOf: now,
		Counts:           map[inventory.Compliance]int{inventory.Compliant: 812, inventory.AtRisk: 54, inventory.NonCompliant: 23, inventory.Excepted: 3, inventory.NotApplicable: 40},
		PrivilegedCounts: map[inventory.Compliance]int{inventory.Compliant: 40, inventory.NonCompliant: 2, inventory.AtRisk: 1},
		ByCategory:       map[inventory.Category]int{inventory.OfficeWorker: 900, inventory.ServiceAccount: 32},
		ByPath:           map[inventory.Path]int{inventory.MFAEnrolment: 900, inventory.SecureAppModel: 32},
	}
	trend := []inventory.TrendPoint{
		{Day: now.AddDate(0, 0, -14), Counts: map[inventory.Compliance]int{inventory.NonCompliant: 60, inventory.AtRisk: 70}},
		{Day: now.AddDate(0, 0, -7), Counts: map[inventory.Compliance]int{inventory.NonCompliant: 40, inventory.AtRisk: 60}},
		{Day: now, Counts: v.Counts},
	}
	r := inventory.NewReadiness(v, trend, time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC), now)
	r.Finish()
	return r
}
