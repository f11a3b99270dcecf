package graph

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/mfaboard/mfaboard/inventory"
)

// gate says, for a collection Graph may refuse, what reading it needs and
// what the assessment loses without it.
type gate struct {
	needs string
	loses string
}

var gates = map[string]gate{
	inventory.CollOrganization:     {"reading the organization needs Organization.Read.All (or Directory.Read.All)", "the tenant's name and verified domains were not read"},
	inventory.CollRegistrations:    {"reading registration details needs AuditLog.Read.All and an Entra ID P1 or P2 licence", "MFA registration was not checked"},
	inventory.CollPolicies:         {"reading Conditional Access policies needs Policy.Read.All", "Conditional Access coverage was not checked"},
	inventory.CollNamedLocations:   {"reading named locations needs Policy.Read.All", "locations appear by id only"},
	inventory.CollSecurityDefaults: {"reading security defaults needs Policy.Read.All", "security defaults were not checked"},
	inventory.CollDirectoryRoles:   {"reading directory roles needs RoleManagement.Read.Directory (or Directory.Read.All)", "role holders were not checked"},
	inventory.CollGroups:           {"reading groups and their members needs GroupMember.Read.All (or Group.Read.All)", "policy scopes by group were not resolved"},
	inventory.CollRooms:            {"reading rooms needs Place.Read.All, and the places API is missing in some clouds", "room accounts were recognised by name only"},
	inventory.CollSignIns:          {"reading sign-in logs needs AuditLog.Read.All and an Entra ID P1 licence", "sign-in evidence was not checked"},
	inventory.CollPerUserMFA:       {"reading per-user MFA states needs Policy.Read.All (beta authentication/requirements)", "per-user MFA was not checked"},
}

// refusalWarning words a refused collection for the person reading the
// verdicts: "signIns: Graph answered 403 Forbidden (...): reading sign-in
// logs needs AuditLog.Read.All and an Entra ID P1 licence; sign-in evidence
// was not checked".
func refusalWarning(r *refusal) inventory.Warning {
	g, ok := gates[r.collection]
	if !ok {
		g = gate{"the app may lack a permission", "it was not checked"}
	}
	needs := g.needs
	if statusOf(r.err) == http.StatusNotFound {
		needs = "the endpoint does not exist for this tenant or cloud"
	}
	return inventory.Warning{
		Source:  r.collection,
		Message: fmt.Sprintf("%s: %s; %s", r.err, needs, g.loses),
	}
}

// explain adds what to do to the Graph errors a person can act on.
func (c *Client) explain(err error) error {
	var ge *graphError
	if !errors.As(err, &ge) {
		return err
	}
	switch ge.Status {
	case http.StatusUnauthorized:
		return fmt.Errorf("%w: Graph refused the credentials; check that %s holds a current token for Microsoft Graph (audience %s), or that the app registration's secret or certificate is valid and admin consent was granted", err, EnvAccessToken, c.base.String())
	case http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return fmt.Errorf("%w: Graph was still throttled or unavailable after %d retries; run the sync again later", err, maxRetries)
	}
	return err
}
