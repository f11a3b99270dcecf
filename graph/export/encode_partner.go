package export

import (
	"encoding/json"

	"github.com/mfaboard/mfaboard/inventory"
)

// encodeServicePrincipal writes a service principal in the shape of
// GET /servicePrincipals?$select=id,appId,displayName,publisherName,appOwnerOrganizationId.
func encodeServicePrincipal(sp inventory.ServicePrincipal) json.RawMessage {
	return marshal(map[string]any{
		"id": sp.ID, "appId": sp.AppID, "displayName": sp.DisplayName,
		"publisherName": nullable(sp.PublisherName), "appOwnerOrganizationId": nullable(sp.AppOwnerOrganizationID),
	})
}

// encodePermissionGrant writes a delegated permission grant as
// GET /oauth2PermissionGrants returns it.
func encodePermissionGrant(g inventory.PermissionGrant) json.RawMessage {
	return marshal(map[string]any{
		"clientId": g.ClientID, "consentType": g.ConsentType, "id": g.ID,
		"principalId": nullable(g.PrincipalID), "resourceId": g.ResourceID, "scope": g.Scope,
	})
}

// partnerFold is the sign-in fold a Partner Center fold's events make.
func partnerFold(p *inventory.PartnerSignIn) inventory.SignInFold {
	return inventory.SignInFold{
		Day: p.Day, App: p.App, ClientAppUsed: p.ClientAppUsed, Interactive: p.Interactive,
		Requirement: p.Requirement, Success: p.Success(), Count: p.Count, First: p.First, Last: p.Last,
	}
}

// takePartner removes from pending the Partner Center folds whose events
// fold into f, hands each to emit, and takes their count off f: the
// events of f that are not Partner Center's are what is left.
func takePartner(pending []inventory.PartnerSignIn, f *inventory.SignInFold, emit func(*inventory.PartnerSignIn)) []inventory.PartnerSignIn {
	kept := pending[:0]
	for i := range pending {
		p := pending[i]
		pf := partnerFold(&p)
		if pf.Day.Equal(f.Day) && pf.App == f.App && pf.ClientAppUsed == f.ClientAppUsed && pf.Interactive == f.Interactive &&
			pf.Requirement == f.Requirement && pf.Success == f.Success && p.Count <= f.Count {
			emit(&p)
			f.Count -= p.Count
			continue
		}
		kept = append(kept, p)
	}
	return kept
}

// partnerEvent makes an event name Partner Center: the portal is the
// Partner Center application itself, an integration calls its API.
func partnerEvent(ev *outSignIn, p *inventory.PartnerSignIn) {
	if p == nil {
		return
	}
	ev.AppID = p.AppID
	ev.ResourceID, ev.ResourceDisplayName = inventory.PartnerCenterAppID, inventory.PartnerCenterName
	if p.ErrorCode != 0 {
		reason := "Other."
		if p.ErrorCode == inventory.ErrPartnerCenterNoMFA {
			reason = "The request requires multi-factor authentication (AADSTS900421)."
		}
		ev.Status = outStatus{ErrorCode: p.ErrorCode, FailureReason: &reason}
	}
}
