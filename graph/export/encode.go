package export

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mfaboard/mfaboard/inventory"
)

// EncodeSnapshot writes a Snapshot back as Graph would have returned it: the
// inverse of the Decoder, so decoding the result gives the snapshot again
// (warnings aside, which are not Graph's). The emulator serves the demo
// tenant from it and export-graph can write it as a folder. Collections
// absent from s.Present are left out; a snapshot with no Present at all is
// taken to have every collection.
func EncodeSnapshot(s *inventory.Snapshot) Folder {
	e := newEncoder(s)
	f := Folder{}
	for _, c := range inventory.Collections {
		if len(s.Present) > 0 && !s.Present[c] {
			continue
		}
		f[c] = e.collection(c)
	}
	return f
}

// encoder holds what one collection needs to know of others (a sign-in
// names its user's UPN, a role member's type depends on what it is).
type encoder struct {
	s      *inventory.Snapshot
	users  map[string]*inventory.User
	groups map[string]bool
}

func newEncoder(s *inventory.Snapshot) *encoder {
	e := &encoder{s: s, users: map[string]*inventory.User{}, groups: map[string]bool{}}
	for i := range s.Users {
		e.users[s.Users[i].ID] = &s.Users[i]
	}
	for _, g := range s.Groups {
		e.groups[g.ID] = true
	}
	return e
}

func (e *encoder) collection(c string) []json.RawMessage {
	items := []json.RawMessage{}
	s := e.s
	switch c {
	case inventory.CollOrganization:
		items = append(items, encodeTenant(s.Tenant))
	case inventory.CollUsers:
		items = appendEach(items, s.Users, encodeUser)
	case inventory.CollRegistrations:
		for _, id := range slices.Sorted(maps.Keys(s.Registrations)) {
			items = append(items, e.registration(id, s.Registrations[id]))
		}
	case inventory.CollPerUserMFA:
		for _, id := range slices.Sorted(maps.Keys(s.PerUserMFA)) {
			items = append(items, marshal(map[string]string{"id": id, "perUserMfaState": s.PerUserMFA[id]}))
		}
		for _, id := range slices.Sorted(maps.Keys(s.PerUserMFANotRead)) {
			if _, read := s.PerUserMFA[id]; !read {
				items = append(items, marshal(map[string]string{"id": id, "notRead": s.PerUserMFANotRead[id]}))
			}
		}
	case inventory.CollPolicies:
		items = appendEach(items, s.Policies, encodePolicy)
	case inventory.CollNamedLocations:
		items = appendEach(items, s.NamedLocations, encodeNamedLocation)
	case inventory.CollSecurityDefaults:
		if s.SecurityDefaults != nil {
			items = append(items, marshal(map[string]any{
				"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#policies/identitySecurityDefaultsEnforcementPolicy/$entity",
				"id":             "00000000-0000-0000-0000-000000000005",
				"displayName":    "Security Defaults",
				"description":    "Security defaults is a set of basic identity security mechanisms recommended by Microsoft.",
				"isEnabled":      *s.SecurityDefaults,
			}))
		}
	case inventory.CollDirectoryRoles:
		for _, r := range s.Roles {
			items = append(items, e.role(r))
		}
	case inventory.CollGroups:
		for _, g := range s.Groups {
			items = append(items, e.group(g))
		}
	case inventory.CollRooms:
		for _, r := range s.Rooms {
			items = append(items, marshal(map[string]any{
				"@odata.type": "#microsoft.graph.room", "id": r.ID, "displayName": r.DisplayName,
				"emailAddress": nullable(r.EmailAddress), "capacity": nil, "bookingType": "standard",
			}))
		}
	case inventory.CollSignIns:
		items = e.signIns()
	case inventory.CollServicePrincipals:
		items = appendEach(items, s.ServicePrincipals, encodeServicePrincipal)
	case inventory.CollPermissionGrants:
		items = appendEach(items, s.PermissionGrants, encodePermissionGrant)
	}
	return items
}

// appendEach appends every element of list, encoded.
func appendEach[T any](items []json.RawMessage, list []T, encode func(T) json.RawMessage) []json.RawMessage {
	for _, v := range list {
		items = append(items, encode(v))
	}
	return items
}

func encodeTenant(t inventory.Tenant) json.RawMessage {
	domains := []map[string]any{}
	for i, d := range t.Domains {
		domains = append(domains, map[string]any{
			"capabilities": "Email, OfficeCommunicationsOnlineService",
			"isDefault":    i == 0,
			"isInitial":    strings.HasSuffix(d, ".onmicrosoft.com"),
			"name":         d,
			"type":         "Managed",
		})
	}
	return marshal(map[string]any{"id": t.ID, "displayName": t.DisplayName, "verifiedDomains": domains})
}

// outUser keeps Graph's field order, so an encoded file reads like a real one.
type outUser struct {
	ID                    string             `json:"id"`
	DisplayName           string             `json:"displayName"`
	UserPrincipalName     string             `json:"userPrincipalName"`
	Mail                  *string            `json:"mail"`
	UserType              *string            `json:"userType"`
	AccountEnabled        bool               `json:"accountEnabled"`
	OnPremisesSyncEnabled *bool              `json:"onPremisesSyncEnabled"`
	CreatedDateTime       any                `json:"createdDateTime"`
	JobTitle              *string            `json:"jobTitle"`
	Department            *string            `json:"department"`
	AssignedLicenses      []outLicense       `json:"assignedLicenses"`
	SignInActivity        *outSignInActivity `json:"signInActivity,omitempty"`
}

