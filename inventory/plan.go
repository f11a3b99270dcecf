package inventory

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// The remediation plan (issue 11, "What to fix first"): the tenant's open
// accounts (non-compliant or at risk) turned into a ranked list of fixes.
// Each fix is one change a person can make (remove a group from a policy's
// exclusions, switch a policy on, run a registration campaign, move tools off
// user credentials, ...). How many accounts a fix resolves is never an
// estimate: the rules assess the accounts it touches again, on a copy of the
// snapshot with the change applied (plan_change.go).

// FixKind says what kind of change a fix is.
type FixKind string

const (
	// FixRemoveExclusion: remove a group, role, guests or named accounts
	// from an otherwise sound policy's exclusions.
	FixRemoveExclusion FixKind = "remove_exclusion"
	// FixRepairPolicy: make a policy that means to require MFA count:
	// switch it on (report-only, disabled), widen its apps, drop its
	// location and other narrowing conditions, make its grant require MFA.
	FixRepairPolicy FixKind = "repair_policy"
	// FixNewPolicy: accounts no MFA policy includes at all.
	FixNewPolicy FixKind = "new_policy"
	// FixRegistration: a registration campaign for people not (fully)
	// registered for MFA.
	FixRegistration FixKind = "registration_campaign"
	// FixSingleFactor: people whose sign-ins went through without MFA.
	FixSingleFactor FixKind = "stop_single_factor"
	// FixSecureApp: service accounts that leave user credentials for an
	// app registration (Secure Application Model, app-only OAuth,
	// Entra Connect application-based authentication).
	FixSecureApp FixKind = "secure_app_model"
	// FixAppPassword: devices that send mail over SMTP AUTH.
	FixAppPassword FixKind = "app_password"
	// FixTenantSplit: room devices that move to a production tenant.
	FixTenantSplit FixKind = "tenant_split"
	// FixException: room devices that get a technical exception.
	FixException FixKind = "technical_exception"
	// FixReview: open accounts no other fix explains.
	FixReview FixKind = "review"
)

// Fix is one change a person can make, with the accounts it touches and
// what it would resolve.
type Fix struct {
	ID     string // stable across syncs while its target stays
	Kind   FixKind
	Title  string // names set off with asterisks, as in every reason
	Target FixTarget
	// Accounts are the open accounts the fix touches, most urgent first.
	Accounts []FixAccount
	// Resolves counts the Accounts the fix alone takes out of the open
	// verdicts, by assessing them again with the change applied;
	// PrivilegedResolved those of them that are privileged.
	Resolves, PrivilegedResolved int
	Privileged                   int // privileged Accounts, resolved or not
	Docs                         string
	// Also names the other policies with the same exclusion of the same
	// accounts: removing it there resolves no more than here.
	Also []FixRef
}

// FixTarget is the policy or group a fix changes, when it changes one.
type FixTarget struct {
	Policy *FixRef `json:"policy,omitempty"`
	Group  *FixRef `json:"group,omitempty"`
}

// FixRef names a policy or group with its page in the Entra admin center.
type FixRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// FixAccount is one open account a fix touches.
type FixAccount struct {
	ID          string
	UPN         string
	DisplayName string
	Compliance  Compliance // the verdict now
	After       Compliance // the verdict with the fix alone made
	Privileged  bool       // any of PrivilegedMarkers: privileged, break-glass, Partner Center without MFA
	Resolved    bool
}

// Plan is the ranked list of fixes for a tenant.
type Plan struct {
	AsOf  time.Time
	Open  int // open accounts (non-compliant or at risk)
	Fixes []Fix
}

func accountSet(as []FixAccount) string {
	ids := make([]string, len(as))
	for i, a := range as {
		ids[i] = a.ID
	}
	slices.Sort(ids)
	return strings.Join(ids, "\x00")
}

// IsOpen reports whether a verdict is still work to do (DOMAIN.md §3: the
// tenant is ready when no applicable account is non-compliant or at risk).
func IsOpen(c Compliance) bool { return c == NonCompliant || c == AtRisk }

// PlanFixes builds the plan of a tenant from its snapshot, the inputs it was
// assessed with and that assessment (res.Accounts in the order of s.Users).
// Every open account appears in at least one fix. Fixes are ranked by the
// privileged accounts they resolve, then the accounts they resolve, then the
// accounts they touch.
func PlanFixes(s *Snapshot, in Inputs, res Result) Plan {
	p := Plan{AsOf: in.AsOf}
	if s == nil || len(res.Accounts) != len(s.Users) {
		return p
	}
	if p.AsOf.IsZero() {
		p.AsOf = res.Tenant.AsOf
	}
	in.AsOf = p.AsOf
	var open []int
	for i := range res.Accounts {
		if IsOpen(res.Accounts[i].Compliance) {
			open = append(open, i)
		}
	}
	p.Open = len(open)
	memberOf := directGroups(s)
	cands := findFixes(s, in, res, open, memberOf)
	p.Fixes = make([]Fix, 0, len(cands))
	alike := map[string]int{} // same exclusion, same accounts → index in p.Fixes
	for _, c := range cands {
		fix := c.counterfactual(s, in, res, memberOf)
		if c.same == "" {
			p.Fixes = append(p.Fixes, fix)
			continue
		}
		key := c.same + "|" + accountSet(fix.Accounts)
		j, seen := alike[key]
		if !seen {
			alike[key] = len(p.Fixes)
			p.Fixes = append(p.Fixes, fix)
			continue
		}
		kept := &p.Fixes[j]
		if fix.PrivilegedResolved > kept.PrivilegedResolved || (fix.PrivilegedResolved == kept.PrivilegedResolved && fix.Resolves > kept.Resolves) {
			fix.Also, kept.Also = kept.Also, nil
			fix.Also = append(fix.Also, *p.Fixes[j].Target.Policy)
			*kept = fix
			continue
		}
		kept.Also = append(kept.Also, *fix.Target.Policy)
	}
	slices.SortStableFunc(p.Fixes, func(a, b Fix) int {
		return cmp.Or(
			cmp.Compare(b.PrivilegedResolved, a.PrivilegedResolved),
			cmp.Compare(b.Resolves, a.Resolves),
			cmp.Compare(b.Privileged, a.Privileged),
			cmp.Compare(len(b.Accounts), len(a.Accounts)),
			cmp.Compare(a.ID, b.ID),
		)
	})
	return p
}
