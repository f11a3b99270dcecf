package web

import (
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views/report"
)

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
