package inventory

import (
	"cmp"
	"fmt"
	"strings"
	"time"
)

// Partner Center evidence (issue 13 §3, DOMAIN.md §6): since 2026-04-01
// app + user calls to the Partner Center API need the MFA claim (error
// 900421 without it), and the Partner Agreement asks MFA of every person
// who signs in to the portal.

// PartnerCenterAppID is the well-known application id of the Partner Center
// API ("Microsoft Partner Center", resource https://api.partnercenter.microsoft.com):
// the resource of an integration's sign-ins, and the application of a
// person's sign-in to the portal.
const PartnerCenterAppID = "fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd"

// PartnerCenterName is the display name Entra gives the Partner Center API;
// a sign-in or service principal whose id is missing is matched by it.
const PartnerCenterName = "Microsoft Partner Center"

// ErrPartnerCenterNoMFA is the error code of a Partner Center sign-in
// refused for lack of the MFA claim.
const ErrPartnerCenterNoMFA = 900421

// ServicePrincipal is one object of /servicePrincipals (id, appId and names
// only: what the Integrations page shows).
type ServicePrincipal struct {
	ID                     string
	AppID                  string
	DisplayName            string
	PublisherName          string
	AppOwnerOrganizationID string
}

// PermissionGrant is one delegated permission grant of
// /oauth2PermissionGrants: ClientID and ResourceID are service principal
// object ids; ConsentType "AllPrincipals" is an admin's consent for every
// user, "Principal" one user's consent (PrincipalID).
type PermissionGrant struct {
	ID          string
	ClientID    string
	ResourceID  string
	ConsentType string
	PrincipalID string
	Scope       string
}

// AdminConsent reports whether an administrator consented for everyone.
func (g PermissionGrant) AdminConsent() bool {
	return strings.EqualFold(g.ConsentType, "AllPrincipals")
}

// PartnerSignIn folds one account's sign-ins to Partner Center that share a
// UTC day, the client application, the surface (API or portal), the client
// app, interactivity, the authentication requirement and the error code.
type PartnerSignIn struct {
	Day           time.Time
	AppID         string // the application that signed in
	App           string // its appDisplayName
	Portal        bool   // the Partner Center portal itself; false: an app calling the API
	ClientAppUsed string
	Interactive   bool
	Requirement   string // authenticationRequirement as written
	ErrorCode     int    // status.errorCode; 0 is success
	Count         int
	First         time.Time
	Last          time.Time
}

// Success reports whether the sign-ins succeeded.
func (p PartnerSignIn) Success() bool { return p.ErrorCode == 0 }

// MFA reports whether the sign-ins carried the MFA claim.
func (p PartnerSignIn) MFA() bool {
	return strings.EqualFold(p.Requirement, "multiFactorAuthentication")
}

// Surface names where the account signed in, for a reason.
func (p PartnerSignIn) Surface() string {
	if p.Portal {
		return "the Partner Center portal"
	}
	return "the Partner Center API through " + cmp.Or(p.App, p.AppID, "an unnamed app")
}

// PartnerSurface tells whether a sign-in event reached Partner Center: the
// portal (the application is Partner Center itself) or the API (an app
// whose resource is Partner Center). ok is false for any other sign-in.
func PartnerSurface(appID, appName, resourceID, resourceName string) (portal, ok bool) {
	switch {
	case strings.EqualFold(appID, PartnerCenterAppID) || (appID == "" && isPartnerCenterName(appName)):
		return true, true
	case strings.EqualFold(resourceID, PartnerCenterAppID) || (resourceID == "" && isPartnerCenterName(resourceName)):
		return false, true
	}
	return false, false
}

func isPartnerCenterName(s string) bool {
	return strings.EqualFold(s, PartnerCenterName) || strings.EqualFold(s, "Partner Center")
}

// partnerCenterNoMFA gives the reasons of the partner_center_no_mfa marker:
// one per surface, app and client over which the account signed in to
// Partner Center successfully, within the window, without MFA. Failed
// sign-ins are not evidence (DOMAIN.md §3).
func (r *run) partnerCenterNoMFA(u *User) []string {
	type key struct {
		surface, client string
	}
	type seen struct {
		count       int
		first, last time.Time
	}
	var order []key
	found := map[key]*seen{}
	for _, p := range r.snap.PartnerSignIns[u.ID] {
		f := SignInFold{Day: p.Day, First: p.First, Last: p.Last}
		if !p.Success() || !strings.EqualFold(p.Requirement, "singleFactorAuthentication") || !r.win.overlaps(&f) {
			continue
		}
		k := key{p.Surface(), cmp.Or(p.ClientAppUsed, "an unnamed client")}
		s := found[k]
		if s == nil {
			s = &seen{}
			found[k] = s
			order = append(order, k)
		}
		s.count += max(p.Count, 1)
		first, last := cmpTime(p.First, p.Day), cmpTime(p.Last, p.First, p.Day)
		if s.first.IsZero() || first.Before(s.first) {
			s.first = first
		}
		if last.After(s.last) {
			s.last = last
		}
	}
	reasons := make([]string, 0, len(order))
	for _, k := range order {
		s := found[k]
		when := "on " + day(s.last, r.asOf)
		if d1, d2 := day(s.first, r.asOf), day(s.last, r.asOf); d1 != d2 {
			when = "from " + d1 + " to " + d2
		}
		reasons = append(reasons, fmt.Sprintf("signed in to %s over %s without MFA (%d, %s); Partner Center refuses this since 2026-04-01 (error %d)",
			k.surface, k.client, s.count, when, ErrPartnerCenterNoMFA))
	}
	return reasons
}

func cmpTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}
