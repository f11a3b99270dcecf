package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
)

// The tenant a request works in is found once, by the middleware its route
// names in routes.go (shownTenant or postedTenant), and handlers read it with
// tenantOf.

const (
	// sessionTenant is the session key of the tenant a person chose in the
	// header's switcher.
	sessionTenant = "tenant_id"
	// tenantKey is where the middleware leaves the request's tenant.
	tenantKey = "mfaboard.tenant"
	// tenantsKey is where it leaves the tenant list and the chosen tenant's
	// id, for the header's switcher.
	tenantsKey = "mfaboard.tenants"
	// postedTenantField is the hidden field in which every form that
	// changes a tenant's state names the tenant it was rendered for
	// (views.tenantField).
	postedTenantField = "tenant"
)

type tenantChoice struct {
	all     []inventory.Tenant
	current string
}

// tenantOf is the tenant the request works in, as its route's middleware
// found it: the zero Tenant on a route that works without one, before the
// first sync.
func tenantOf(c echo.Context) inventory.Tenant {
	t, _ := c.Get(tenantKey).(inventory.Tenant)
	return t
}

// pageOf is the frame of a page in the request's tenant, for the signed-in
// person.
func pageOf(c echo.Context, title, nav string) views.Page {
	return viewerPage(c, page(tenantOf(c), title, nav))
}

// beforeFirstSync is what a route answers when no tenant has been synced.
type beforeFirstSync int

const (
	noneNeeded beforeFirstSync = iota // the handler runs, with the zero Tenant
	emptyState                        // the page is the empty state
	notFound                          // 404: no account, file or fragment to give
)

// errNoTenant is the 404 of a route that has nothing to give before the
// first sync.
var errNoTenant = inventory.Errorf(inventory.ENOTFOUND, "%s.", views.NoTenantYet)

// shownTenant finds the tenant a GET shows (currentTenant) for tenantOf;
// before the first sync the route answers as none says.
func (s *Server) shownTenant(none beforeFirstSync) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			t, ok, err := s.currentTenant(c)
			switch {
			case err != nil:
				return err
			case !ok && none == emptyState:
				// The nav marks the section the page belongs to: the first
				// step of its path (/settings/delivery is in settings).
				nav, _, _ := strings.Cut(strings.TrimPrefix(c.Path(), "/"), "/")
				return render(c, http.StatusOK, views.NoTenant(viewerPage(c, views.Page{Title: views.NoTenantYet, Nav: nav})))
			case !ok && none == notFound:
				return errNoTenant
			}
			c.Set(tenantKey, t)
			return next(c)
		}
	}
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

// postedTenant is the middleware of the routes that change a tenant's
// state: the tenant a POST changes is the one named in the form's body,
// that is the tenant the page showed when the person filled it in.
//
// It is never the session's choice, nor the action URL's query. Any GET
// ?tenant=, even from a link on another site, switches the tenant the next
// page shows (currentTenant); if a POST followed that choice, settings
// shown for tenant A and saved after B was opened in another tab, or
// through such a link, would be written into B. The field is required: a
// form without it is refused with a 400 rather than guessed at.
func (s *Server) postedTenant(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := strings.TrimSpace(c.Request().PostFormValue(postedTenantField))
		if id == "" {
			return inventory.Errorf(inventory.EINVALID,
				"The form did not say which tenant it changes, so nothing was changed. Reload the page and try again.")
		}
		tenants, err := s.store.Tenants(c.Request().Context())
		if err != nil {
			return err
		}
		t, ok := findTenant(tenants, id)
		if !ok {
			return inventory.Errorf(inventory.ENOTFOUND,
				"The tenant %q the form names is not in the database, so nothing was changed.", clip(id, 80))
		}
		if err := inventory.CanWorkInTenant(actorOf(c), t.ID); err != nil {
			return err
		}
		// A refusal re-renders the page the form was on: its header shows
		// the tenant acted on.
		c.Set(tenantsKey, tenantChoice{all: tenants, current: t.ID})
		c.Set(tenantKey, t)
		return next(c)
	}
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

// knownTenants is the tenant list the middleware read for this request.
func knownTenants(c echo.Context) []inventory.Tenant {
	choice, _ := c.Get(tenantsKey).(tenantChoice)
	return choice.all
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

// withTenantSwitch fills the header's switcher from the tenants the
// middleware read.
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

// showInTenant is the handler of a page that shows what the store holds for
// the request's tenant: read it, make the page of it, render the page (200).
// A failure of either goes to the error handler.
func showInTenant[D any](read func(ctx context.Context, tenantID string) (D, error),
	show func(c echo.Context, t inventory.Tenant, d D) (templ.Component, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		t := tenantOf(c)
		d, err := read(c.Request().Context(), t.ID)
		if err != nil {
			return err
		}
		p, err := show(c, t, d)
		if err != nil {
			return err
		}
		return render(c, http.StatusOK, p)
	}
}

// saveInTenant is the one scaffold of a settings form's POST, in the tenant
// the form was shown for (postedTenant): read what is stored, read the form
// over it and store it (the store checks who may and validates, and records
// the change), then done. A refusal of what was typed (EINVALID) shows the
// form again at 400, as refused makes it from what is stored and the
// sentence; any other failure goes to the error handler.
func saveInTenant[T any](c echo.Context,
	load func(ctx context.Context, tenantID string) (T, error),
	fromForm func(c echo.Context, old T) (T, error),
	save func(ctx context.Context, a inventory.Actor, tenantID string, v T) error,
	refused func(t inventory.Tenant, old T, sentence string) templ.Component,
	done func(t inventory.Tenant) error) error {
	ctx, t := c.Request().Context(), tenantOf(c)
	old, err := load(ctx, t.ID)
	if err != nil {
		return err
	}
	v, err := fromForm(c, old)
	if err == nil {
		err = save(ctx, actorOf(c), t.ID, v)
	}
	if inventory.ErrorCode(err) == inventory.EINVALID {
		return render(c, http.StatusBadRequest, refused(t, old, inventory.ErrorMessage(err)))
	}
	if err != nil {
		return err
	}
	return done(t)
}

// tenantURL is the URL of a page of tenant id: path?tenant=id, then the
// pairs of more (name, value, …) as further parameters, in their order.
func tenantURL(path, id string, more ...string) string {
	u := path + "?tenant=" + url.QueryEscape(id)
	for i := 0; i+1 < len(more); i += 2 {
		u += "&" + url.QueryEscape(more[i]) + "=" + url.QueryEscape(more[i+1])
	}
	return u
}

// backInTenant ends a form's POST (PRG): back to a page of the tenant the
// form acted on, with more as tenantURL adds them.
func backInTenant(c echo.Context, path string, more ...string) error {
	return c.Redirect(http.StatusSeeOther, tenantURL(path, tenantOf(c).ID, more...))
}
