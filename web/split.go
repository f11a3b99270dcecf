package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
	"github.com/mfaboard/mfaboard/views/report"
)

// splitPage is GET /split (showInTenant): the tenant split planner of the
// current tenant, for every role.
func splitPage(c echo.Context, t inventory.Tenant, plan inventory.SplitPlan) (templ.Component, error) {
	v := views.SplitPlanPage{Page: pageOf(c, "Tenant split planner", "split"), Production: t.Kind == inventory.KindProduction,
		Total: plan.Total, InProduction: plan.InProduction, DeviceLicences: plan.DeviceLicences,
		CSVURL: tenantURL("/split/moves.csv", t.ID)}
	for _, o := range knownTenants(c) {
		if o.Kind == inventory.KindProduction && o.ID != t.ID {
			v.ProductionTenants = append(v.ProductionTenants, o.DisplayName)
		}
	}
	for _, cat := range plan.Categories {
		cv := views.SplitCategoryView{Category: string(cat.Category), Label: cat.Category.Label()}
		for _, m := range cat.Moves {
			cv.Moves = append(cv.Moves, splitMoveView(m))
		}
		v.Categories = append(v.Categories, cv)
	}
	return views.SplitPlan(v), nil
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

// splitCSVHeader names the move list's columns. Lists within a cell are
// separated by "; ".
var splitCSVHeader = []string{
	"category", "upn", "display_name", "mail", "enabled", "compliance",
	"licences", "licence_skus", "device_licences", "groups", "policies",
	"in_production", "production_accounts",
}

// splitMovesCSV serves GET /split/moves.csv: the move list of the current
// tenant, one row per account, for every role (management exports too; the
// store checks it and records the export).
func (s *Server) splitMovesCSV(c echo.Context) error {
	t := tenantOf(c)
	plan, err := s.store.ExportSplitPlan(c.Request().Context(), actorOf(c), t.ID)
	if err != nil {
		return err
	}
	// Names come from the tenant: the one CSV writer defuses formulas.
	out := &attachmentWriter{c: c, contentType: contentCSV, name: exportName("split-moves", time.Now().UTC(), "csv")}
	w := report.NewCSVWriter(out)
	err = w.Write(splitCSVHeader...)
	for _, cat := range plan.Categories {
		for _, m := range cat.Moves {
			if err == nil {
				err = w.Write(splitCSVRow(m)...)
			}
		}
	}
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	return out.finish(s, "split move list CSV", err)
}

func splitCSVRow(m inventory.SplitMove) []string {
	var licences, skus, devices, groups, policies, prod []string
	for _, l := range m.Licences {
		licences, skus = append(licences, l.Name), append(skus, l.SKU)
		if l.Device {
			devices = append(devices, l.Name)
		}
	}
	for _, g := range m.Groups {
		groups = append(groups, g.DisplayName)
	}
	for _, p := range m.Policies {
		policies = append(policies, p.String())
	}
	for _, p := range m.InProduction {
		prod = append(prod, productionWords(p))
	}
	exists, enabled := "no", "no"
	if m.Exists() {
		exists = "yes"
	}
	if m.Enabled {
		enabled = "yes"
	}
	return []string{
		string(m.Category), m.UserPrincipalName, m.DisplayName, m.Mail, enabled, string(m.Compliance),
		strings.Join(licences, "; "), strings.Join(skus, "; "), strings.Join(devices, "; "),
		strings.Join(groups, "; "), strings.Join(policies, "; "), exists, strings.Join(prod, "; "),
	}
}
