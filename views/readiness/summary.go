package readiness

import (
	"fmt"
	"strings"

	"github.com/mfaboard/mfaboard/inventory"
)

// Summary is the report in a few lines, for a chat message and the body of
// the e-mail: the verdict, the figures, the privileged accounts and when the
// tenant will be ready.
type Summary struct {
	Title    string   // "MFA readiness of Contoso Partners"
	Headline string   // the verdict in one line
	Ready    bool     // the tenant is ready
	Lines    []string // one figure or fact per line
}

// Summary is m in a few lines.
func (m Report) Summary() Summary {
	r := m.Readiness
	s := Summary{Title: "MFA readiness of " + m.Name, Headline: m.Headline, Ready: m.Ready()}
	parts := make([]string, len(m.Shares))
	for i, sh := range m.Shares {
		parts[i] = fmt.Sprintf("%s %d (%s)", sh.Verdict.Label(), sh.Count, sh.Percent)
	}
	s.Lines = append(s.Lines, fmt.Sprintf("%s of %d applicable accounts.", strings.Join(parts, ", "),
		inventory.ApplicableCount(r.Tenant.Counts)))
	if priv := r.Tenant.PrivilegedCounts; inventory.ApplicableCount(priv) > 0 {
		s.Lines = append(s.Lines, fmt.Sprintf("Privileged accounts: %d of %d still non-compliant or at risk.",
			inventory.OpenCount(priv), inventory.ApplicableCount(priv)))
	}
	if m.When != "" {
		s.Lines = append(s.Lines, m.When)
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
	return strings.Join(strings.Fields(s.Title+": "+s.Headline), " ")
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
