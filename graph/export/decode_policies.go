package export

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/mfaboard/mfaboard/inventory"
)

// policyStates are the states Graph documents; any other is kept as written
// and warned about (a policy counts only when "enabled").
var policyStates = map[string]bool{
	"enabled":                           true,
	"disabled":                          true,
	"enabledForReportingButNotEnforced": true,
}

// wirePolicy is one Conditional Access policy. conditions and grantControls
// stay raw: they are read member by member, so a value or a condition Graph
// adds later is kept as written or named, never guessed.
type wirePolicy struct {
	ID            string          `json:"id"`
	DisplayName   string          `json:"displayName"`
	State         string          `json:"state"`
	Conditions    json.RawMessage `json:"conditions"`
	GrantControls json.RawMessage `json:"grantControls"`
}

// A malformed policy refuses the source like any other item: a policy read
// in part could lose an exclusion and cover accounts it does not.
func (d *Decoder) addPolicy(w wirePolicy) *fieldError {
	r := policyReader{p: inventory.Policy{ID: w.ID, DisplayName: w.DisplayName, State: w.State}}
	if err := r.conditions(w.Conditions); err != nil {
		return err
	}
	if err := r.grant(w.GrantControls); err != nil {
		return err
	}
	if !policyStates[w.State] {
		r.notes = append(r.notes, badField("state",
			"%q is not one of enabled, disabled, enabledForReportingButNotEnforced; kept as written (only an enabled policy enforces MFA)", w.State))
	}
	for _, n := range r.notes {
		d.warnItem(n)
	}
	d.snap.Policies = append(d.snap.Policies, r.p)
	return nil
}

// policyReader builds one Policy and gathers the warnings that do not stop
// it.
type policyReader struct {
	p     inventory.Policy
	notes []*fieldError
}

func (r *policyReader) conditions(raw json.RawMessage) *fieldError {
	p := &r.p
	err := readObject(raw, "conditions", "", map[string]fieldReader{
		"users":        r.users,
		"applications": r.applications,
		"locations":    r.includeExclude(&p.HasLocations, "locations", &p.IncludeLocations, &p.ExcludeLocations),
		"platforms":    r.includeExclude(&p.HasPlatforms, "platforms", &p.IncludePlatforms, &p.ExcludePlatforms),
		"devices": func(raw json.RawMessage, path string) *fieldError {
			return readObject(raw, path, "devices.", map[string]fieldReader{
				"deviceFilter": func(raw json.RawMessage, path string) *fieldError {
					return readObject(raw, path, "devices.deviceFilter.", map[string]fieldReader{
						"rule": intoString(&p.DeviceFilter),
						// The mode (include/exclude) does not matter to
						// the rules: a filter either way narrows.
						"mode": func(json.RawMessage, string) *fieldError { return nil },
					}, &p.OtherConditions)
				},
			}, &p.OtherConditions)
		},
		"clientAppTypes":   intoList(&p.ClientAppTypes),
		"signInRiskLevels": intoList(&p.SignInRiskLevels),
		"userRiskLevels":   intoList(&p.UserRiskLevels),
	}, &p.OtherConditions)
	sort.Strings(p.OtherConditions)
	return err
}

// includeExclude reads a condition made of two lists, include<Name> and
// exclude<Name> (locations, platforms): a condition that is set at all
// narrows the policy, so set records it.
func (r *policyReader) includeExclude(set *bool, name string, include, exclude *[]string) fieldReader {
	key := strings.ToUpper(name[:1]) + name[1:]
	return func(raw json.RawMessage, path string) *fieldError {
		if isEmptyJSON(raw) {
			return nil
		}
		*set = true
		return readObject(raw, path, name+".", map[string]fieldReader{
			"include" + key: intoList(include),
			"exclude" + key: intoList(exclude),
		}, &r.p.OtherConditions)
	}
}

