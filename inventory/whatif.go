package inventory

import (
	"context"
	"strings"
	"time"
)

// Microsoft's What-If engine as a second opinion (issue 13 §2). Graph's
// POST /identity/conditionalAccess/evaluate answers, for one user and one
// imagined sign-in, which Conditional Access policies apply and what they
// grant. mfaboard asks it about a browser sign-in to all cloud apps and
// compares the answer with its own reading of the same policies: a policy
// one side applies and the other does not is a disagreement, flagged on the
// account, counted on the readiness page and written to the audit trail.

// WhatIfPermission names the Graph permission the evaluation needs; the
// least privileged is Policy.Read.ConditionalAccess, which Policy.Read.All
// includes.
const WhatIfPermission = "Policy.Read.All (or Policy.Read.ConditionalAccess)"

// WhatIfPolicy is one policy of Microsoft's answer (a whatIfAnalysisResult).
type WhatIfPolicy struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	State   string `json:"state"`
	Applies bool   `json:"applies"`
	// Reasons is analysisReasons as Graph wrote it: "notSet" when the
	// policy applies, else why not ("users", "application", ...).
	Reasons string `json:"reasons,omitempty"`
	// Grant is what the policy asks for: its built-in controls joined by
	// the operator, and the authentication strength by name.
	Grant string `json:"grant,omitempty"`
	// RequiresMFA says the grant names MFA or an authentication strength.
	RequiresMFA bool `json:"requiresMfa"`
}

// WhatIfDisagreement is one policy the two engines read differently.
type WhatIfDisagreement struct {
	PolicyID string `json:"policyId"`
	Policy   string `json:"policy"`
	// MicrosoftApplies is true when Microsoft applies a policy mfaboard says
	// does not cover the account, false for the reverse.
	MicrosoftApplies bool   `json:"microsoftApplies"`
	Text             string `json:"text"`
}

// WhatIfCheck is one question to Microsoft about one account and its answer,
// kept with its time.
type WhatIfCheck struct {
	TenantID, AccountID, UPN string
	At                       time.Time
	// Verdict is mfaboard's verdict of the account when Microsoft was asked.
	Verdict       Compliance
	EnforcedBy    []string
	Policies      []WhatIfPolicy
	Disagreements []WhatIfDisagreement
	ActorName     string // who asked, read back from the store
}

// Agrees reports whether the two engines read every policy alike.
func (c WhatIfCheck) Agrees() bool { return len(c.Disagreements) == 0 }

// WhatIfEvaluator asks Microsoft's What-If engine about a sign-in of one
// user to all cloud apps from a browser. graph.Client is one.
type WhatIfEvaluator interface {
	EvaluateSignIn(ctx context.Context, userID string) ([]WhatIfPolicy, error)
}

// CanAskMicrosoft says whether a may ask the What-If engine and record the
// answer: a security lead, or whoever runs the command line on the server
// (who holds the Graph credentials anyway).
func CanAskMicrosoft(a Actor) error {
	if a.System && a.ID == CLIActor.ID {
		return nil
	}
	return leadOnly(a, "ask Microsoft's What-If engine")
}

// CompareWhatIf sets Microsoft's answer for user u against mfaboard's
// reading of the synced policies. A disagreement is either
//   - Microsoft applies an enabled policy whose grant requires MFA, and
//     mfaboard says the policy does not include the account or excludes it;
//   - mfaboard says an enabled policy enforces MFA on the account and
//     Microsoft does not apply it (or no longer lists it).
//
// A policy mfaboard leaves out only for its apps, locations or conditions is
// not a disagreement: Microsoft judged one browser sign-in, mfaboard asks
// that every sign-in be covered. A policy Microsoft applies that the last
// sync did not read, with MFA in its grant, is a disagreement too.
func CompareWhatIf(s *Snapshot, d *Directory, u User, answer []WhatIfPolicy) []WhatIfDisagreement {
	acc := d.Account(u)
	byID := make(map[string]WhatIfPolicy, len(answer))
	for _, p := range answer {
		byID[strings.ToLower(p.ID)] = p
	}
	known := map[string]bool{}
	var out []WhatIfDisagreement
	for i := range s.Policies {
		p := &s.Policies[i]
		key := strings.ToLower(p.ID)
		known[key] = true
		r := compilePolicy(p, d)
		c := r.cover(&acc, true)
		ms, listed := byID[key]
		switch {
		case c.Covers && !(listed && ms.Applies):
			text := "mfaboard counts *" + r.name + "* as enforcing MFA on this account; "
			if listed {
				text += "Microsoft does not apply it (" + WhatIfReason(ms.Reasons) + ")"
			} else {
				text += "Microsoft's answer does not list it (changed or deleted since the last sync?)"
			}
			out = append(out, WhatIfDisagreement{PolicyID: p.ID, Policy: r.name, Text: text})
		case listed && ms.Applies && ms.RequiresMFA && strings.EqualFold(ms.State, "enabled") && r.mfaIntent && len(r.grant) == 0 && !c.Covers && assignmentCause(c):
			why := c.Reasons()
			if len(why) == 0 {
				why = []string{r.ref + " does not include this account"}
			}
			out = append(out, WhatIfDisagreement{PolicyID: p.ID, Policy: r.name, MicrosoftApplies: true,
				Text: "Microsoft applies *" + r.name + "* (" + ms.Grant + ") to this account; mfaboard says: " + strings.Join(why, "; ")})
		}
	}
	for _, ms := range answer {
		if known[strings.ToLower(ms.ID)] || !ms.Applies || !ms.RequiresMFA || !strings.EqualFold(ms.State, "enabled") {
			continue
		}
		name := ms.Name
		if name == "" {
			name = ms.ID
		}
		out = append(out, WhatIfDisagreement{PolicyID: ms.ID, Policy: name, MicrosoftApplies: true,
			Text: "Microsoft applies *" + name + "* (" + ms.Grant + ") to this account; the last sync did not read that policy: sync again"})
	}
	return out
}

// assignmentCause reports whether mfaboard leaves the policy out because of
// whom it names (not included, excluded), the part of a policy both engines
// judge the same way for any sign-in.
func assignmentCause(c Coverage) bool {
	if !c.Included {
		return true
	}
	for _, cause := range c.Causes {
		if cause.Kind == CauseExcluded || cause.Kind == CauseNotIncluded {
			return true
		}
	}
	return false
}

// WhatIfReason puts Graph's analysisReasons into words.
func WhatIfReason(r string) string {
	words := map[string]string{
		"users": "the account is not among the policy's users", "application": "the apps condition",
		"clientApps": "the client apps condition", "location": "the locations condition",
		"devicePlatform": "the device platform condition", "devices": "the device filter",
		"policyNotEnabled": "the policy is not enabled", "notEnoughInformation": "not enough information",
		"signInRisk": "the sign-in risk condition", "userRisk": "the user risk condition",
	}
	var parts []string
	for _, p := range strings.Split(r, ",") {
		p = strings.TrimSpace(p)
		if p == "" || p == "notSet" {
			continue
		}
		if w, ok := words[p]; ok {
			parts = append(parts, w)
		} else {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return "no reason given"
	}
	return "reason: " + strings.Join(parts, ", ")
}

// FindUser returns the user with this id from the snapshot.
func (s *Snapshot) FindUser(id string) (User, bool) {
	for _, u := range s.Users {
		if strings.EqualFold(u.ID, id) {
			return u, true
		}
	}
	return User{}, false
}
