package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	msgraphsdk "github.com/microsoftgraph/msgraph-sdk-go"
	"github.com/microsoftgraph/msgraph-sdk-go/identity"
	"github.com/microsoftgraph/msgraph-sdk-go/models"

	"github.com/mfaboard/mfaboard/inventory"
)

// EvaluateSignIn asks Microsoft's What-If engine (v1.0 POST
// /identity/conditionalAccess/evaluate) which Conditional Access policies
// apply to a sign-in of the user to all cloud apps from a browser, and what
// they grant. Every policy comes back (appliedPoliciesOnly false), so one
// that does not apply says why. The SDK's request builder writes the body;
// the answer is read as the JSON Graph wrote, like every other answer
// (the SDK's typed model would turn an analysisReasons value it does not
// know into nil). A 403 becomes a sentence naming the permission.
func (c *Client) EvaluateSignIn(ctx context.Context, userID string) ([]inventory.WhatIfPolicy, error) {
	who := models.NewUserSignIn()
	who.SetUserId(&userID)
	app := models.NewApplicationContext()
	app.SetIncludeApplications([]string{"All"})
	cond := models.NewSignInConditions()
	browser := models.BROWSER_CONDITIONALACCESSCLIENTAPP
	cond.SetClientAppType(&browser)
	body := identity.NewConditionalAccessEvaluatePostRequestBody()
	body.SetSignInIdentity(who)
	body.SetSignInContext(app)
	body.SetSignInConditions(cond)
	all := false
	body.SetAppliedPoliciesOnly(&all)
	// The service client registers the SDK's JSON serializer, which writes
	// the typed body.
	ri, err := msgraphsdk.NewGraphServiceClient(c.adapter).Identity().ConditionalAccess().Evaluate().
		ToPostRequestInformation(ctx, body, nil)
	if err != nil {
		return nil, fmt.Errorf("what-if request: %w", err)
	}
	// The builder's template starts at {+baseurl}, which the adapter sets to
	// the base URL without the version this client keeps out of it.
	ri.UrlTemplate = strings.Replace(ri.UrlTemplate, "{+baseurl}", "{+baseurl}/v1.0", 1)
	answer, err := c.send(ctx, ri)
	if err != nil {
		if st := statusOf(err); st == http.StatusForbidden || st == http.StatusUnauthorized && strings.Contains(err.Error(), "Authorization_RequestDenied") {
			return nil, inventory.Errorf(inventory.EFORBIDDEN,
				"Microsoft refused the What-If evaluation: the app needs the Graph permission %s, granted with admin consent (%v).", inventory.WhatIfPermission, err)
		}
		return nil, fmt.Errorf("what-if evaluation of user %s: %w", userID, err)
	}
	return whatIfPolicies(answer)
}

// whatIfPolicies reads the collection of whatIfAnalysisResult.
func whatIfPolicies(body []byte) ([]inventory.WhatIfPolicy, error) {
	var page struct {
		Value []struct {
			ID             string `json:"id"`
			DisplayName    string `json:"displayName"`
			State          string `json:"state"`
			PolicyApplies  bool   `json:"policyApplies"`
			AnalysisReason string `json:"analysisReasons"`
			GrantControls  *struct {
				Operator               string   `json:"operator"`
				BuiltInControls        []string `json:"builtInControls"`
				AuthenticationStrength *struct {
					ID          string `json:"id"`
					DisplayName string `json:"displayName"`
				} `json:"authenticationStrength"`
			} `json:"grantControls"`
		} `json:"value"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return nil, fmt.Errorf("the What-If answer is not the collection Graph documents: %w", err)
	}
	out := make([]inventory.WhatIfPolicy, 0, len(page.Value))
	for _, v := range page.Value {
		p := inventory.WhatIfPolicy{ID: v.ID, Name: v.DisplayName, State: v.State, Applies: v.PolicyApplies, Reasons: v.AnalysisReason}
		if g := v.GrantControls; g != nil {
			var parts []string
			for _, b := range g.BuiltInControls {
				parts = append(parts, b)
				if strings.EqualFold(b, "mfa") {
					p.RequiresMFA = true
				}
			}
			if s := g.AuthenticationStrength; s != nil && (s.ID != "" || s.DisplayName != "") {
				name := s.DisplayName
				if name == "" {
					name = s.ID
				}
				parts = append(parts, "authentication strength "+name)
				p.RequiresMFA = true
			}
			op := strings.ToUpper(g.Operator)
			if op == "" {
				op = "OR"
			}
			p.Grant = strings.Join(parts, " "+op+" ")
		}
		if p.Grant == "" {
			p.Grant = "no grant control"
		}
		out = append(out, p)
	}
	return out, nil
}

// Paced returns a context under which requests share one pacer: at most
// most in flight, fewer while Graph throttles (the window a sync uses), for
// a run of What-If evaluations.
func Paced(ctx context.Context, most int) context.Context {
	most = max(most, 1)
	return fetchPacer.with(ctx, newPacer(1, most))
}

// Serves says whether the configuration reaches the tenant the dashboard
// synced as tenantID: an app registration signs in to one tenant
// (GRAPH_TENANT_ID); a pasted token names none, so it is taken at its word.
func (c Config) Serves(tenantID string) error {
	if c.TenantID == "" || strings.EqualFold(strings.TrimSpace(c.TenantID), tenantID) {
		return nil
	}
	return inventory.Errorf(inventory.EINVALID, "Graph is configured for tenant %s (%s), not for tenant %s: Microsoft can only be asked about the tenant the app signs in to.", c.TenantID, EnvTenantID, tenantID)
}
