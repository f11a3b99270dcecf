package inventory

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// pcSignIn is one day of Partner Center sign-ins: through app (an API
// integration) or the portal when app is "".
func pcSignIn(at time.Time, app, client, requirement string, code int) PartnerSignIn {
	p := PartnerSignIn{
		Day: at.Truncate(24 * time.Hour), ClientAppUsed: client, Requirement: requirement,
		ErrorCode: code, Count: 1, First: at, Last: at, Interactive: true,
	}
	if app == "" {
		p.Portal, p.AppID, p.App = true, PartnerCenterAppID, PartnerCenterName
	} else {
		p.AppID, p.App, p.Interactive = "app-"+strings.ToLower(app), app, false
	}
	return p
}

func TestPartnerCenterNoMFAMarker(t *testing.T) {
	t.Parallel()
	recent := asOf.Add(-3 * 24 * time.Hour)
	tests := []struct {
		name    string
		signIns []PartnerSignIn
		reasons []string // "" fragments; nil = the marker must be absent
	}{
		{name: "API through an app, single-factor",
			signIns: []PartnerSignIn{pcSignIn(recent, "Billing Sync", "Mobile Apps and Desktop clients", singleReq, 0)},
			reasons: []string{"signed in to the Partner Center API through Billing Sync over Mobile Apps and Desktop clients without MFA (1, on 17 Nov); Partner Center refuses this since 2026-04-01 (error 900421)"}},
		{name: "portal in a browser, several days give the dates",
			signIns: []PartnerSignIn{pcSignIn(recent, "", "Browser", singleReq, 0), pcSignIn(recent.Add(-5*24*time.Hour), "", "Browser", singleReq, 0)},
			reasons: []string{"signed in to the Partner Center portal over Browser without MFA (2, from 12 Nov to 17 Nov)"}},
		{name: "portal and API are two reasons",
			signIns: []PartnerSignIn{pcSignIn(recent, "", "Browser", singleReq, 0), pcSignIn(recent, "Billing Sync", "Browser", singleReq, 0)},
			reasons: []string{"the Partner Center portal over Browser", "the Partner Center API through Billing Sync over Browser"}},
		{name: "with MFA is no marker (the Secure Application Model)",
			signIns: []PartnerSignIn{pcSignIn(recent, "Billing Sync", "Mobile Apps and Desktop clients", mfaReq, 0)}},
		{name: "refused with 900421 is no evidence of a sign-in without MFA",
			signIns: []PartnerSignIn{pcSignIn(recent, "Billing Sync", "Mobile Apps and Desktop clients", singleReq, ErrPartnerCenterNoMFA)}},
		{name: "outside the window is not counted",
			signIns: []PartnerSignIn{pcSignIn(asOf.Add(-40*24*time.Hour), "", "Browser", singleReq, 0)}},
		{name: "a sign-in early in the window counts",
			signIns: []PartnerSignIn{pcSignIn(asOf.Add(-30*24*time.Hour+time.Hour), "", "Browser", singleReq, 0)},
			reasons: []string{"(1, on 21 Oct)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSnapshot(person("u"))
			s.PartnerSignIns = map[string][]PartnerSignIn{"u": tt.signIns}
			a := assessOne(t, s, inputs(), "u")
			got, has := a.MarkerReasons[PartnerCenterNoMFA]
			if tt.reasons == nil {
				if has {
					t.Fatalf("marker %q, want none", got)
				}
				return
			}
			if !has || !slices.Contains(a.Markers, PartnerCenterNoMFA) {
				t.Fatalf("no partner_center_no_mfa marker; markers %v", a.Markers)
			}
			for _, r := range tt.reasons {
				if !strings.Contains(got, r) {
					t.Errorf("reason %q\nmissing %q", got, r)
				}
			}
		})
	}
}

func TestPartnerCenterNoMFARanksWithPrivileged(t *testing.T) {
	t.Parallel()
	if !IsPrivilegedOpen([]Marker{PartnerCenterNoMFA}, AtRisk) {
		t.Fatal("an open account signing in to Partner Center without MFA must rank with the privileged ones")
	}
}

func TestPartnerSurface(t *testing.T) {
	t.Parallel()
	tests := []struct {
		appID, app, resID, res string
		portal, ok             bool
	}{
		{PartnerCenterAppID, "Microsoft Partner Center", PartnerCenterAppID, "Microsoft Partner Center", true, true},
		{"app-1", "Billing Sync", PartnerCenterAppID, "", false, true},
		{"app-1", "Billing Sync", "", "Microsoft Partner Center", false, true},
		{"", "Partner Center", "", "", true, true},
		{"app-1", "Billing Sync", "00000003-0000-0000-c000-000000000000", "Microsoft Graph", false, false},
		{"app-1", "Partner Center", "other", "Microsoft Graph", false, false},
	}
	for _, tt := range tests {
		portal, ok := PartnerSurface(tt.appID, tt.app, tt.resID, tt.res)
		if portal != tt.portal || ok != tt.ok {
			t.Errorf("PartnerSurface(%q, %q, %q, %q) = %v, %v; want %v, %v", tt.appID, tt.app, tt.resID, tt.res, portal, ok, tt.portal, tt.ok)
		}
	}
}

