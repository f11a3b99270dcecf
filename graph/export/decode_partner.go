package export

import (
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// The Partner Center collections (servicePrincipals.json,
// oauth2PermissionGrants.json) feed only the Integrations page, never a
// verdict: an item that cannot be read is a warning and is left out, not a
// refusal of the whole source. Partner Center sign-ins come from
// signIns.json and count as evidence like any other sign-in.

type wireServicePrincipal struct {
	ID                     string `json:"id"`
	AppID                  string `json:"appId"`
	DisplayName            string `json:"displayName"`
	PublisherName          string `json:"publisherName"`
	AppOwnerOrganizationID string `json:"appOwnerOrganizationId"`
}

func (d *Decoder) addServicePrincipal(w wireServicePrincipal) *fieldError {
	if w.ID == "" {
		return badField("id", "is missing: the service principal is left out")
	}
	d.snap.ServicePrincipals = append(d.snap.ServicePrincipals, inventory.ServicePrincipal(w))
	return nil
}

type wirePermissionGrant struct {
	ID          string `json:"id"`
	ClientID    string `json:"clientId"`
	ResourceID  string `json:"resourceId"`
	ConsentType string `json:"consentType"`
	PrincipalID string `json:"principalId"`
	Scope       string `json:"scope"`
}

func (d *Decoder) addPermissionGrant(w wirePermissionGrant) *fieldError {
	if w.ClientID == "" || w.ResourceID == "" {
		return badField("clientId", "or resourceId is missing: the grant is left out")
	}
	d.snap.PermissionGrants = append(d.snap.PermissionGrants, inventory.PermissionGrant(w))
	return nil
}

// displayOnly reads an item no verdict depends on into its wire struct and
// hands it to add: a problem, in the item or the one add finds, is a
// warning and the item is left out, never a refusal of the source.
func displayOnly[W any](d *Decoder, raw []byte, add func(W) *fieldError) *fieldError {
	var w W
	err := decodeObject(raw, &w, "")
	if err == nil {
		err = checkTexts(&w)
	}
	if err != nil {
		if err.Message == "" {
			err.Message = "cannot be read"
		}
		err.Message += ": the item is left out"
	} else {
		err = add(w)
	}
	if err != nil {
		d.warnItem(err)
	}
	return nil
}

// partnerKey is what Partner Center sign-ins of one account share to fold.
type partnerKey struct {
	day                 time.Time
	appID, app, client  string
	portal, interactive bool
	requirement         string
	code                int
}

// partnerFolds folds the Partner Center sign-ins per account. They are few
// (people and integrations of one partner), so a map per account is cheap.
type partnerFolds struct {
	byAccount map[string][]inventory.PartnerSignIn
	index     map[string]map[partnerKey]int
}

// addPartner folds a sign-in event that reached Partner Center.
func (d *Decoder) addPartner(user string, k partnerKey, at time.Time) {
	f := &d.partner
	if f.byAccount == nil {
		f.byAccount, f.index = map[string][]inventory.PartnerSignIn{}, map[string]map[partnerKey]int{}
	}
	idx := f.index[user]
	if idx == nil {
		idx = map[partnerKey]int{}
		f.index[user] = idx
	}
	folds := f.byAccount[user]
	i, ok := idx[k]
	if !ok {
		i = len(folds)
		idx[k] = i
		folds = append(folds, inventory.PartnerSignIn{
			Day: k.day, AppID: k.appID, App: k.app, Portal: k.portal, ClientAppUsed: k.client,
			Interactive: k.interactive, Requirement: k.requirement, ErrorCode: k.code, First: at, Last: at,
		})
		f.byAccount[user] = folds
	}
	p := &folds[i]
	p.Count++
	widen(&p.First, &p.Last, at)
}
