package emulator

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/mfaboard/mfaboard/inventory"
)

// ForbiddenEvaluate, in Options.Forbidden, makes the What-If evaluation
// answer 403 Authorization_RequestDenied, as Graph does for an app without
// Policy.Read.All.
const ForbiddenEvaluate = "evaluate"

// serveEvaluate answers POST /identity/conditionalAccess/evaluate, Graph's
// What-If evaluation, from the folder's policies. It is a test double: it
// judges the users condition (users, groups with nested groups, roles, All,
// None), the policy's state, the apps condition (All, or the apps asked)
// and client app types, the way the documentation describes them. It does
// not pretend to be Microsoft's engine: locations, platforms, devices, risk
// and guests are not evaluated and never keep a policy from applying.
func (s *Server) serveEvaluate(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "BadRequest", "evaluate takes POST.")
		return
	}
	if s.forbidden(ForbiddenEvaluate) {
		s.deliver(w, forbiddenAnswer())
		return
	}
	var req struct {
		SignInIdentity struct {
			Type   string `json:"@odata.type"`
			UserID string `json:"userId"`
		} `json:"signInIdentity"`
		SignInContext struct {
			IncludeApplications []string `json:"includeApplications"`
		} `json:"signInContext"`
		SignInConditions struct {
			ClientAppType string `json:"clientAppType"`
		} `json:"signInConditions"`
		AppliedPoliciesOnly bool `json:"appliedPoliciesOnly"`
	}
	raw, err := readBody(r)
	if err == nil {
		err = json.Unmarshal(raw, &req)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "BadRequest", "The request body is not JSON: "+err.Error())
		return
	}
	if req.SignInIdentity.UserID == "" || !strings.HasSuffix(req.SignInIdentity.Type, "userSignIn") {
		writeError(w, http.StatusBadRequest, "BadRequest", "signInIdentity must be a #microsoft.graph.userSignIn with a userId.")
		return
	}
	user := req.SignInIdentity.UserID
	if _, ok := s.tenant.users[user]; !ok {
		writeError(w, http.StatusNotFound, "Request_ResourceNotFound", "Resource '"+user+"' does not exist.")
		return
	}
	groups := s.tenant.transitiveGroups(user)
	roles := s.tenant.rolesOf(user)
	var results []json.RawMessage
	for _, raw := range s.tenant.folder[inventory.CollPolicies] {
		var p evalPolicy
		if json.Unmarshal(raw, &p) != nil {
			continue
		}
		reason := p.whyNot(user, groups, roles, req.SignInContext.IncludeApplications, req.SignInConditions.ClientAppType)
		if req.AppliedPoliciesOnly && reason != "notSet" {
			continue
		}
		var fields map[string]json.RawMessage
		_ = json.Unmarshal(raw, &fields)
		fields["policyApplies"], _ = json.Marshal(reason == "notSet")
		fields["analysisReasons"], _ = json.Marshal(reason)
		out, _ := json.Marshal(fields)
		results = append(results, out)
	}
	body, _ := json.Marshal(map[string]any{
		"@odata.context": s.URL + "/v1.0/$metadata#Collection(microsoft.graph.whatIfAnalysisResult)",
		"value":          results,
	})
	s.deliver(w, answer{status: http.StatusOK, body: body})
}

type evalPolicy struct {
	State      string `json:"state"`
	Conditions struct {
		Users struct {
			IncludeUsers  []string `json:"includeUsers"`
			ExcludeUsers  []string `json:"excludeUsers"`
			IncludeGroups []string `json:"includeGroups"`
			ExcludeGroups []string `json:"excludeGroups"`
			IncludeRoles  []string `json:"includeRoles"`
			ExcludeRoles  []string `json:"excludeRoles"`
		} `json:"users"`
		Applications struct {
			IncludeApplications []string `json:"includeApplications"`
			ExcludeApplications []string `json:"excludeApplications"`
		} `json:"applications"`
		ClientAppTypes []string `json:"clientAppTypes"`
	} `json:"conditions"`
}

// whyNot is the policy's analysisReasons for the sign-in: "notSet" when it
// applies.
func (p evalPolicy) whyNot(user string, groups, roles map[string]bool, apps []string, client string) string {
	if p.State != "enabled" && p.State != "enabledForReportingButNotEnforced" {
		return "policyNotEnabled"
	}
	u := p.Conditions.Users
	in := func(ids []string, set map[string]bool) bool {
		for _, id := range ids {
			if set[strings.ToLower(id)] {
				return true
			}
		}
		return false
	}
	me := map[string]bool{strings.ToLower(user): true, "all": true}
	included := in(u.IncludeUsers, me) || in(u.IncludeGroups, groups) || in(u.IncludeRoles, roles)
	excluded := in(u.ExcludeUsers, map[string]bool{strings.ToLower(user): true}) || in(u.ExcludeGroups, groups) || in(u.ExcludeRoles, roles)
	if !included || excluded {
		return "users"
	}
	a := p.Conditions.Applications
	asked := map[string]bool{}
	for _, app := range apps {
		asked[strings.ToLower(app)] = true
	}
	if !(in(a.IncludeApplications, map[string]bool{"all": true}) || in(a.IncludeApplications, asked)) || in(a.ExcludeApplications, asked) {
		return "application"
	}
	if ct := p.Conditions.ClientAppTypes; len(ct) > 0 && !in(ct, map[string]bool{"all": true, strings.ToLower(client): true}) {
		return "clientApps"
	}
	return "notSet"
}

// transitiveGroups is the lower-case ids of the groups the user is in,
// directly or through nested groups.
func (t *tenant) transitiveGroups(user string) map[string]bool {
	parents := map[string][]string{} // member id → groups that list it
	for _, g := range t.groups {
		for _, m := range g.members {
			var head struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(m, &head) == nil && head.ID != "" {
				k := strings.ToLower(head.ID)
				parents[k] = append(parents[k], strings.ToLower(g.id))
			}
		}
	}
	out := map[string]bool{}
	queue := []string{strings.ToLower(user)}
	for len(queue) > 0 {
		next := queue[0]
		queue = queue[1:]
		for _, g := range parents[next] {
			if !out[g] {
				out[g] = true
				queue = append(queue, g)
			}
		}
	}
	return out
}

// rolesOf is the lower-case ids and template ids of the directory roles the
// user holds.
func (t *tenant) rolesOf(user string) map[string]bool {
	out := map[string]bool{}
	for _, ro := range t.roles {
		for _, m := range ro.members {
			var head struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(m, &head) == nil && strings.EqualFold(head.ID, user) {
				var role struct {
					ID         string `json:"id"`
					TemplateID string `json:"roleTemplateId"`
				}
				_ = json.Unmarshal(ro.object, &role)
				out[strings.ToLower(role.ID)] = true
				out[strings.ToLower(role.TemplateID)] = true
			}
		}
	}
	return out
}
