package inventory

import "strings"

// Role is what a user of the dashboard may do (DOMAIN.md §4).
type Role string

const (
	// SecurityLead may do everything: classify, choose paths, assign,
	// verify, decide exceptions, manage users and settings.
	SecurityLead Role = "security_lead"
	// Engineer moves the accounts assigned to them, comments and requests
	// exceptions.
	Engineer Role = "engineer"
	// Management reads everything and exports the readiness report.
	Management Role = "management"
)

// Roles in display order.
var Roles = []Role{SecurityLead, Engineer, Management}

var roleLabels = map[Role]string{
	SecurityLead: "Security lead",
	Engineer:     "Engineer",
	Management:   "Management",
}

// Label returns the human words for a role.
func (r Role) Label() string { return label(roleLabels, r) }

// ParseRole accepts exactly the values of Roles.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", Errorf(EINVALID, "Unknown role %q: use %s.", s, joinOr(Roles))
}

// Actor is who acts: a signed-in user, or the system ("sync", "expiry",
// "cli").
type Actor struct {
	ID     string
	Name   string
	Role   Role // empty for system actors
	System bool
	// Address is where a person acted from (their client's address), kept
	// with the events of user management; "" when unknown or not asked.
	Address string
}

// The system actors. They are not people: they hold no role. SyncActor and
// ExpiryActor may only make the moves AfterSync and AfterExpiry decide;
// CLIActor is whoever runs mfaboard's command line on the server, who may
// manage users (CanManageUsers) and nothing else.
var (
	SyncActor   = Actor{ID: "sync", Name: "Sync", System: true}
	ExpiryActor = Actor{ID: "expiry", Name: "Exception expiry", System: true}
	CLIActor    = Actor{ID: "cli", Name: "Command line", System: true}
)

// person reports whether a is a signed-in user with a role the dashboard
// knows. An actor without an id is refused everything: ownership is checked
// by id, and an empty id would match every unassigned card.
func (a Actor) person() bool {
	if a.System || a.ID == "" {
		return false
	}
	_, known := roleLabels[a.Role]
	return known
}

func (a Actor) is(r Role) bool { return a.person() && a.Role == r }

// signedInAs ends a refusal with who the person is, so they know why.
func (a Actor) signedInAs() string {
	switch {
	case a.System:
		return ""
	case a.is(SecurityLead):
		return "; you are signed in as a security lead"
	case a.is(Engineer):
		return "; you are signed in as an engineer"
	case a.is(Management):
		return "; you are signed in as management"
	case a.ID == "":
		return "; you are not signed in"
	}
	return "; your account has no known role"
}

// joinOr lists values as "a, b or c".
func joinOr[V ~string](values []V) string {
	words := make([]string, len(values))
	for i, v := range values {
		words[i] = string(v)
	}
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
