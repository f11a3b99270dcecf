package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
)

// splitShow serves GET /split: the tenant split planner of the current
// tenant, for every role.
func (s *Server) splitShow(c echo.Context) error {
	t := tenantOf(c)
	v := views.SplitPlanPage{Page: pageOf(c, "Tenant split planner", "split")}
	plan, err := s.store.SplitPlan(c.Request().Context(), t.ID)
	if err != nil {
		return err
	}
	v.Production = t.Kind == inventory.KindProduction
	for _, o := range knownTenants(c) {
		if o.Kind == inventory.KindProduction && o.ID != t.ID {
			v.ProductionTenants = append(v.ProductionTenants, o.DisplayName)
		}
	}
	v.Total, v.InProduction, v.DeviceLicences = plan.Total, plan.InProduction, plan.DeviceLicences
	v.CSVURL = "/split/moves.csv?tenant=" + url.QueryEscape(t.ID)
	for _, cat := range plan.Categories {
		cv := views.SplitCategoryView{Category: string(cat.Category), Label: cat.Category.Label()}
		for _, m := range cat.Moves {
			cv.Moves = append(cv.Moves, splitMoveView(m))
		}
		v.Categories = append(v.Categories, cv)
	}
	return render(c, http.StatusOK, views.SplitPlan(v))
}

func splitMoveView(m inventory.SplitMove) views.SplitMoveView {
	v := views.SplitMoveView{ID: m.ID, UPN: m.UserPrincipalName, DisplayName: m.DisplayName, Mail: m.Mail, Enabled: m.Enabled,
		Compliance: string(m.Compliance), ComplianceLabel: m.Compliance.Label()}
	if v.DisplayName == "" {
		v.DisplayName = m.UserPrincipalName
	}
	for _, l := range m.Licences {
		v.Licences = append(v.Licences, views.SplitLicenceView{Name: l.Name, SKU: l.SKU, Device: l.Device})
	}
	for _, g := range m.Groups {
		v.Groups = append(v.Groups, g.DisplayName)
	}
	for _, p := range m.Policies {
		v.Policies = append(v.Policies, p.String())
	}
	for _, p := range m.InProduction {
		v.InProduction = append(v.InProduction, productionWords(p))
	}
	return v
}

// productionWords says where an account already exists and why it is
// taken for the same one.
func productionWords(p inventory.ProductionMatch) string {
	return fmt.Sprintf("%s in %s (same %s)", p.UserPrincipalName, p.TenantName, p.By)
}
