package inventory

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"
)

// SAMState says whether an integration looks like the Secure Application
// Model: its app + user sign-ins to Partner Center carry MFA.
type SAMState string

const (
	SAMYes     SAMState = "sam"        // every successful sign-in in the window carried MFA
	SAMNo      SAMState = "not_sam"    // at least one went without MFA, or was refused for lack of it
	SAMUnknown SAMState = "no_sign_in" // no sign-in in the window: nothing to judge by
)

var samLabels = map[SAMState]string{
	SAMYes:     "Secure Application Model",
	SAMNo:      "Not the Secure Application Model",
	SAMUnknown: "No sign-ins in the window",
}

// Label returns the words the page shows.
func (s SAMState) Label() string { return label(samLabels, s) }

// Integration is one app + user integration with Partner Center: a service
// principal holding a delegated grant to the Partner Center API, or an app
// seen calling it in the sign-in logs.
type Integration struct {
	App      ServicePrincipal // AppID and DisplayName at least; ID "" when only seen in sign-ins
	Scopes   []string         // the delegated scopes granted on Partner Center
	Consents []Consent
	Users    []IntegrationUser // who signed in through it, latest first
	State    SAMState
	Why      string // the state in words
}

// Consent is who consented to a grant.
type Consent struct {
	Admin  bool   // AllPrincipals: an administrator, for every user
	UserID string // the consenting user for a Principal grant
}

// IntegrationUser is one account's sign-ins to Partner Center through one
// app (or the portal) within the window.
type IntegrationUser struct {
	UserID       string
	LastSignIn   time.Time
	LastClient   string
	MFA          int // successful sign-ins with MFA
	SingleFactor int // successful sign-ins without MFA
	Refused      int // failed with error 900421
	Failed       int // failed for any other reason
}

// PartnerView is what the Integrations page shows for a tenant.
type PartnerView struct {
	// Resource is the Partner Center service principal; nil when the
	// tenant has none (or service principals were not read).
	Resource     *ServicePrincipal
	Integrations []Integration
	Portal       []IntegrationUser // people signing in to the portal
	// Unread names the collections that were not read, so the page can
	// say what it could not check.
	Unread []string
}

// PartnerIntegrations builds the Integrations page's view from a snapshot:
// the grants to the Partner Center API, and the Partner Center sign-ins
// within win (from, to].
func PartnerIntegrations(s *Snapshot, from, to time.Time) PartnerView {
	var v PartnerView
	for _, c := range []string{CollServicePrincipals, CollPermissionGrants, CollSignIns} {
		if !s.Present[c] {
			v.Unread = append(v.Unread, c)
		}
	}
	byID := make(map[string]*ServicePrincipal, len(s.ServicePrincipals))
	byAppID := make(map[string]*ServicePrincipal, len(s.ServicePrincipals))
	for i := range s.ServicePrincipals {
		sp := &s.ServicePrincipals[i]
		byID[sp.ID] = sp
		byAppID[strings.ToLower(sp.AppID)] = sp
		if strings.EqualFold(sp.AppID, PartnerCenterAppID) {
			v.Resource = sp
		}
	}
	index := map[string]int{} // by lower-case app id
	integration := func(appID, name string) *Integration {
		k := strings.ToLower(appID)
		if k == "" {
			k = "name:" + strings.ToLower(name)
		}
		if i, ok := index[k]; ok {
			return &v.Integrations[i]
		}
		app := ServicePrincipal{AppID: appID, DisplayName: name}
		if sp := byAppID[strings.ToLower(appID)]; sp != nil && appID != "" {
			app = *sp
		}
		index[k] = len(v.Integrations)
		v.Integrations = append(v.Integrations, Integration{App: app})
		return &v.Integrations[len(v.Integrations)-1]
	}
	if v.Resource != nil {
		for _, g := range s.PermissionGrants {
			if g.ResourceID != v.Resource.ID {
				continue
			}
			client := byID[g.ClientID]
			if client == nil {
				client = &ServicePrincipal{ID: g.ClientID, DisplayName: "service principal " + g.ClientID}
			}
			in := integration(client.AppID, client.DisplayName)
			if in.App.ID == "" {
				in.App = *client
			}
			for _, sc := range strings.Fields(g.Scope) {
				if !slices.Contains(in.Scopes, sc) {
					in.Scopes = append(in.Scopes, sc)
				}
			}
			in.Consents = append(in.Consents, Consent{Admin: g.AdminConsent(), UserID: g.PrincipalID})
		}
	}
	w := window{from: from, to: to}
	for _, uid := range slices.Sorted(maps.Keys(s.PartnerSignIns)) {
		for _, p := range s.PartnerSignIns[uid] {
			f := SignInFold{Day: p.Day, First: p.First, Last: p.Last}
			if !w.overlaps(&f) {
				continue
			}
			if p.Portal {
				v.Portal = addIntegrationUse(v.Portal, uid, p, w.when(&f))
				continue
			}
			in := integration(p.AppID, p.App)
			in.Users = addIntegrationUse(in.Users, uid, p, w.when(&f))
		}
	}
	for i := range v.Integrations {
		in := &v.Integrations[i]
		sortUses(in.Users)
		in.State, in.Why = samStateOf(in.Users)
	}
	sortUses(v.Portal)
	// The integrations that break first: not SAM, then unknown, then SAM.
	rank := map[SAMState]int{SAMNo: 0, SAMUnknown: 1, SAMYes: 2}
	slices.SortStableFunc(v.Integrations, func(a, b Integration) int {
		return cmp.Or(cmp.Compare(rank[a.State], rank[b.State]),
			cmp.Compare(strings.ToLower(a.App.DisplayName), strings.ToLower(b.App.DisplayName)))
	})
	return v
}

func addIntegrationUse(list []IntegrationUser, uid string, p PartnerSignIn, at time.Time) []IntegrationUser {
	i := slices.IndexFunc(list, func(u IntegrationUser) bool { return u.UserID == uid })
	if i < 0 {
		list = append(list, IntegrationUser{UserID: uid})
		i = len(list) - 1
	}
	u := &list[i]
	n := max(p.Count, 1)
	switch {
	case p.Success() && p.MFA():
		u.MFA += n
	case p.Success():
		u.SingleFactor += n
	case p.ErrorCode == ErrPartnerCenterNoMFA:
		u.Refused += n
	default:
		u.Failed += n
	}
	if at.After(u.LastSignIn) {
		u.LastSignIn, u.LastClient = at, p.ClientAppUsed
	}
	return list
}

func sortUses(list []IntegrationUser) {
	slices.SortStableFunc(list, func(a, b IntegrationUser) int { return b.LastSignIn.Compare(a.LastSignIn) })
}

// samStateOf judges an integration by its sign-ins: one without MFA, or one
// refused for lack of it, is enough to say it is not the Secure
// Application Model.
func samStateOf(users []IntegrationUser) (SAMState, string) {
	var mfa, single, refused int
	for _, u := range users {
		mfa, single, refused = mfa+u.MFA, single+u.SingleFactor, refused+u.Refused
	}
	switch {
	case single > 0 || refused > 0:
		return SAMNo, plural(single, "sign-in") + " without MFA and " + plural(refused, "refusal") +
			" (error 900421) in the window: Partner Center refuses app + user calls without MFA since 2026-04-01"
	case mfa > 0:
		return SAMYes, "every sign-in in the window carried MFA (" + plural(mfa, "sign-in") + ")"
	}
	return SAMUnknown, "no sign-in through it in the window: whether it carries MFA is not known"
}
