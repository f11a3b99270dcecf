package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// Graph's page limits (GRAPH-EXPORT.md).
const (
	defaultPage        = 100
	maxTop             = 999
	signInActivityPage = 120
	expandPage         = 100
	expandMembers      = 20
)

// route answers one GET of a Graph path (version stripped, percent-decoded).
func (s *Server) route(version, path string, q url.Values) answer {
	link := s.URL + "/" + version + path
	segs := strings.Split(strings.Trim(path, "/"), "/")
	t := s.tenant
	switch {
	case path == "/organization":
		return s.list(inventory.CollOrganization, t.folder[inventory.CollOrganization], q, link, defaultLimits(q))
	case path == "/users":
		if selects(q, "signInActivity") && s.forbidden("signInActivity") {
			return errorAnswer(http.StatusForbidden, "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
				"Neither tenant is B2C or tenant doesn't have premium license")
		}
		limit := defaultLimits(q)
		if selects(q, "signInActivity") {
			limit = min(limit, signInActivityPage)
		}
		return s.list(inventory.CollUsers, t.folder[inventory.CollUsers], q, link, limit)
	case path == "/reports/authenticationMethods/userRegistrationDetails":
		return s.list(inventory.CollRegistrations, t.folder[inventory.CollRegistrations], q, link, defaultLimits(q))
	case path == "/identity/conditionalAccess/policies":
		return s.list(inventory.CollPolicies, t.folder[inventory.CollPolicies], q, link, defaultLimits(q))
	case path == "/identity/conditionalAccess/namedLocations":
		return s.list(inventory.CollNamedLocations, t.folder[inventory.CollNamedLocations], q, link, defaultLimits(q))
	case path == "/policies/identitySecurityDefaultsEnforcementPolicy":
		return s.securityDefaults()
	case path == "/directoryRoles":
		return s.listMembered(inventory.CollDirectoryRoles, t.roles, q, link)
	case len(segs) == 3 && segs[0] == "directoryRoles" && segs[2] == "members":
		return s.listMembers(inventory.CollDirectoryRoles, t.roles, t.roleBy, segs[1], q, link)
	case path == "/groups":
		return s.listMembered(inventory.CollGroups, t.groups, q, link)
	case len(segs) == 3 && segs[0] == "groups" && segs[2] == "members":
		if s.forbidden("groupMembers") {
			return forbiddenAnswer()
		}
		return s.listMembers(inventory.CollGroups, t.groups, t.groupBy, segs[1], q, link)
	case path == "/places/microsoft.graph.room" || path == "/places/graph.room":
		return s.list(inventory.CollRooms, t.folder[inventory.CollRooms], q, link, defaultLimits(q))
	case path == "/auditLogs/signIns":
		return s.signIns(q, link)
	case len(segs) == 4 && segs[0] == "users" && segs[2] == "authentication" && segs[3] == "requirements":
		if version != "beta" {
			return errorAnswer(http.StatusBadRequest, "BadRequest", "Resource not found for the segment 'requirements'.")
		}
		return s.requirements(segs[1])
	}
	return errorAnswer(http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+segs[0]+"'.")
}

func forbiddenAnswer() answer {
	return errorAnswer(http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
}

// defaultLimits is the page size Graph gives a plain collection request.
func defaultLimits(q url.Values) int {
	top := defaultPage
	if v := q.Get("$top"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			top = n
		}
	}
	return min(top, maxTop)
}

func selects(q url.Values, property string) bool {
	for _, p := range strings.Split(q.Get("$select"), ",") {
		if strings.EqualFold(strings.TrimSpace(p), property) {
			return true
		}
	}
	return false
}

func expandsMembers(q url.Values) bool {
	e := strings.TrimSpace(q.Get("$expand"))
	return e == "members" || strings.HasPrefix(e, "members(")
}

// list serves one page of items, with an absolute @odata.nextLink to the
// next one.
func (s *Server) list(collection string, items []json.RawMessage, q url.Values, link string, limit int) answer {
	if s.forbidden(collection) {
		return forbiddenAnswer()
	}
	return s.page(collection, len(items), func(i int) []byte { return items[i] }, q, link, limit)
}

