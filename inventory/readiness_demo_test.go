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
	crossTabAgrees(t, "category", inventory.Categories, r.ByCategory, v.ByCategory, v.Counts)
	crossTabAgrees(t, "path", inventory.Paths, r.ByPath, v.ByPath, v.Counts)
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

// crossTabAgrees checks one of the readiness cross-tabulations (by category
// or by path, then verdict) against the assessment: each key's row adds up
// to the assessment's count of that key, and each verdict's column to the
// tenant's count of that verdict.
func crossTabAgrees[K ~string](t *testing.T, by string, keys []K, tab map[K]map[inventory.Compliance]int, want map[K]int, counts map[inventory.Compliance]int) {
	t.Helper()
	byVerdict := map[inventory.Compliance]int{}
	for _, key := range keys {
		n := 0
		for verdict, k := range tab[key] {
			n += k
			byVerdict[verdict] += k
		}
		if n != want[key] {
			t.Errorf("%s: readiness counts %d, the assessment %d", key, n, want[key])
		}
	}
	for _, c := range inventory.Compliances {
		if byVerdict[c] != counts[c] {
			t.Errorf("%s: readiness counts %d by %s, the assessment %d", c, byVerdict[c], by, counts[c])
		}
	}
}