type outLicense struct {
	DisabledPlans []string `json:"disabledPlans"`
	SkuID         string   `json:"skuId"`
}

type outSignInActivity struct {
	LastSignInDateTime               any `json:"lastSignInDateTime"`
	LastNonInteractiveSignInDateTime any `json:"lastNonInteractiveSignInDateTime"`
	LastSuccessfulSignInDateTime     any `json:"lastSuccessfulSignInDateTime"`
}

func encodeUser(u inventory.User) json.RawMessage {
	out := outUser{
		ID: u.ID, DisplayName: u.DisplayName, UserPrincipalName: u.UserPrincipalName,
		Mail: nullable(u.Mail), UserType: nullable(u.UserType), AccountEnabled: u.AccountEnabled,
		CreatedDateTime: formatGraphTime(u.CreatedDateTime),
		JobTitle:        nullable(u.JobTitle), Department: nullable(u.Department),
		AssignedLicenses: []outLicense{},
	}
	if u.OnPremisesSyncEnabled {
		// Graph writes null, not false, for a cloud-only account.
		t := true
		out.OnPremisesSyncEnabled = &t
	}
	for _, sku := range u.LicenseSKUs {
		out.AssignedLicenses = append(out.AssignedLicenses, outLicense{DisabledPlans: []string{}, SkuID: sku})
	}
	if !u.LastSignIn.IsZero() || !u.LastNonInteractiveSignIn.IsZero() || !u.LastSuccessfulSignIn.IsZero() {
		out.SignInActivity = &outSignInActivity{
			LastSignInDateTime:               formatGraphTime(u.LastSignIn),
			LastNonInteractiveSignInDateTime: formatGraphTime(u.LastNonInteractiveSignIn),
			LastSuccessfulSignInDateTime:     formatGraphTime(u.LastSuccessfulSignIn),
		}
	}
	return marshal(out)
}

func (e *encoder) registration(id string, r inventory.Registration) json.RawMessage {
	out := map[string]any{
		"id":                    id,
		"userPrincipalName":     "",
		"userDisplayName":       "",
		"userType":              "member",
		"isAdmin":               r.IsAdmin,
		"isMfaCapable":          r.IsMfaCapable,
		"isMfaRegistered":       r.IsMfaRegistered,
		"isPasswordlessCapable": false,
		"isSsprCapable":         false,
		"isSsprEnabled":         false,
		"isSsprRegistered":      false,
		"methodsRegistered":     list(r.MethodsRegistered),
		"defaultMfaMethod":      r.DefaultMethod,
		"lastUpdatedDateTime":   nil,
	}
	if u := e.users[id]; u != nil {
		out["userPrincipalName"], out["userDisplayName"] = u.UserPrincipalName, u.DisplayName
		if strings.EqualFold(u.UserType, "Guest") {
			out["userType"] = "guest"
		}
	}
	return marshal(out)
}

func encodeNamedLocation(l inventory.NamedLocation) json.RawMessage {
	out := map[string]any{"id": l.ID, "displayName": l.DisplayName, "createdDateTime": nil, "modifiedDateTime": nil}
	if t := namedLocationType(l.Kind); t != "" {
		out["@odata.type"] = t
	}
	switch l.Kind {
	case "ip":
		out["isTrusted"] = l.IsTrusted
		out["ipRanges"] = []any{}
	case "country":
		out["countriesAndRegions"] = []string{}
		out["includeUnknownCountriesAndRegions"] = false
		out["countryLookupMethod"] = "clientIpAddress"
	}
	if l.IsTrusted {
		out["isTrusted"] = true
	}
	return marshal(out)
}

func (e *encoder) role(r inventory.DirectoryRole) json.RawMessage {
	members := []map[string]any{}
	for _, id := range r.MemberIDs {
		// A role can hold groups (role-assignable groups); anything else
		// is written as a user, the commonest holder.
		members = append(members, e.member(id, !e.groups[id]))
	}
	return marshal(map[string]any{
		"id": r.ID, "deletedDateTime": nil, "description": "", "displayName": r.DisplayName,
		"roleTemplateId": r.TemplateID, "members": members,
	})
}

func (e *encoder) group(g inventory.Group) json.RawMessage {
	members := []map[string]any{}
	for _, id := range g.MemberUserIDs {
		members = append(members, e.member(id, true))
	}
	for _, id := range g.MemberGroupIDs {
		members = append(members, e.member(id, false))
	}
	return marshal(map[string]any{
		"id": g.ID, "displayName": g.DisplayName, "description": nil, "groupTypes": []string{},
		"mailEnabled": false, "securityEnabled": true, "members": members,
	})
}

// member is a directory object as $expand=members writes it.
func (e *encoder) member(id string, user bool) map[string]any {
	if !user {
		return map[string]any{"@odata.type": odataGroup, "id": id}
	}
	m := map[string]any{"@odata.type": odataUser, "id": id}
	if u := e.users[id]; u != nil {
		m["displayName"], m["userPrincipalName"] = u.DisplayName, u.UserPrincipalName
	}
	return m
}

// marshal encodes values built here from plain strings, bools and times,
// which cannot fail; a failure would be a bug in this file.
func marshal(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("export: encoding a %T cannot fail, but did: %v", v, err))
	}
	return b
}

// nullable writes "" as null, as Graph does for unset strings.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// list writes a nil list as [], as Graph does.
func list(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
