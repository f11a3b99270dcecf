package inventory_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// The readiness figures equal the assessment's counts for the same moment
// (issue 5): the cross-tabulations built account by account add up to the
// tenant verdict the assessment tallied, and the privileged accounts kept
// open are the ones it counted.
func TestReadinessMatchesTheAssessment(t *testing.T) {
	t.Parallel()
	asOf := demoAsOf
	res := assessDemo(2000, 11)

	r := inventory.NewReadiness(res.Tenant, nil, time.Time{}, asOf)
	for _, a := range res.Accounts {
		r.Add(inventory.LineFrom(a, inventory.Card{}, time.Time{}))
	}
	r.Finish()

	v := res.Tenant
	if inventory.OpenCount(v.Counts) == 0 {
		t.Fatalf("the demo tenant should have open accounts to compare, counts %v", v.Counts)
	}
	byVerdict := map[inventory.Compliance]int{}
	for _, c := range inventory.Categories {
		n := 0
		for verdict, k := range r.ByCategory[c] {
			n += k
			byVerdict[verdict] += k
		}
		if n != v.ByCategory[c] {
			t.Errorf("%s: readiness counts %d, the assessment %d", c, n, v.ByCategory[c])
		}
	}
	for _, c := range inventory.Compliances {
		if byVerdict[c] != v.Counts[c] {
			t.Errorf("%s: readiness counts %d by category, the assessment %d", c, byVerdict[c], v.Counts[c])
		}
	}
	byVerdict = map[inventory.Compliance]int{}
	for _, p := range inventory.Paths {
		n := 0
		for verdict, k := range r.ByPath[p] {
			n += k
			byVerdict[verdict] += k
		}
		if n != v.ByPath[p] {
			t.Errorf("%s: readiness counts %d, the assessment %d", p, n, v.ByPath[p])
		}
	}
	for _, c := range inventory.Compliances {
		if byVerdict[c] != v.Counts[c] {
			t.Errorf("%s: readiness counts %d by path, the assessment %d", c, byVerdict[c], v.Counts[c])
		}
	}
	privileged := 0
	for _, l := range r.PrivilegedOpen {
		if l.Has(inventory.Privileged) {
			privileged++
		}
	}
	if want := inventory.OpenCount(v.PrivilegedCounts); privileged != want {
		t.Errorf("privileged accounts open: readiness lists %d, the assessment counts %d", privileged, want)
	}
	if want := v.Counts[inventory.NonCompliant] + v.Counts[inventory.AtRisk]; want > 0 && !strings.HasPrefix(r.Headline(), "Not ready:") {
		t.Errorf("headline %q for a tenant with %d open accounts", r.Headline(), want)
	}
}
