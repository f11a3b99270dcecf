package inventory_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
)

// Over the demo tenant: no at-risk or non-compliant account leads with what
// enforces MFA, and no reason shows Graph's field names (issue 11).
func TestDemoReasonsLeadWithTheCause(t *testing.T) {
	t.Parallel()
	res := assessDemo(300, 1)
	atRisk := 0
	for _, a := range res.Accounts {
		if len(a.Reasons) == 0 {
			t.Fatalf("%s: a verdict without a reason", a.UserPrincipalName)
		}
		first := a.Reasons[0]
		switch a.Compliance {
		case inventory.AtRisk:
			atRisk++
			if strings.HasPrefix(first, "MFA is enforced") {
				t.Errorf("%s is at risk, yet leads with %q", a.UserPrincipalName, first)
			}
		case inventory.NonCompliant:
			if !strings.HasPrefix(first, "excluded from policy") {
				t.Errorf("%s is non-compliant through an exclusion in the demo, yet leads with %q", a.UserPrincipalName, first)
			}
		}
		for _, r := range a.Reasons {
			for _, f := range []string{"isMfaRegistered", "methodsRegistered", "userType", "authenticationRequirement", "clientAppUsed"} {
				if strings.Contains(r, f) {
					t.Errorf("%s: reason %q names Graph's field %s", a.UserPrincipalName, r, f)
				}
			}
		}
	}
	if atRisk == 0 {
		t.Fatal("the demo has no at-risk account: the test proves nothing")
	}
}

// demoAsOf is the moment the demo tenants of these tests are assessed at.
var demoAsOf = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// demoAt generates the demo tenant opts describes as of demoAsOf, and the
// inputs that assess it as a mixed tenant then.
func demoAt(opts demo.Options) (*inventory.Snapshot, inventory.Inputs) {
	opts.AsOf = demoAsOf
	return demo.Generate(opts), inventory.Inputs{Settings: inventory.DefaultSettings(inventory.KindMixed), AsOf: demoAsOf}
}

// assessDemo assesses a generated demo tenant of a mixed kind at demoAsOf.
func assessDemo(users int, seed int64) inventory.Result {
	return inventory.Assess(demoAt(demo.Options{Users: users, Seed: seed}))
}