func (s *Server) page(collection string, total int, item func(int) []byte, q url.Values, link string, limit int) answer {
	if s.opts.PageSize > 0 {
		limit = min(limit, s.opts.PageSize)
	}
	offset := 0
	if tok := q.Get("$skiptoken"); tok != "" {
		n, err := strconv.Atoi(tok)
		if err != nil || n < 0 {
			return errorAnswer(http.StatusBadRequest, "Directory_ExpiredPageToken", "The specified page token value has expired and can no longer be included in your request.")
		}
		offset = n
	}
	end := min(offset+limit, total)
	var b bytes.Buffer
	b.WriteString(`{"@odata.context":` + strconv.Quote(link+"/$metadata") + `,"value":[`)
	for i := offset; i < end; i++ {
		if i > offset {
			b.WriteByte(',')
		}
		b.Write(item(i))
	}
	b.WriteByte(']')
	if end < total {
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("$skiptoken", strconv.Itoa(end))
		b.WriteString(`,"@odata.nextLink":` + strconv.Quote(link+"?"+next.Encode()))
	}
	b.WriteByte('}')
	return answer{status: http.StatusOK, body: b.Bytes(), collection: collection}
}

// listMembered serves groups or roles without their members, or with the
// first 20 under $expand=members, as Graph does.
func (s *Server) listMembered(collection string, objects []membered, q url.Values, link string) answer {
	if s.forbidden(collection) {
		return forbiddenAnswer()
	}
	limit := defaultLimits(q)
	expand := expandsMembers(q)
	if expand {
		limit = min(limit, expandPage)
	}
	return s.page(collection, len(objects), func(i int) []byte {
		if expand {
			return objects[i].withMembers(expandMembers)
		}
		return objects[i].object
	}, q, link, limit)
}

func (s *Server) listMembers(collection string, objects []membered, index map[string]int, id string, q url.Values, link string) answer {
	if s.forbidden(collection) {
		return forbiddenAnswer()
	}
	i, ok := index[id]
	if !ok {
		return errorAnswer(http.StatusNotFound, "Request_ResourceNotFound", "Resource '"+id+"' does not exist or one of its queried reference-property objects are not present.")
	}
	members := objects[i].members
	return s.page(collection, len(members), func(j int) []byte { return members[j] }, q, link, defaultLimits(q))
}

func (s *Server) securityDefaults() answer {
	if s.forbidden(inventory.CollSecurityDefaults) {
		return forbiddenAnswer()
	}
	items := s.tenant.folder[inventory.CollSecurityDefaults]
	if len(items) == 0 {
		return errorAnswer(http.StatusNotFound, "Request_ResourceNotFound", "The security defaults policy was not found.")
	}
	return answer{status: http.StatusOK, body: items[0]}
}

var signInSince = regexp.MustCompile(`createdDateTime\s+ge\s+([0-9T:.\-+Z]+)`)

// signIns serves the sign-in log, honouring the createdDateTime lower bound
// of $filter (event types are not filtered: the folder holds both kinds).
func (s *Server) signIns(q url.Values, link string) answer {
	if s.forbidden(inventory.CollSignIns) {
		return errorAnswer(http.StatusForbidden, "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
			"Neither tenant is B2C or tenant doesn't have premium license")
	}
	items := s.tenant.signIns
	if m := signInSince.FindStringSubmatch(q.Get("$filter")); m != nil {
		since, err := time.Parse(time.RFC3339Nano, m[1])
		if err != nil {
			return errorAnswer(http.StatusBadRequest, "BadRequest", "Invalid filter clause: "+m[1]+" is not a date and time.")
		}
		kept := make([]timedItem, 0, len(items))
		for _, it := range items {
			if it.at.IsZero() || !it.at.Before(since) {
				kept = append(kept, it)
			}
		}
		items = kept
	}
	return s.page(inventory.CollSignIns, len(items), func(i int) []byte { return items[i].item }, q, link, defaultLimits(q))
}

// requirements answers /users/{id}/authentication/requirements: the
// perUserMfaState the folder holds for the user, "disabled" when it holds
// none, 404 for an unknown user.
func (s *Server) requirements(userID string) answer {
	if s.forbidden(inventory.CollPerUserMFA) {
		return forbiddenAnswer()
	}
	if !s.tenant.users[userID] {
		return errorAnswer(http.StatusNotFound, "Request_ResourceNotFound", "Resource '"+userID+"' does not exist or one of its queried reference-property objects are not present.")
	}
	body, ok := s.tenant.perUser[userID]
	if !ok {
		body = []byte(`{"perUserMfaState":"disabled"}`)
	}
	return answer{status: http.StatusOK, body: body}
}
