package inventory

import (
	"strings"
	"time"
)

// DefaultWindow is how far back sign-in evidence counts when the settings
// name no window.
const DefaultWindow = 30 * 24 * time.Hour

// run is one assessment: everything that does not depend on the account is
// resolved once here, so each account costs look-ups, not searches.
type run struct {
	snap *Snapshot
	in   Inputs
	dir  *Directory
	kind TenantKind
	asOf time.Time
	win  window

	servicePatterns, roomPatterns, breakGlassPatterns patternSet
	breakGlass                                        map[string]bool
	roomGroups, agentGroups                           []int32
	rules                                             []*policyRule
	coverages                                         []Coverage // scratch, see notEnforced
	// notes are settings that could not be applied, for Unchecked.
	notes []string
}

func newRun(s *Snapshot, in Inputs) *run {
	r := &run{snap: s, in: in, dir: NewDirectory(s), kind: in.Settings.Kind, asOf: in.AsOf}
	if r.kind != KindCSP && r.kind != KindProduction {
		if r.kind != "" && r.kind != KindMixed {
			r.notes = append(r.notes, "tenant kind "+quote(string(r.kind))+" is not one of mixed, csp, production: assessed as mixed")
		}
		r.kind = KindMixed
	}
	if r.asOf.IsZero() {
		// A caller that names no moment means now; the rules themselves
		// never read the clock anywhere else.
		r.asOf = time.Now().UTC()
	}
	w := in.Settings.Window
	if w <= 0 {
		w = DefaultWindow
	}
	r.win = window{from: r.asOf.Add(-w), to: r.asOf}

	r.servicePatterns = compilePatterns(in.Settings.ServicePatterns)
	r.roomPatterns = compilePatterns(in.Settings.RoomPatterns)
	r.breakGlassPatterns = compilePatterns(in.Settings.BreakGlassPatterns)
	r.breakGlass = make(map[string]bool, len(in.Settings.BreakGlassAccounts))
	for _, b := range in.Settings.BreakGlassAccounts {
		r.breakGlass[strings.ToLower(strings.TrimSpace(b))] = true
	}
	for _, name := range in.Settings.RoomDeviceGroups {
		found := r.dir.groups.byName(name)
		if i := r.dir.groups.lookup(name); i >= 0 {
			found = append(found, i)
		}
		if len(found) == 0 {
			r.notes = append(r.notes, "room-device group "+quote(name)+" was not found among the tenant's groups")
		}
		r.roomGroups = append(r.roomGroups, found...)
	}
	for _, name := range PartnerAgentGroups {
		r.agentGroups = append(r.agentGroups, r.dir.groups.byName(name)...)
	}
	for i := range s.Policies {
		r.rules = append(r.rules, compilePolicy(&s.Policies[i], r.dir))
	}
	return r
}

func (r *run) windowDays() int {
	return int(r.win.to.Sub(r.win.from).Hours()/24 + 0.5)
}

// Assess applies DOMAIN.md to every account of the snapshot. It never fails
// and never panics on odd data: what cannot be checked is said in words.
func Assess(s *Snapshot, in Inputs) Result {
	if s == nil {
		s = &Snapshot{Present: map[string]bool{}}
	}
	r := newRun(s, in)
	res := Result{Accounts: make([]Assessment, len(s.Users))}
	t := newTally(r)
	for i := range s.Users {
		u := &s.Users[i]
		acc := r.dir.Account(*u)
		a, covs := r.assess(u, &acc)
		res.Accounts[i] = a
		t.add(&res.Accounts[i], covs)
	}
	res.Tenant = t.verdict()
	return res
}

// assess decides one account. The coverages are returned, with their
// causes, only for an account nothing enforces MFA on: they feed the
// tenant's gaps.
func (r *run) assess(u *User, acc *Account) (Assessment, []Coverage) {
	nw := wordsOf(u)
	ev := evidenceOf(r.snap.SignIns[u.ID], r.win)
	reg, hasReg := r.snap.Registrations[u.ID]
	var regp *Registration
	if hasReg {
		regp = &reg
	}

	a := Assessment{UserID: u.ID, UserPrincipalName: u.UserPrincipalName, DisplayName: u.DisplayName}
	a.Category, a.AutoCategory, a.CategoryReason, a.CategoryOverride = r.category(u, acc, nw, &ev)
	m := r.markers(u, acc, regp, nw, &ev)
	a.Markers, a.MarkerReasons = m.list, m.reasons
	a.Path, a.AutoPath, a.PathReason, a.PathOverride = r.path(u, a.Category, &m, &ev)
	a.Dated = datedFor(a.Path, &m, &ev)

	if !u.AccountEnabled {
		a.Compliance = NotApplicable
		a.Reasons = []string{"account is disabled: listed, not counted"}
		return a, nil
	}
	v := r.verdict(u, acc, regp, &m, &ev)
	a.Compliance, a.EnforcedBy, a.RiskBased, a.Reasons = v.compliance, v.enforcedBy, v.riskBased, v.reasons
	r.except(u, &a)
	if a.Compliance == NonCompliant {
		return a, v.coverages
	}
	return a, nil
}

// except applies an approved, unexpired technical exception, keeping what
// the verdict would have been in the first reason.
func (r *run) except(u *User, a *Assessment) {
	e, ok := r.in.Exceptions[u.ID]
	if !ok || !e.Granted {
		return
	}
	switch {
	case e.Expiry.IsZero():
		a.Reasons = append(a.Reasons, "a technical exception was granted without an expiry date: not counted")
		return
	case !e.Expiry.After(r.asOf):
		a.Reasons = append(a.Reasons, "the technical exception expired on "+e.Expiry.UTC().Format("2 Jan 2006"))
		return
	}
	would := "approved technical exception until " + e.Expiry.UTC().Format("2 Jan 2006") +
		"; without it the verdict would be " + a.Compliance.Label()
	a.Compliance = Excepted
	a.Reasons = append([]string{would}, a.Reasons...)
}
