package views

import (
	"net/url"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views/readiness"
)

// ReadinessPage is the readiness view (issue 5): is the tenant ready for
// enforcement, and when will it be. Its words and figures are the
// readiness.Report the PDF, the XLSX and the e-mail show too; the page adds
// links, its own caps on the lists and the chart's SVG units.
type ReadinessPage struct {
	Page
	Report readiness.Report
	// CanSetDeadline shows the deadline form (security leads); Saved says
	// the deadline was just changed.
	CanSetDeadline, DeadlineSaved bool
	// Lost and Gained count the accounts the last sync found had lost or
	// gained coverage since the one before (changes_models.go).
	Lost, Gained int
}

// The page's lists are capped; the rest are a link away, and the PDF and
// the XLSX have them all.
const (
	privilegedShown = 25 // open privileged accounts, worst first
	gapsShown       = 10 // policy gaps, worst first
	exceptionsShown = 50 // exceptions, those without an expiry and the soonest first
)

// AsOf is when the figures were assessed, in words.
func (v ReadinessPage) AsOf() string { return DateTime(v.Report.Readiness.Tenant.AsOf) }

// Deadline is the enforcement deadline in words, "" when none is set.
func (v ReadinessPage) Deadline() string { return readiness.Day(v.Report.Readiness.Deadline) }

// DeadlineISO is the deadline as 2006-01-02, for the date input.
func (v ReadinessPage) DeadlineISO() string {
	if d := v.Report.Readiness.Deadline; !d.IsZero() {
		return d.Format(time.DateOnly)
	}
	return ""
}

// tenantQuery keeps links in the tenant shown.
func (v ReadinessPage) tenantQuery() string { return "?tenant=" + url.QueryEscape(v.TenantID) }

// PDFHref, XLSXHref and CSVHref are the exports of the tenant shown.
func (v ReadinessPage) PDFHref() string  { return "/readiness/report.pdf" + v.tenantQuery() }
func (v ReadinessPage) XLSXHref() string { return "/readiness/report.xlsx" + v.tenantQuery() }
func (v ReadinessPage) CSVHref() string  { return "/accounts.csv" + v.tenantQuery() }

// PrivilegedHref lists every privileged account.
func (v ReadinessPage) PrivilegedHref() string {
	return "/accounts" + v.tenantQuery() + "&marker=" + string(inventory.Privileged)
}

// ShareHref lists the accounts of a verdict.
func (v ReadinessPage) ShareHref(c inventory.Compliance) string {
	return "/accounts" + v.tenantQuery() + "&compliance=" + string(c)
}

// AccountHref is an account's page.
func (v ReadinessPage) AccountHref(id string) string {
	return "/accounts/" + url.PathEscape(id) + v.tenantQuery()
}

// Privileged are the open privileged accounts the page lists;
// PrivilegedMore how many more there are.
func (v ReadinessPage) Privileged() []readiness.OpenAccount {
	return firstOf(v.Report.Privileged, privilegedShown)
}
func (v ReadinessPage) PrivilegedMore() int { return max(0, len(v.Report.Privileged)-privilegedShown) }

// Gaps are the policy gaps the page lists.
func (v ReadinessPage) Gaps() []readiness.Gap { return firstOf(v.Report.Gaps, gapsShown) }

// Exceptions are the exceptions the page lists; ExceptionsMore how many
// more there are.
func (v ReadinessPage) Exceptions() []readiness.Exception {
	return firstOf(v.Report.Exceptions, exceptionsShown)
}
func (v ReadinessPage) ExceptionsMore() int { return max(0, len(v.Report.Exceptions)-exceptionsShown) }

func firstOf[T any](list []T, n int) []T { return list[:min(len(list), n)] }

// accountsWord is "1 account", "12 accounts".
func accountsWord(n int) string {
	if n == 1 {
		return "1 account"
	}
	return Itoa(n) + " accounts"
}
