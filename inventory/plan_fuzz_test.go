package inventory

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// checkPlan holds for any tenant: the plan never fails, puts every open
// account in a fix, and the part of the tenant each fix re-assesses gives
// every open account the verdict the whole tenant gives it (so a resolved
// count can be trusted however odd the data).
func checkPlan(t *testing.T, s *Snapshot, in Inputs) {
	t.Helper()
	res := Assess(s, in)
	plan := PlanFixes(s, in, res)
	everyOpenAccountInAFix(t, res, plan)
	var open []int
	for i := range res.Accounts {
		if IsOpen(res.Accounts[i].Compliance) {
			open = append(open, i)
		}
	}
	part := newSubTenant(s, in, open, directGroups(s))
	got := Assess(&part.snap, part.in)
	for j, i := range open {
		if !reflect.DeepEqual(got.Accounts[j], res.Accounts[i]) {
			t.Fatalf("%s assessed in its part of the tenant:\n%+v\nin the whole:\n%+v", res.Accounts[i].UserPrincipalName, got.Accounts[j], res.Accounts[i])
		}
	}
}

func FuzzPlan(f *testing.F) {
	f.Add([]byte("plan"))
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 250, 251, 252})
	fuzzOddTenants(f, checkPlan)
}

// TestPlanProperties runs the plan's properties over many random tenants
// on every test run, not only under -fuzz.
func TestPlanProperties(t *testing.T) {
	t.Parallel()
	overOddTenants(t, rand.NewPCG(20261203, 11), 1500, checkPlan)
}
