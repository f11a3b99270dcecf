package inventory

import (
	"strings"
)

// syncPrefix starts the UPN of the account Entra Connect creates for itself.
const syncPrefix = "Sync_"

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// categorize applies DOMAIN.md §1 in its order: guest, room device, service
// account, office worker. The first rule that matches wins, and the reason
// says which rule it was.
func (r *run) categorize(u *User, acc *Account, nw nameWords, ev *evidence) (Category, string) {
	if strings.EqualFold(u.UserType, "Guest") {
		return GuestAccount, "userType is Guest"
	}
	if strings.Contains(strings.ToUpper(u.UserPrincipalName), "#EXT#") {
		return GuestAccount, "UPN contains #EXT#"
	}

	if room, field, ok := r.dir.roomOf(u); ok {
		name := room.DisplayName
		if name == "" {
			name = room.EmailAddress
		}
		return RoomDevice, field + " matches room " + name
	}
	for _, g := range r.roomGroups {
		if chain := acc.Groups.chain(g); chain != nil {
			why := "member of room-device group " + chain[len(chain)-1]
			if len(chain) > 1 {
				why += " through group " + chain[0]
			}
			return RoomDevice, why
		}
	}
	if why, ok := r.roomPatterns.match(nw, "room"); ok {
		return RoomDevice, why
	}

	if acc.HoldsRole(RoleDirectorySync) {
		return ServiceAccount, "holds the Directory Synchronization Accounts role"
	}
	if hasPrefixFold(u.UserPrincipalName, syncPrefix) {
		return ServiceAccount, "UPN starts with Sync_ (Entra Connect)"
	}
	if why, ok := r.servicePatterns.match(nw, "service"); ok {
		return ServiceAccount, why
	}
	// A person's long-lived session also signs in non-interactively for
	// weeks, so interactive silence counts only when it is total.
	if u.LastSignIn.IsZero() && !ev.interactive && (!u.LastNonInteractiveSignIn.IsZero() || ev.nonInteractive) {
		return ServiceAccount, "never signed in interactively but signs in non-interactively"
	}

	if strings.EqualFold(u.UserType, "Member") {
		return OfficeWorker, "member account that no guest, room or service rule matches"
	}
	return OfficeWorker, "no guest, room or service rule matches (userType " + quote(u.UserType) + ")"
}

// category applies a person's override, which wins over the rules.
func (r *run) category(u *User, acc *Account, nw nameWords, ev *evidence) (cat, auto Category, reason string, overridden bool) {
	auto, reason = r.categorize(u, acc, nw, ev)
	o, ok := r.in.Overrides[u.ID]
	if !ok || o.Category == "" {
		return auto, auto, reason, false
	}
	if !validCategory(o.Category) {
		return auto, auto, reason + " (override to unknown category " + quote(string(o.Category)) + " ignored)", false
	}
	return o.Category, auto, overrideReason(o) + "; the rules say " + auto.Label() + " (" + reason + ")", true
}

func overrideReason(o Override) string {
	s := "set by a person"
	if o.Author != "" {
		s = "set by " + o.Author
	}
	if !o.At.IsZero() {
		s += " on " + o.At.UTC().Format("2 Jan 2006")
	}
	if o.Reason != "" {
		s += ": " + o.Reason
	}
	return s
}

func validCategory(c Category) bool {
	for _, v := range Categories {
		if c == v {
			return true
		}
	}
	return false
}
