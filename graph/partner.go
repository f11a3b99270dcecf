package graph

import (
	"context"

	"github.com/mfaboard/mfaboard/inventory"
)

// The collections of the Integrations page (issue 13 §3). Both are read
// whole: the Partner Center service principal's id is needed to pick its
// grants, and a partner's tenant holds hundreds of service principals, not
// millions. A 403 is a warning naming the permission (gates), like any
// other collection's.

// servicePrincipalSelect is what the page shows of a service principal.
const servicePrincipalSelect = "id,appId,displayName,publisherName,appOwnerOrganizationId"

// partnerReads adds the Partner Center collections to a fetch's reads.
func (f *fetcher) partnerReads(reads map[string]func(context.Context) error) {
	reads[inventory.CollServicePrincipals] = f.plain(inventory.CollServicePrincipals, "v1.0", "/servicePrincipals",
		map[string]string{"$select": servicePrincipalSelect, "$top": "999"})
	reads[inventory.CollPermissionGrants] = f.plain(inventory.CollPermissionGrants, "v1.0", "/oauth2PermissionGrants", nil)
}

func init() {
	gates[inventory.CollServicePrincipals] = gate{
		"reading service principals needs Application.Read.All (or Directory.Read.All)",
		"the Integrations page names apps by id only, and Partner Center grants could not be found",
	}
	gates[inventory.CollPermissionGrants] = gate{
		"reading delegated permission grants needs DelegatedPermissionGrant.Read.All (or Directory.Read.All)",
		"the Integrations page lists Partner Center integrations from the sign-in logs only, without who consented",
	}
}
