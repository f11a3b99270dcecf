package pg

import (
	"slices"

	"github.com/mfaboard/mfaboard/inventory"
)

// The rules of package inventory that the store must apply in SQL, because
// they select or count rows a page never reads one by one. Each is built
// from the Go rule's own values, and rules_agree_test.go runs both on the
// same rows to prove they agree.

// overdueSQL keeps the cards (c) that inventory.Overdue finds late, given
// the start of today (inventory.Today) as the parameter $?.
var overdueSQL = `c.due_date < $?::date AND c.status = ANY(` + sqlArray(openWork()) + `)`

// openWork are the statuses of inventory.Status.OpenWork.
func openWork() []inventory.Status {
	return slices.DeleteFunc(slices.Clone(inventory.Statuses), func(s inventory.Status) bool { return !s.OpenWork() })
}

// privilegedOpenSQL keeps the cards (c) that inventory.IsPrivilegedOpen
// finds: Readiness lists them one by one, and counts the others by group.
// (markers <> '{}' lets the index cards_markers serve it.)
var privilegedOpenSQL = `(c.markers <> '{}' AND c.markers && ` + sqlArray(inventory.PrivilegedMarkers) +
	` AND c.compliance = ANY(` + sqlArray(inventory.OpenVerdicts) + `))`
