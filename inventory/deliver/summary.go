package deliver

import (
	"fmt"
	"strings"

	"github.com/mfaboard/mfaboard/inventory"
)

// Summary is the report in a few lines, for a chat message and the body of
// the e-mail: the verdict, the figures, the privileged accounts and when
// the tenant will be ready. The same figures as the PDF, from the same
// Readiness.
type Summary struct {
	Title    string   // "MFA readiness of Contoso Partners"
	Headline string   // inventory.Readiness.Headline
	Ready    bool     // the tenant is ready
	Lines    []string // one figure or fact per line
}

// Summarise builds the summary of r.
func Summarise(r *inventory.Readiness) Summary {
	name := r.Tenant.DisplayName
	if name == "" {
		name = r.Tenant.TenantID
	}
	s := Summary{Title: "MFA readiness of " + name, Headline: r.Headline(), Ready: inventory.OpenCount(r.Tenant.Counts) == 0 && inventory.ApplicableCount(r.Tenant.Counts) > 0}
	counts := r.Tenant.Counts
	shares := inventory.Shares(counts)
	applicable := inventory.ApplicableCount(counts)
	var parts []string
	for _, c := range []inventory.Compliance{inventory.Compliant, inventory.AtRisk, inventory.NonCompliant, inventory.Excepted} {
		parts = append(parts, fmt.Sprintf("%s %d (%.1f%%)", c.Label(), counts[c], shares[c]))
	}
	s.Lines = append(s.Lines, fmt.Sprintf("%s of %d applicable accounts.", strings.Join(parts, ", "), applicable))
	if priv := r.Tenant.PrivilegedCounts; inventory.ApplicableCount(priv) > 0 {
		s.Lines = append(s.Lines, fmt.Sprintf("Privileged accounts: %d of %d still non-compliant or at risk.",
			inventory.OpenCount(priv), inventory.ApplicableCount(priv)))
	}
	if r.Projection.Note != "" {
		s.Lines = append(s.Lines, r.Projection.Note)
	}
	if !r.Deadline.IsZero() {
		s.Lines = append(s.Lines, "Enforcement deadline: "+r.Deadline.Format("Monday 2 January 2006")+".")
	}
	if n := len(r.Exceptions); n > 0 {
		s.Lines = append(s.Lines, fmt.Sprintf("Technical exceptions in the register: %d.", n))
	}
	s.Lines = append(s.Lines, "As of "+r.GeneratedAt.UTC().Format("2 Jan 2006 15:04 UTC")+".")
	return s
}

// Subject is the e-mail subject: the tenant and the verdict in one line.
func (s Summary) Subject() string {
	return oneLine(s.Title + ": " + s.Headline)
}

// Text is the summary as plain text.
func (s Summary) Text() string {
	var b strings.Builder
	b.WriteString(s.Headline + "\n\n")
	for _, l := range s.Lines {
		b.WriteString(l + "\n")
	}
	return b.String()
}

// oneLine keeps a header value on one line whatever a tenant's name holds.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
