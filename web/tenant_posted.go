package web

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
)

// postedTenantField is the hidden field in which every form that changes a
// tenant's state names the tenant it was rendered for (views.tenantField).
const postedTenantField = "tenant"

// postedTenant is the tenant a POST changes: the one named in the form's
// body, that is the tenant the page showed when the person filled it in.
//
// It is never the session's choice, nor the action URL's query. Any GET
// ?tenant=, even from a link on another site, switches the tenant the next
// page shows (currentTenant); if a POST followed that choice, settings
// shown for tenant A and saved after B was opened in another tab, or
// through such a link, would be written into B. The field is required: a
// form without it is refused with a 400 rather than guessed at.
func (s *Server) postedTenant(c echo.Context) (inventory.Tenant, error) {
	id := strings.TrimSpace(c.Request().PostFormValue(postedTenantField))
	if id == "" {
		return inventory.Tenant{}, inventory.Errorf(inventory.EINVALID,
			"The form did not say which tenant it changes, so nothing was changed. Reload the page and try again.")
	}
	tenants, err := s.store.Tenants(c.Request().Context())
	if err != nil {
		return inventory.Tenant{}, err
	}
	t, ok := findTenant(tenants, id)
	if !ok {
		return inventory.Tenant{}, inventory.Errorf(inventory.ENOTFOUND,
			"The tenant %q the form names is not in the database, so nothing was changed.", clip(id, 80))
	}
	if err := inventory.CanWorkInTenant(actorOf(c), t.ID); err != nil {
		return inventory.Tenant{}, err
	}
	// A refusal re-renders the page the form was on: its header shows the
	// tenant acted on.
	c.Set(tenantsKey, tenantChoice{all: tenants, current: t.ID})
	return t, nil
}
