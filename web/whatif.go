package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
)

// WhatIfGraph gives the What-If evaluator that reaches a tenant, or a
// sentence-bearing error when the configured Graph app cannot reach it.
// Config.WhatIf nil means Graph is not configured (the demo).
type WhatIfGraph func(tenantID string) (inventory.WhatIfEvaluator, error)

// whatIfNotConfigured is what the account page says instead of the button
// when no Graph app is configured.
const whatIfNotConfigured = "Asking Microsoft needs a Graph app registration (GRAPH_TENANT_ID, GRAPH_CLIENT_ID and a secret or certificate) with " +
	inventory.WhatIfPermission + "; this dashboard runs without one, so Microsoft cannot be asked from here."

// whatIfAsk serves POST /accounts/:id/whatif: a security lead asks
// Microsoft's What-If engine about the account. The answer is kept with an
// audit event (the store checks the permission in that transaction), and
// the person comes back to the account page, where it shows beside the
// verdict.
func (s *Server) whatIfAsk(c echo.Context) error {
	ctx, t, id, actor := c.Request().Context(), tenantOf(c), accountParam(c), actorOf(c)
	err := s.askMicrosoft(c, t, id, actor)
	if _, _, ok := refusalOf(err); !ok && !errors.Is(err, ctx.Err()) {
		// Graph unreachable or answering an error: a sentence on the page.
		s.log.Warn("what-if evaluation failed", "tenant", t.ID, "account", id, "err", err)
		return s.renderAccount(c, t, id, http.StatusBadGateway, views.Notice{
			Text: "Microsoft could not be asked: " + err.Error(), Tone: "bad"})
	}
	return s.backTo(c, t, accountPath(t, id)+"#whatif", err, func(status int, notice views.Notice) error {
		return s.renderAccount(c, t, id, status, notice)
	})
}

func (s *Server) askMicrosoft(c echo.Context, t inventory.Tenant, id string, actor inventory.Actor) error {
	if s.whatIf == nil {
		return inventory.Errorf(inventory.ECONFLICT, "%s", whatIfNotConfigured)
	}
	if err := inventory.CanAskMicrosoft(actor); err != nil {
		return err
	}
	ev, err := s.whatIf(t.ID)
	if err != nil {
		return err
	}
	asker, err := inventory.NewWhatIfAsker(c.Request().Context(), s.store, ev, actor, t.ID)
	if err != nil {
		return err
	}
	_, err = asker.Ask(c.Request().Context(), actor, id)
	return err
}

// whatIfPanel is the account page's What-If part: the newest answer kept,
// and the button for a lead (or the sentence saying why there is none).
func (s *Server) whatIfPanel(c echo.Context, t inventory.Tenant, id, currentVerdict string) (views.WhatIfPanel, error) {
	p := views.WhatIfPanel{AccountID: id, TenantID: t.ID, CanAsk: inventory.CanAskMicrosoft(actorOf(c)) == nil, CurrentVerdict: currentVerdict}
	if p.CanAsk && s.whatIf == nil {
		p.Unavailable = whatIfNotConfigured
	}
	check, err := s.store.LatestWhatIf(c.Request().Context(), t.ID, id)
	if err != nil || check == nil {
		return p, err
	}
	p.Asked, p.At, p.By = true, check.At, check.ActorName
	p.Verdict, p.VerdictLabel, p.EnforcedBy = string(check.Verdict), check.Verdict.Label(), check.EnforcedBy
	for _, pol := range check.Policies {
		l := views.WhatIfLine{Policy: pol.Name, Grant: pol.Grant, RequiresMFA: pol.RequiresMFA}
		if pol.Applies {
			p.Applied = append(p.Applied, l)
			continue
		}
		l.Why = strings.TrimPrefix(inventory.WhatIfReason(pol.Reasons), "reason: ")
		p.NotApplied = append(p.NotApplied, l)
	}
	for _, d := range check.Disagreements {
		p.Disagreements = append(p.Disagreements, d.Text)
	}
	return p, nil
}

// whatIfCount is the readiness page's count of accounts Microsoft disagrees on.
func (s *Server) whatIfCount(c echo.Context, tenantID string) (views.WhatIfCount, error) {
	disagree, asked, err := s.store.WhatIfDisagreements(c.Request().Context(), tenantID)
	return views.WhatIfCount{Disagree: disagree, Asked: asked,
		AuditHref: "/audit?action=" + inventory.ActionWhatIf + "&tenant=" + url.QueryEscape(tenantID)}, err
}
