package web

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views"
)

// integrationsPage is GET /integrations (showInTenant): the tenant's app +
// user integrations with Partner Center and the people using its portal,
// for every role.
func integrationsPage(c echo.Context, t inventory.Tenant, p pg.IntegrationsPage) (templ.Component, error) {
	return views.Integrations(integrationsView(pageOf(c, "Partner Center integrations", "integrations"), p)), nil
}

// integrationsView is the page of what the store read.
func integrationsView(page views.Page, p pg.IntegrationsPage) views.IntegrationsPage {
	v := views.IntegrationsPage{
		Page:   page,
		Window: fmt.Sprintf("%d days to %s", int(p.Window.Hours()/24+0.5), views.Date(p.AsOf)),
	}
	v.Notices = integrationNotices(p)
	for _, in := range p.Integrations {
		iv := views.IntegrationView{Name: cmp.Or(in.App.DisplayName, in.App.AppID, "an unnamed app"), AppID: in.App.AppID, Publisher: in.App.PublisherName,
			State: string(in.State), StateLabel: in.State.Label(), Tone: samTone[in.State], Why: in.Why,
			Scopes: strings.Join(in.Scopes, " ")}
		for _, cs := range in.Consents {
			iv.Consents = append(iv.Consents, consentWords(cs, p.Accounts))
		}
		for _, u := range in.Users {
			iv.Users = append(iv.Users, partnerUserView(u, p))
		}
		switch in.State {
		case inventory.SAMNo:
			v.NotSAM++
		case inventory.SAMYes:
			v.SAM++
		}
		v.Integrations = append(v.Integrations, iv)
	}
	for _, u := range p.Portal {
		v.Portal = append(v.Portal, partnerUserView(u, p))
		if u.SingleFactor > 0 {
			v.PortalNoMFA++
		}
	}
	return v
}

var samTone = map[inventory.SAMState]string{inventory.SAMYes: "ok", inventory.SAMNo: "bad", inventory.SAMUnknown: "muted"}

// integrationNotices say what the page could not check.
func integrationNotices(p pg.IntegrationsPage) []string {
	var out []string
	for _, c := range p.Unread {
		switch c {
		case inventory.CollServicePrincipals:
			out = append(out, "Service principals were not read (see the last sync's warnings for the permission): apps are named as the sign-in logs name them.")
		case inventory.CollPermissionGrants:
			out = append(out, "Delegated permission grants were not read (see the last sync's warnings for the permission): integrations are listed from the sign-in logs only, without who consented.")
		case inventory.CollSignIns:
			out = append(out, "Sign-in logs were not read: whether an integration or a person signs in with MFA is not known.")
		}
	}
	if p.Resource == nil && !slices.Contains(p.Unread, inventory.CollServicePrincipals) {
		out = append(out, "The tenant has no Partner Center service principal (app id "+inventory.PartnerCenterAppID+"): no app holds a grant to it.")
	}
	return out
}

// consentWords says who consented to a grant.
func consentWords(cs inventory.Consent, names map[string]pg.AccountName) string {
	if cs.Admin {
		return "an administrator, for every user"
	}
	if n, ok := names[cs.UserID]; ok {
		return fmt.Sprintf("%s (%s), for themselves", cmp.Or(n.DisplayName, n.UPN), n.UPN)
	}
	return "user " + cs.UserID + ", for themselves"
}

func partnerUserView(u inventory.IntegrationUser, p pg.IntegrationsPage) views.PartnerUserView {
	n := p.Accounts[u.UserID]
	return views.PartnerUserView{
		ID: u.UserID, Name: cmp.Or(n.DisplayName, n.UPN, u.UserID), UPN: n.UPN,
		LastSignIn: views.DateTime(u.LastSignIn), LastClient: u.LastClient,
		MFA: u.MFA, SingleFactor: u.SingleFactor, Refused: u.Refused, Failed: u.Failed,
		Marker: p.Markers[u.UserID],
	}
}
