package export

import (
	"encoding/json"
	"strings"

	"github.com/mfaboard/mfaboard/inventory"
)

// outPolicy keeps Graph's field order for a Conditional Access policy.
type outPolicy struct {
	ID               string         `json:"id"`
	TemplateID       *string        `json:"templateId"`
	DisplayName      string         `json:"displayName"`
	CreatedDateTime  any            `json:"createdDateTime"`
	ModifiedDateTime any            `json:"modifiedDateTime"`
	State            string         `json:"state"`
	SessionControls  any            `json:"sessionControls"`
	Conditions       map[string]any `json:"conditions"`
	GrantControls    map[string]any `json:"grantControls"`
}

// otherConditionValues are plausible settings for conditions the snapshot
// only names (Policy.OtherConditions), so an encoded policy sets them and
// decodes to the same names. A name not listed is written as true.
var otherConditionValues = map[string]any{
	"authenticationFlows":        map[string]any{"transferMethods": "deviceCodeFlow"},
	"insiderRiskLevels":          "elevated",
	"servicePrincipalRiskLevels": []string{"high"},
	"clientApplications": map[string]any{
		"includeServicePrincipals": []string{"ServicePrincipalsInMyTenant"},
		"excludeServicePrincipals": []string{},
	},
	"applications.includeUserActions":                          []string{"urn:user:registersecurityinfo"},
	"applications.includeAuthenticationContextClassReferences": []string{"c1"},
	"applications.applicationFilter": map[string]any{
		"mode": "include", "rule": `CustomSecurityAttribute.Project_Name -eq "Legacy"`,
	},
}

func encodePolicy(p inventory.Policy) json.RawMessage {
	users := map[string]any{
		"includeUsers": list(p.IncludeUsers), "excludeUsers": list(p.ExcludeUsers),
		"includeGroups": list(p.IncludeGroups), "excludeGroups": list(p.ExcludeGroups),
		"includeRoles": list(p.IncludeRoles), "excludeRoles": list(p.ExcludeRoles),
		"includeGuestsOrExternalUsers": encodeGuests(p.IncludeGuests),
		"excludeGuestsOrExternalUsers": encodeGuests(p.ExcludeGuests),
	}
	conditions := map[string]any{
		"userRiskLevels":             list(p.UserRiskLevels),
		"signInRiskLevels":           list(p.SignInRiskLevels),
		"clientAppTypes":             list(p.ClientAppTypes),
		"servicePrincipalRiskLevels": []string{},
		"insiderRiskLevels":          nil,
		"platforms":                  nil,
		"locations":                  nil,
		"devices":                    nil,
		"clientApplications":         nil,
		"authenticationFlows":        nil,
		"applications": map[string]any{
			"includeApplications":                         list(p.IncludeApplications),
			"excludeApplications":                         list(p.ExcludeApplications),
			"includeUserActions":                          []string{},
			"includeAuthenticationContextClassReferences": []string{},
			"applicationFilter":                           nil,
		},
		"users": users,
	}
	if p.HasPlatforms {
		conditions["platforms"] = map[string]any{
			"includePlatforms": list(p.IncludePlatforms), "excludePlatforms": list(p.ExcludePlatforms),
		}
	}
	if p.HasLocations {
		conditions["locations"] = map[string]any{
			"includeLocations": list(p.IncludeLocations), "excludeLocations": list(p.ExcludeLocations),
		}
	}
	if p.DeviceFilter != "" {
		conditions["devices"] = map[string]any{"deviceFilter": map[string]any{"mode": "include", "rule": p.DeviceFilter}}
	}
	for _, name := range p.OtherConditions {
		value, ok := otherConditionValues[name]
		if !ok {
			value = true
		}
		setPath(conditions, name, value)
	}
	return marshal(outPolicy{
		ID: p.ID, DisplayName: p.DisplayName, State: p.State,
		Conditions: conditions, GrantControls: encodeGrant(p),
	})
}

// setPath sets a dotted name ("applications.applicationFilter") inside
// nested maps, making the maps it needs.
func setPath(m map[string]any, name string, value any) {
	head, rest, nested := strings.Cut(name, ".")
	if !nested {
		m[head] = value
		return
	}
	inner, ok := m[head].(map[string]any)
	if !ok {
		inner = map[string]any{}
		m[head] = inner
	}
	setPath(inner, rest, value)
}

func encodeGuests(g *inventory.GuestsOrExternalUsers) any {
	if g == nil {
		return nil
	}
	tenants := map[string]any{
		"@odata.type":    "#microsoft.graph.conditionalAccessAllExternalTenants",
		"membershipKind": "all",
	}
	if !g.ExternalTenantsAll {
		tenants = map[string]any{
			"@odata.type":    "#microsoft.graph.conditionalAccessEnumeratedExternalTenants",
			"membershipKind": "enumerated",
			"members":        list(g.ExternalTenantIDs),
		}
	}
	return map[string]any{
		"guestOrExternalUserTypes": strings.Join(g.Types, ","),
		"externalTenants":          tenants,
	}
}

func encodeGrant(p inventory.Policy) map[string]any {
	if !p.HasGrant {
		return nil
	}
	g := map[string]any{
		"operator":                    p.GrantOperator,
		"builtInControls":             list(p.BuiltInControls),
		"customAuthenticationFactors": []string{},
		"termsOfUse":                  []string{},
		"authenticationStrength@odata.context": "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies('" +
			p.ID + "')/grantControls/authenticationStrength/$entity",
		"authenticationStrength": nil,
	}
	if s := p.AuthStrength; s != nil {
		strength := map[string]any{
			"id": s.ID, "createdDateTime": nil, "modifiedDateTime": nil, "displayName": s.DisplayName,
			"description": nil, "policyType": "builtIn",
			"allowedCombinations": list(s.AllowedCombinations),
		}
		if s.RequirementsSatisfied != "" { // absent stays absent: DOMAIN.md §3 tells the two apart
			strength["requirementsSatisfied"] = s.RequirementsSatisfied
		}
		g["authenticationStrength"] = strength
	}
	for _, other := range p.OtherGrants {
		kind, value, named := strings.Cut(other, ":")
		switch {
		case named && (kind == "customAuthenticationFactors" || kind == "termsOfUse"):
			g[kind] = append(g[kind].([]string), value)
		default:
			g[other] = true
		}
	}
	return g
}