func TestPartnerIntegrations(t *testing.T) {
	t.Parallel()
	recent := asOf.Add(-2 * 24 * time.Hour)
	s := newSnapshot(person("a"), person("b"), person("c"))
	s.ServicePrincipals = []ServicePrincipal{
		{ID: "sp-pc", AppID: PartnerCenterAppID, DisplayName: PartnerCenterName},
		{ID: "sp-sam", AppID: "app-sam tool", DisplayName: "SAM Tool"},
		{ID: "sp-old", AppID: "app-billing sync", DisplayName: "Billing Sync"},
		{ID: "sp-idle", AppID: "app-idle", DisplayName: "Idle App"},
		{ID: "sp-graph", AppID: "graph", DisplayName: "Graph Reader"},
	}
	s.PermissionGrants = []PermissionGrant{
		{ID: "g1", ClientID: "sp-sam", ResourceID: "sp-pc", ConsentType: "AllPrincipals", Scope: "user_impersonation"},
		{ID: "g2", ClientID: "sp-old", ResourceID: "sp-pc", ConsentType: "Principal", PrincipalID: "b", Scope: "user_impersonation"},
		{ID: "g3", ClientID: "sp-idle", ResourceID: "sp-pc", ConsentType: "AllPrincipals", Scope: "user_impersonation"},
		{ID: "g4", ClientID: "sp-graph", ResourceID: "sp-other", ConsentType: "AllPrincipals", Scope: "User.Read"},
	}
	s.PartnerSignIns = map[string][]PartnerSignIn{
		"a": {pcSignIn(recent, "SAM Tool", "Mobile Apps and Desktop clients", mfaReq, 0), pcSignIn(recent, "", "Browser", singleReq, 0)},
		"b": {pcSignIn(recent, "Billing Sync", "Mobile Apps and Desktop clients", singleReq, 0),
			pcSignIn(recent.Add(time.Hour), "Billing Sync", "Mobile Apps and Desktop clients", singleReq, ErrPartnerCenterNoMFA)},
		"c": {pcSignIn(recent, "Unlisted Tool", "Browser", mfaReq, 0), pcSignIn(asOf.Add(-60*24*time.Hour), "", "Browser", singleReq, 0)},
	}
	v := PartnerIntegrations(s, asOf.Add(-DefaultWindow), asOf)
	if v.Resource == nil || v.Resource.ID != "sp-pc" {
		t.Fatalf("resource %+v", v.Resource)
	}
	var names []string
	for _, in := range v.Integrations {
		names = append(names, in.App.DisplayName+"="+string(in.State))
	}
	want := []string{"Billing Sync=not_sam", "Idle App=no_sign_in", "SAM Tool=sam", "Unlisted Tool=sam"}
	if !slices.Equal(names, want) {
		t.Fatalf("integrations %v, want %v (grants to other resources left out, the breaking ones first)", names, want)
	}
	old := v.Integrations[0]
	if len(old.Consents) != 1 || old.Consents[0].Admin || old.Consents[0].UserID != "b" || !slices.Equal(old.Scopes, []string{"user_impersonation"}) {
		t.Errorf("consent of Billing Sync: %+v %v", old.Consents, old.Scopes)
	}
	if len(old.Users) != 1 || old.Users[0].SingleFactor != 1 || old.Users[0].Refused != 1 || !old.Users[0].LastSignIn.Equal(recent.Add(time.Hour)) {
		t.Errorf("users of Billing Sync: %+v", old.Users)
	}
	if !strings.Contains(old.Why, "1 sign-in without MFA and 1 refusal (error 900421)") {
		t.Errorf("why: %q", old.Why)
	}
	if sam := v.Integrations[2]; !sam.Consents[0].Admin || sam.Users[0].UserID != "a" {
		t.Errorf("SAM Tool: %+v", sam)
	}
	if len(v.Portal) != 1 || v.Portal[0].UserID != "a" || v.Portal[0].SingleFactor != 1 {
		t.Errorf("portal users %+v (c's sign-in is outside the window)", v.Portal)
	}
	if len(v.Unread) != 0 {
		t.Errorf("unread %v", v.Unread)
	}
	delete(s.Present, CollPermissionGrants)
	if v := PartnerIntegrations(s, asOf.Add(-DefaultWindow), asOf); !slices.Equal(v.Unread, []string{CollPermissionGrants}) {
		t.Errorf("unread %v", v.Unread)
	}
}
