package web

import (
	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views"
)

// currentTenant is the tenant a page shows: the one named by ?tenant=, else
// the most recently synced. ok is false when nothing has been synced.
func (s *Server) currentTenant(c echo.Context) (pg.Tenant, bool, error) {
	tenants, err := s.store.Tenants(c.Request().Context())
	if err != nil || len(tenants) == 0 {
		return pg.Tenant{}, false, err
	}
	want := c.QueryParam("tenant")
	best := tenants[0]
	for _, t := range tenants {
		if want != "" && t.ID == want {
			return t, true, nil
		}
		if t.LastSyncedAt.After(best.LastSyncedAt) {
			best = t
		}
	}
	return best, true, nil
}

// page fills the frame of a page for a tenant.
func page(t pg.Tenant, title, nav string) views.Page {
	return views.Page{Title: title, Nav: nav, TenantName: t.DisplayName, TenantID: t.ID, TenantKind: string(t.Kind), LastSync: t.LastSyncedAt}
}
