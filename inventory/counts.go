package inventory

import "slices"

// What counts where: the one definition of the tenant's figures. The
// assessment counts with it, and so does the store when it reads its
// verdicts back; where the store counts in SQL instead, a table test
// proves the SQL and these rules agree.

// OpenVerdicts are the verdicts that keep a tenant from being ready
// (DOMAIN.md §3).
var OpenVerdicts = []Compliance{NonCompliant, AtRisk}

// applicable are the verdicts of enabled accounts, in display order.
var applicable = []Compliance{NonCompliant, AtRisk, Excepted, Compliant}

// Open reports whether verdict c keeps the tenant from being ready.
func (c Compliance) Open() bool { return slices.Contains(OpenVerdicts, c) }

// OpenCount is how many accounts are non-compliant or at risk: the accounts
// that keep the tenant from being ready.
func OpenCount(counts map[Compliance]int) int {
	n := 0
	for _, c := range OpenVerdicts {
		n += counts[c]
	}
	return n
}

// ApplicableCount is how many accounts are enabled (every verdict but
// not_applicable).
func ApplicableCount(counts map[Compliance]int) int {
	n := 0
	for _, c := range applicable {
		n += counts[c]
	}
	return n
}

// Ready reports whether accounts counted per verdict leave the tenant (or
// its privileged accounts) ready: none of them is non-compliant or at risk.
func Ready(counts map[Compliance]int) bool { return OpenCount(counts) == 0 }

// PrivilegedMarkers mark the accounts that hold the keys to the tenant:
// the board ranks them first, and the readiness report lists those still
// open one by one. An account that signs in to Partner Center without MFA
// ranks with them: since 2026-04-01 its integration or its person is
// refused there (DOMAIN.md §6).
var PrivilegedMarkers = []Marker{Privileged, BreakGlass, PartnerCenterNoMFA}

// IsPrivilegedOpen reports whether an account with these markers and
// verdict c is a privileged or break-glass account still open: one the
// readiness report lists by name.
func IsPrivilegedOpen(markers []Marker, c Compliance) bool {
	return c.Open() && HasPrivilegedMarker(markers)
}

// HasPrivilegedMarker reports whether an account with these markers ranks
// with the privileged: first on the board and in the plan.
func HasPrivilegedMarker(markers []Marker) bool {
	return slices.ContainsFunc(markers, func(m Marker) bool { return slices.Contains(PrivilegedMarkers, m) })
}

// NewTenantVerdict is tenant tenantID's verdict before any account is
// counted: every known verdict, category, path and marker at zero, and the
// privileged accounts ready (none is open yet).
func NewTenantVerdict(tenantID string) TenantVerdict {
	v := TenantVerdict{TenantID: tenantID, Counts: map[Compliance]int{}, ByCategory: map[Category]int{},
		ByPath: map[Path]int{}, ByMarker: map[Marker]int{}, PrivilegedCounts: map[Compliance]int{}, PrivilegedReady: true}
	for _, c := range Compliances {
		v.Counts[c], v.PrivilegedCounts[c] = 0, 0
	}
	for _, c := range Categories {
		v.ByCategory[c] = 0
	}
	for _, p := range Paths {
		v.ByPath[p] = 0
	}
	for _, m := range Markers {
		v.ByMarker[m] = 0
	}
	return v
}

// Count adds n accounts alike to v: each under its verdict, its category,
// its path and every marker it carries. The privileged ones (the Privileged
// marker: the administrative users Partner Center checks each year,
// DOMAIN.md §6) are counted apart as well, and one of them still open
// means the privileged accounts are not ready. Ready itself is the
// caller's to set (Ready(v.Counts)), once every account is counted.
func (v *TenantVerdict) Count(c Compliance, cat Category, p Path, markers []Marker, n int) {
	if n <= 0 {
		return
	}
	v.Counts[c] += n
	v.ByCategory[cat] += n
	v.ByPath[p] += n
	for _, m := range markers {
		v.ByMarker[m] += n
	}
	if slices.Contains(markers, Privileged) {
		v.PrivilegedCounts[c] += n
		if c.Open() {
			v.PrivilegedReady = false
		}
	}
}
