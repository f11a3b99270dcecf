package emulator

import (
	"net/url"

	"github.com/mfaboard/mfaboard/inventory"
)

// partnerRoute serves the collections behind the Integrations page:
// /servicePrincipals and /oauth2PermissionGrants, paged like any list and
// refused with a 403 when Options.Forbidden names them. $select is
// accepted and ignored (the folder holds the selected fields already).
func (s *Server) partnerRoute(path string, q url.Values, link string) (answer, bool) {
	var coll string
	switch path {
	case "/servicePrincipals":
		coll = inventory.CollServicePrincipals
	case "/oauth2PermissionGrants":
		coll = inventory.CollPermissionGrants
	default:
		return answer{}, false
	}
	return s.list(coll, s.tenant.folder[coll], q, link, defaultLimits(q)), true
}
