package report

import (
	"strings"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views/readiness"
)

// Accounts yields the accounts of a list one at a time and stops at the
// first error yield returns: how a store streams 100,000 rows without
// holding them.
type Accounts = func(yield func(inventory.AccountLine) error) error

// accountColumn is one column of the account list, the same in the CSV and
// the XLSX's Accounts sheet.
type accountColumn struct {
	title string
	width float64 // in the XLSX, in characters
	date  bool
}

var accountColumns = []accountColumn{
	{title: "ID", width: 38},
	{title: "User principal name", width: 38},
	{title: "Display name", width: 28},
	{title: "Category", width: 16},
	{title: "Markers", width: 24},
	{title: "Path", width: 26},
	{title: "Compliance", width: 14},
	{title: "Enforced by", width: 34},
	{title: "Reasons", width: 70},
	{title: "Status", width: 18},
	{title: "Assignee", width: 22},
	{title: "Due date", width: 12, date: true},
	{title: "Exception expiry", width: 16, date: true},
}

// accountText is an account's text columns, in the order of
// accountColumns without the two dates that end it.
func accountText(a inventory.AccountLine) [11]string {
	return [11]string{
		a.ID,
		a.UserPrincipalName,
		a.DisplayName,
		a.Category.Label(),
		readiness.MarkerWords(a.Markers),
		a.Path.Label(),
		a.Compliance.Label(),
		strings.Join(a.EnforcedBy, "; "),
		strings.Join(a.Reasons, "; "),
		readiness.StatusWords(a.Status),
		a.Assignee,
	}
}

// accountDates are the two date columns that end the row.
func accountDates(a inventory.AccountLine) [2]time.Time {
	return [2]time.Time{a.DueDate, a.ExceptionExpiry}
}
