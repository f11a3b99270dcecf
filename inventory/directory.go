package inventory

import (
	"slices"
	"strings"
)

// GuestKind is how Conditional Access sees an external account
// (guestOrExternalUserTypes), as far as /users can tell it (DOMAIN.md §3).
type GuestKind string

const (
	NotGuest               GuestKind = ""
	B2BCollaborationGuest  GuestKind = "b2bCollaborationGuest"
	B2BCollaborationMember GuestKind = "b2bCollaborationMember"
	InternalGuest          GuestKind = "internalGuest"
)

// GuestKindOf reads the guest kind from userType and the UPN: Guest with
// #EXT# is a B2B collaboration guest, Member with #EXT# a B2B collaboration
// member, Guest without #EXT# an internal guest.
func GuestKindOf(userType, upn string) GuestKind {
	ext := strings.Contains(strings.ToUpper(upn), "#EXT#")
	guest := strings.EqualFold(userType, "Guest")
	switch {
	case guest && ext:
		return B2BCollaborationGuest
	case ext:
		return B2BCollaborationMember
	case guest:
		return InternalGuest
	}
	return NotGuest
}

// Account is what the coverage rules see of one account.
type Account struct {
	ID                string
	UserPrincipalName string
	DisplayName       string
	UserType          string
	Guest             GuestKind
	// RoleTemplateIDs are the lower-case template ids of the directory
	// roles the account holds.
	RoleTemplateIDs []string
	// Groups are the groups it is a member of, directly or nested.
	Groups Membership

	key string // lower-case ID, worked out once by Directory.Account
}

// lowerID is the id as policies' user lists are indexed.
func (a *Account) lowerID() string {
	if a.key != "" {
		return a.key
	}
	return strings.ToLower(a.ID)
}

// HoldsRole reports whether the account holds the role with this template id.
func (a Account) HoldsRole(templateID string) bool {
	return slices.Contains(a.RoleTemplateIDs, strings.ToLower(templateID))
}

// Directory is the tenant's structure indexed once per assessment run:
// group nesting, role holders, named locations and rooms. It is read-only
// once built, so it may be shared.
type Directory struct {
	groups      *groupGraph
	groupsKnown bool
	rolesKnown  bool
	// roleHolders maps a lower-case user id to the lower-case template ids
	// of its roles.
	roleHolders map[string][]string
	// roleTemplate maps a lower-case role template id or role object id to
	// the lower-case template id; policies name template ids, but a
	// hand-written export may name the activated role's id.
	roleTemplate map[string]string
	roleNames    map[string]string // lower-case template id → display name
	locations    map[string]NamedLocation
	rooms        map[string]Room // lower-case e-mail → room
}

// NewDirectory indexes the snapshot's groups, roles, named locations and
// rooms. Duplicate, dangling or cyclic references are tolerated.
func NewDirectory(s *Snapshot) *Directory {
	d := &Directory{
		groups:       newGroupGraph(s.Groups),
		groupsKnown:  present(s, CollGroups),
		rolesKnown:   present(s, CollDirectoryRoles),
		roleHolders:  make(map[string][]string),
		roleTemplate: make(map[string]string),
		roleNames:    make(map[string]string),
		locations:    make(map[string]NamedLocation, len(s.NamedLocations)),
		rooms:        make(map[string]Room, len(s.Rooms)),
	}
	for _, r := range s.Roles {
		tmpl := strings.ToLower(r.TemplateID)
		if tmpl == "" {
			tmpl = strings.ToLower(r.ID)
		}
		d.roleTemplate[tmpl] = tmpl
		if r.ID != "" {
			d.roleTemplate[strings.ToLower(r.ID)] = tmpl
		}
		if r.DisplayName != "" {
			d.roleNames[tmpl] = r.DisplayName
		}
		for _, m := range r.MemberIDs {
			key := strings.ToLower(m)
			if !slices.Contains(d.roleHolders[key], tmpl) {
				d.roleHolders[key] = append(d.roleHolders[key], tmpl)
			}
		}
	}
	for _, l := range s.NamedLocations {
		d.locations[strings.ToLower(l.ID)] = l
	}
	for _, r := range s.Rooms {
		if r.EmailAddress != "" {
			d.rooms[strings.ToLower(r.EmailAddress)] = r
		}
	}
	return d
}

// Account gathers what the rules see of one user.
func (d *Directory) Account(u User) Account {
	key := strings.ToLower(u.ID)
	return Account{
		key:               key,
		ID:                u.ID,
		UserPrincipalName: u.UserPrincipalName,
		DisplayName:       u.DisplayName,
		UserType:          u.UserType,
		Guest:             GuestKindOf(u.UserType, u.UserPrincipalName),
		RoleTemplateIDs:   d.roleHolders[key],
		Groups:            d.groups.membership(key),
	}
}

// templateOf maps a role id named by a policy to a template id.
func (d *Directory) templateOf(id string) string {
	key := strings.ToLower(id)
	if t, ok := d.roleTemplate[key]; ok {
		return t
	}
	return key
}

// roleName is the display name of a role template, or the id itself.
func (d *Directory) roleName(templateID string) string {
	if n, ok := d.roleNames[strings.ToLower(templateID)]; ok {
		return n
	}
	if strings.EqualFold(templateID, RoleDirectorySync) {
		return "Directory Synchronization Accounts"
	}
	if strings.EqualFold(templateID, RoleGlobalAdministrator) {
		return "Global Administrator"
	}
	return templateID
}

// groupName is the display name of a group id, or the id itself.
func (d *Directory) groupName(id string) string {
	if i := d.groups.lookup(id); i >= 0 {
		return d.groups.names[i]
	}
	return id
}

// locationName names a location of a policy for a reason.
func (d *Directory) locationName(id string) (name string, trusted bool) {
	if l, ok := d.locations[strings.ToLower(id)]; ok {
		n := l.DisplayName
		if n == "" {
			n = id
		}
		return n, l.IsTrusted
	}
	return id, false
}

// roomOf returns the room whose address is the account's mail or UPN.
func (d *Directory) roomOf(u *User) (Room, string, bool) {
	if u.Mail != "" {
		if r, ok := d.rooms[strings.ToLower(u.Mail)]; ok {
			return r, "mail", true
		}
	}
	if r, ok := d.rooms[strings.ToLower(u.UserPrincipalName)]; ok && u.UserPrincipalName != "" {
		return r, "UPN", true
	}
	return Room{}, "", false
}

// present says whether the source had a collection. A snapshot that records
// nothing about its collections (Present is nil: built in code, not read
// from a source) is taken as complete.
func present(s *Snapshot, coll string) bool {
	return s.Present == nil || s.Present[coll]
}
