package views

import "time"

// WhatIfPanel is Microsoft's What-If answer about an account beside
// mfaboard's verdict, on the account page.
type WhatIfPanel struct {
	AccountID, TenantID string
	// CanAsk shows the button (a security lead); Unavailable, when set, is
	// the sentence shown instead of it (Graph is not configured).
	CanAsk      bool
	Unavailable string
	// Asked is false until someone asked; the rest is the newest answer.
	Asked          bool
	At             time.Time
	By             string
	VerdictLabel   string // mfaboard's verdict when Microsoft was asked
	Verdict        string // its value, for the tone
	EnforcedBy     []string
	Applied        []WhatIfLine
	NotApplied     []WhatIfLine
	Disagreements  []string
	CurrentVerdict string // the verdict now, to say when it changed since
}

// WhatIfLine is one policy of Microsoft's answer.
type WhatIfLine struct {
	Policy, Grant, Why string
	RequiresMFA        bool
}

// WhatIfCount is the readiness page's line about Microsoft's second opinion.
type WhatIfCount struct {
	Disagree, Asked int
	AuditHref       string // the what-if events of the tenant
}

func (p WhatIfPanel) notAppliedLine() string {
	if len(p.NotApplied) == 1 {
		return "1 policy does not apply"
	}
	return Itoa(len(p.NotApplied)) + " policies do not apply"
}
