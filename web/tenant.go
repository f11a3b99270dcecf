package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
)

// sessionTenant is the session key of the tenant a person chose in the
// header's switcher.
const sessionTenant = "tenant_id"

// tenantsKey is where currentTenant leaves the tenant list and the chosen
// tenant's id for the header's switcher.
const tenantsKey = "mfaboard.tenants"

type tenantChoice struct {
	all     []inventory.Tenant
	current string
}

// currentTenant is the tenant a page shows: the one named by ?tenant=
// (which becomes the session's choice), else the one chosen in this
// session, else the most recently synced. ok is false when nothing has
// been synced.
func (s *Server) currentTenant(c echo.Context) (inventory.Tenant, bool, error) {
	ctx := c.Request().Context()
	tenants, err := s.store.Tenants(ctx)
	if err != nil || len(tenants) == 0 {
		return inventory.Tenant{}, false, err
	}
	t, ok := findTenant(tenants, c.QueryParam("tenant"))
	if ok && s.sessions.GetString(ctx, sessionTenant) != t.ID {
		s.sessions.Put(ctx, sessionTenant, t.ID)
	}
	if !ok {
		t, ok = findTenant(tenants, s.sessions.GetString(ctx, sessionTenant))
	}
	if !ok {
		t = tenants[0]
		for _, o := range tenants {
			if o.LastSyncedAt.After(t.LastSyncedAt) {
				t = o
			}
		}
	}
	c.Set(tenantsKey, tenantChoice{all: tenants, current: t.ID})
	return t, true, nil
}

func findTenant(tenants []inventory.Tenant, id string) (inventory.Tenant, bool) {
	if id == "" {
		return inventory.Tenant{}, false
	}
	for _, t := range tenants {
		if t.ID == id {
			return t, true
		}
	}
	return inventory.Tenant{}, false
}

// tenantSwitch serves POST /tenant: keep the chosen tenant in the session
// and go back to the page the person was on.
func (s *Server) tenantSwitch(c echo.Context) error {
	ctx := c.Request().Context()
	tenants, err := s.store.Tenants(ctx)
	if err != nil {
		return err
	}
	t, ok := findTenant(tenants, strings.TrimSpace(c.FormValue("tenant")))
	if !ok {
		return inventory.Errorf(inventory.ENOTFOUND, "That tenant is not in the database: choose one of the tenants in the list.")
	}
	s.sessions.Put(ctx, sessionTenant, t.ID)
	return c.Redirect(http.StatusSeeOther, switchBack(c.FormValue("next")))
}

// switchBack is where the switcher returns: the same page, but a page of one
// account goes back to the list, since the account belongs to the tenant
// left behind.
func switchBack(next string) string {
	next = safeNext(next)
	if path, _, _ := strings.Cut(next, "?"); strings.HasPrefix(path, "/accounts/") {
		return "/accounts"
	}
	return next
}

// withTenantSwitch fills the header's switcher from what currentTenant saw.
func withTenantSwitch(c echo.Context, p views.Page) views.Page {
	choice, ok := c.Get(tenantsKey).(tenantChoice)
	if !ok || len(choice.all) < 2 {
		return p
	}
	p.Tenants = make([]views.TenantOption, len(choice.all))
	for i, t := range choice.all {
		p.Tenants[i] = views.TenantOption{ID: t.ID, Name: t.DisplayName, Kind: string(t.Kind), Current: t.ID == choice.current}
	}
	p.Here = c.Request().URL.Path
	return p
}

// page fills the frame of a page for a tenant.
func page(t inventory.Tenant, title, nav string) views.Page {
	return views.Page{Title: title, Nav: nav, TenantName: t.DisplayName, TenantID: t.ID, TenantKind: string(t.Kind), LastSync: t.LastSyncedAt}
}