func (r *policyReader) users(raw json.RawMessage, path string) *fieldError {
	p := &r.p
	return readObject(raw, path, "users.", map[string]fieldReader{
		"includeUsers":  intoList(&p.IncludeUsers),
		"excludeUsers":  intoList(&p.ExcludeUsers),
		"includeGroups": intoList(&p.IncludeGroups),
		"excludeGroups": intoList(&p.ExcludeGroups),
		"includeRoles":  intoList(&p.IncludeRoles),
		"excludeRoles":  intoList(&p.ExcludeRoles),
		"includeGuestsOrExternalUsers": func(raw json.RawMessage, path string) (err *fieldError) {
			p.IncludeGuests, err = r.guests(raw, path)
			return err
		},
		"excludeGuestsOrExternalUsers": func(raw json.RawMessage, path string) (err *fieldError) {
			p.ExcludeGuests, err = r.guests(raw, path)
			return err
		},
	}, &p.OtherConditions)
}

func (r *policyReader) applications(raw json.RawMessage, path string) *fieldError {
	p := &r.p
	return readObject(raw, path, "applications.", map[string]fieldReader{
		"includeApplications": intoList(&p.IncludeApplications),
		"excludeApplications": intoList(&p.ExcludeApplications),
	}, &p.OtherConditions)
}

// guests reads includeGuestsOrExternalUsers / excludeGuestsOrExternalUsers.
func (r *policyReader) guests(raw json.RawMessage, path string) (*inventory.GuestsOrExternalUsers, *fieldError) {
	if isEmptyJSON(raw) {
		return nil, nil
	}
	g := &inventory.GuestsOrExternalUsers{ExternalTenantsAll: true}
	var kind string
	err := readObject(raw, path, "", map[string]fieldReader{
		"guestOrExternalUserTypes": func(raw json.RawMessage, path string) (err *fieldError) {
			g.Types, err = flagList(raw, path)
			return err
		},
		"externalTenants": func(raw json.RawMessage, path string) *fieldError {
			if isNull(raw) {
				return nil
			}
			return readObject(raw, path, "", map[string]fieldReader{
				"membershipKind": intoString(&kind),
				"members":        intoList(&g.ExternalTenantIDs),
			}, nil)
		},
	}, nil)
	if err != nil {
		return nil, err
	}
	switch kind {
	case "", "all":
		g.ExternalTenantsAll = true
	case "enumerated":
		g.ExternalTenantsAll = false
	default:
		// Unknown: read as naming some tenants, the reading that never
		// claims coverage it cannot prove.
		g.ExternalTenantsAll = false
		r.notes = append(r.notes, badField(path+".externalTenants.membershipKind",
			"%q is not all or enumerated; read as naming only some external tenants", kind))
	}
	return g, nil
}

// grant reads grantControls; null means the policy grants nothing.
func (r *policyReader) grant(raw json.RawMessage) *fieldError {
	if isNull(raw) {
		return nil
	}
	p := &r.p
	p.HasGrant = true
	// Custom controls and terms of use are named "kind:value", so a reason
	// can show them and the encoder can write them back.
	prefixed := func(kind string) fieldReader {
		return func(raw json.RawMessage, path string) *fieldError {
			list, err := stringList(raw, path)
			for _, v := range list {
				p.OtherGrants = append(p.OtherGrants, kind+":"+v)
			}
			return err
		}
	}
	err := readObject(raw, "grantControls", "", map[string]fieldReader{
		"operator":                    intoString(&p.GrantOperator),
		"builtInControls":             intoList(&p.BuiltInControls),
		"customAuthenticationFactors": prefixed("customAuthenticationFactors"),
		"termsOfUse":                  prefixed("termsOfUse"),
		"authenticationStrength": func(raw json.RawMessage, path string) *fieldError {
			if isNull(raw) {
				return nil
			}
			s := &inventory.AuthStrength{}
			p.AuthStrength = s
			return readObject(raw, path, "", map[string]fieldReader{
				"id":                  intoString(&s.ID),
				"displayName":         intoString(&s.DisplayName),
				"allowedCombinations": intoList(&s.AllowedCombinations),

				// Whether the strength grants MFA (DOMAIN.md §3); "" when absent.
				"requirementsSatisfied": intoString(&s.RequirementsSatisfied),
			}, nil)
		},
	}, &p.OtherGrants)
	sort.Strings(p.OtherGrants)
	return err
}
