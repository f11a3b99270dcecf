package inventory_test

import (
	"reflect"
	"testing"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
)

// The demo tenant's plan: every open account is in a fix, and the top of
// the list is what a lead should do first.
func TestPlanOfTheDemo(t *testing.T) {
	snap, in := demoAt(demo.Options{Users: 300, Seed: 1})
	res := inventory.Assess(snap, in)
	plan := inventory.PlanFixes(snap, in, res)
	for _, f := range plan.Fixes {
		t.Logf("%-22s touches %3d resolves %3d privileged %2d/%2d  %s", f.Kind, len(f.Accounts), f.Resolves, f.PrivilegedResolved, f.Privileged, f.Title)
	}
	inventory.EveryOpenAccountInAFix(t, res, plan)
}

// The plan assesses each fix's accounts on a part of the tenant that holds
// them alone: each must get the verdict, reasons and path the whole tenant
// gives it, or a resolved count would be wrong.
func TestPartOfATenantAssessesAsTheWhole(t *testing.T) {
	snap, in := demoAt(demo.Options{Users: 2000, Groups: 200, GroupDepth: 3, Policies: 30, Seed: 3})
	whole := inventory.Assess(snap, in)
	for _, step := range []int{1, 7, 13} {
		var part []int
		for i := 0; i < len(snap.Users); i += step {
			part = append(part, i)
		}
		got := inventory.AssessPart(snap, in, part)
		for j, i := range part {
			w, g := whole.Accounts[i], got.Accounts[j]
			if !reflect.DeepEqual(w, g) {
				t.Fatalf("every %d: %s assessed alone\n%+v\nwhole\n%+v", step, w.UserPrincipalName, g, w)
			}
		}
	}
}
