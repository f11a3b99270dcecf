package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

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

// route answers one GET of a Graph path (version stripped, percent-decoded),
// with the request's headers (ConsistencyLevel).
func (s *Server) route(version, path string, q url.Values, h http.Header) answer {
	link := s.URL + "/" + version + path
	segs := strings.Split(strings.Trim(path, "/"), "/")
	t := s.tenant
	filtered := path == "/users" || path == "/users/$count" || path == "/auditLogs/signIns"
	if q.Has("$filter") && !filtered {
		return unsupportedQuery("the emulator supports $filter only on /users (startswith(userPrincipalName,'...')) and /auditLogs/signIns")
	}
	switch {
	case path == "/users/$count":
		return s.countUsers(q, h)
	case len(segs) == 2 && segs[0] == "users":
		return s.user(segs[1], q)
	case path == "/organization":
		return s.list(inventory.CollOrganization, t.folder[inventory.CollOrganization], q, link, defaultLimits(q))
	case path == "/users":
		return s.users(q, h, link)
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
	if a, ok := s.partnerRoute(path, q, link); ok {
		return a
	}
	return errorAnswer(http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+segs[0]+"'.")
}

// unsupportedQuery is Graph's answer to a query a resource does not support.
func unsupportedQuery(why string) answer {
	return errorAnswer(http.StatusBadRequest, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause: "+why+".")
}

// eventual reports whether a request asked for an advanced query
// (ConsistencyLevel: eventual), which $count needs.
func eventual(h http.Header) bool {
	return strings.EqualFold(strings.TrimSpace(h.Get("ConsistencyLevel")), "eventual")
}

// matchingUsers is the indexes of the users a $filter keeps: every one
// without a filter, those whose userPrincipalName starts with the prefix
// (without regard to case, as Graph compares) with one.
func (s *Server) matchingUsers(q url.Values) ([]int, *answer) {
	t := s.tenant
	f := q.Get("$filter")
	if !q.Has("$filter") {
		return t.matching("users", len(t.upns), func(int) bool { return true }), nil
	}
	prefix, err := userFilter(f)
	if err != nil {
		a := unsupportedQuery(err.Error())
		return nil, &a
	}
	prefix = strings.ToLower(prefix)
	return t.matching("users\x00"+prefix, len(t.upns), func(i int) bool { return strings.HasPrefix(t.upns[i], prefix) }), nil
}

// signInActivityRefused is Graph's answer to $select=signInActivity in a
// tenant without an Entra ID P1 licence.
func (s *Server) signInActivityRefused(q url.Values) *answer {
	if selects(q, "signInActivity") && s.forbidden("signInActivity") {
		a := errorAnswer(http.StatusForbidden, "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
			"Neither tenant is B2C or tenant doesn't have premium license")
		return &a
	}
	return nil
}

// users serves /users, filtered by startswith(userPrincipalName,'...') if
// asked, with @odata.count when $count=true comes with ConsistencyLevel:
// eventual (without it Graph ignores $count=true).
func (s *Server) users(q url.Values, h http.Header, link string) answer {
	if s.forbidden(inventory.CollUsers) {
		return forbiddenAnswer()
	}
	if a := s.signInActivityRefused(q); a != nil {
		return *a
	}
	idx, bad := s.matchingUsers(q)
	if bad != nil {
		return *bad
	}
	limit := defaultLimits(q)
	if selects(q, "signInActivity") {
		limit = min(limit, signInActivityPage)
	}
	count := -1
	if strings.EqualFold(q.Get("$count"), "true") && eventual(h) {
		count = len(idx)
	}
	items := s.tenant.folder[inventory.CollUsers]
	return s.page(inventory.CollUsers, len(idx), func(i int) []byte { return items[idx[i]] }, q, link, limit, count)
}

// countUsers answers /users/$count: a plain number, for an advanced query
// only.
func (s *Server) countUsers(q url.Values, h http.Header) answer {
	if s.forbidden(inventory.CollUsers) {
		return forbiddenAnswer()
	}
	if !eventual(h) {
		return errorAnswer(http.StatusBadRequest, "Request_BadRequest", "$count is not currently supported.")
	}
	idx, bad := s.matchingUsers(q)
	if bad != nil {
		return *bad
	}
	return answer{status: http.StatusOK, body: []byte(strconv.Itoa(len(idx))), contentType: "text/plain"}
}

// user answers /users/{id}.
func (s *Server) user(id string, q url.Values) answer {
	if s.forbidden(inventory.CollUsers) {
		return forbiddenAnswer()
	}
	if a := s.signInActivityRefused(q); a != nil {
		return *a
	}
	i, ok := s.tenant.users[id]
	if !ok {
		return errorAnswer(http.StatusNotFound, "Request_ResourceNotFound", "Resource '"+id+"' does not exist or one of its queried reference-property objects are not present.")
	}
	return answer{status: http.StatusOK, body: s.tenant.folder[inventory.CollUsers][i]}
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
	return s.page(collection, len(items), func(i int) []byte { return items[i] }, q, link, limit, -1)
}

// page serves the page $skiptoken points to; count, unless negative, is
// written as @odata.count.
func (s *Server) page(collection string, total int, item func(int) []byte, q url.Values, link string, limit, count int) answer {
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
	b.WriteString(`{"@odata.context":` + strconv.Quote(link+"/$metadata"))
	if count >= 0 {
		b.WriteString(`,"@odata.count":` + strconv.Itoa(count))
	}
	b.WriteString(`,"value":[`)
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
	}, q, link, limit, -1)
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
	return s.page(collection, len(members), func(j int) []byte { return members[j] }, q, link, defaultLimits(q), -1)
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

// signIns serves the sign-in log newest first, honouring the filters
// Graph documents for it: createdDateTime with eq, ge and le, and
// signInEventTypes/any(...). Without an event-type filter Graph lists
// interactive sign-ins only; an item that tells neither its event types nor
// isInteractive is listed either way.
func (s *Server) signIns(q url.Values, link string) answer {
	if s.forbidden(inventory.CollSignIns) {
		return errorAnswer(http.StatusForbidden, "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
			"Neither tenant is B2C or tenant doesn't have premium license")
	}
	f, err := parseSignInFilter(q.Get("$filter"))
	if err != nil {
		return errorAnswer(http.StatusBadRequest, "BadRequest", "Invalid filter clause: "+err.Error()+".")
	}
	items := s.tenant.signIns
	types := f.eventTypes
	if types == nil {
		types = []string{"interactiveUser"}
	}
	idx := s.tenant.matching("signIns\x00"+q.Get("$filter"), len(items), func(i int) bool {
		it := &items[i]
		if !it.at.IsZero() {
			if !f.from.IsZero() && it.at.Before(f.from) || !f.to.IsZero() && it.at.After(f.to) || !f.eq.IsZero() && !it.at.Equal(f.eq) {
				return false
			}
		}
		if it.types == nil {
			return true
		}
		for _, t := range it.types {
			if slices.Contains(types, t) {
				return true
			}
		}
		return false
	})
	return s.page(inventory.CollSignIns, len(idx), func(i int) []byte { return items[idx[i]].item }, q, link, defaultLimits(q), -1)
}

// requirements answers /users/{id}/authentication/requirements: the
// perUserMfaState the folder holds for the user, "disabled" when it holds
// none, 404 for an unknown user.
func (s *Server) requirements(userID string) answer {
	if s.forbidden(inventory.CollPerUserMFA) {
		return forbiddenAnswer()
	}
	if _, ok := s.tenant.users[userID]; !ok {
		return errorAnswer(http.StatusNotFound, "Request_ResourceNotFound", "Resource '"+userID+"' does not exist or one of its queried reference-property objects are not present.")
	}
	body, ok := s.tenant.perUser[userID]
	if !ok {
		body = []byte(`{"perUserMfaState":"disabled"}`)
	}
	return answer{status: http.StatusOK, body: body}
}
