package web

import (
	"net/http"
	"sort"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views"
)

// runList serves GET /runs: every sync run with its counts, warnings and
// errors, failed runs included.
func (s *Server) runList(c echo.Context) error {
	ctx := c.Request().Context()
	runs, err := s.store.Runs(ctx, "", 100)
	if err != nil {
		return err
	}
	names := map[string]string{}
	if tenants, err := s.store.Tenants(ctx); err == nil {
		for _, tn := range tenants {
			names[tn.ID] = tn.DisplayName
		}
	}
	v := views.Runs{Page: pageOf(c, "Sync history", "runs")}
	for _, r := range runs {
		v.Runs = append(v.Runs, runView(r, names[r.TenantID]))
	}
	return render(c, http.StatusOK, views.SyncHistory(v))
}

func runView(r pg.Run, tenantName string) views.Run {
	v := views.Run{ID: r.ID, Source: r.Source, Status: r.Status, Started: r.StartedAt, Finished: r.FinishedAt,
		Warnings: r.Warnings, Error: r.Error, TenantName: tenantName}
	if !r.FinishedAt.IsZero() {
		v.Duration = r.FinishedAt.Sub(r.StartedAt).Round(10 * time.Millisecond).String()
	}
	keys := make([]string, 0, len(r.Counts))
	for k := range r.Counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v.Counts = append(v.Counts, views.Count{Label: k, N: r.Counts[k]})
	}
	return v
}
