package inventory

import "testing"

// AssessPart assesses the accounts users (indices into s.Users) as the plan
// does: on the part of the tenant that holds them alone.
func AssessPart(s *Snapshot, in Inputs, users []int) Result {
	t := newSubTenant(s, in, users, directGroups(s))
	return Assess(&t.snap, t.in)
}

// EveryOpenAccountInAFix fails t unless every open account of res is in
// some fix of plan, every account a fix lists is open, and the plan counts
// the open accounts as res does.
func EveryOpenAccountInAFix(t testing.TB, res Result, plan Plan) {
	everyOpenAccountInAFix(t, res, plan)
}
