package web

import (
	"io/fs"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/static"
)

// routes registers every route the server answers, with the middleware that
// is particular to it. Installed before them all (server.go): sign-in is
// required everywhere but the public paths (publicPath), and cross-origin
// POSTs are refused.
//
// Each route that works in a tenant names how the tenant is found, once per
// request, for tenantOf (tenant.go):
//   - shows: a GET shows the tenant named by ?tenant=, else the one chosen
//     in this session, else the latest synced; before the first sync it
//     answers the empty state;
//   - within: the same, but before the first sync there is nothing to give
//     (an account, a file, a fragment): 404;
//   - framed: the page works without a tenant; its header names one if any;
//   - posted: a form acts on the tenant it was rendered for (postedTenant).
//
// A page that shows what the store holds for the tenant is made by
// showInTenant (tenant.go) from what it reads and the function that makes
// the page of it.
//
// Permissions are checked by the store against the card or tenant as it
// stands (inventory.CanMove and the rest), so a forbidden action is refused
// with 403 and a sentence however it is sent; requireRole refuses a whole
// route to the roles it is not for.
func (s *Server) routes(e *echo.Echo) {
	shows, within, framed := s.shownTenant(emptyState), s.shownTenant(notFound), s.shownTenant(noneNeeded)
	posted := s.postedTenant
	lead := s.requireRole(inventory.SecurityLead)

	assets, _ := fs.Sub(static.FS, ".")
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", cacheForever(http.FileServerFS(filesOnly{assets})))))
	e.GET("/healthz", s.health)
	e.GET("/", s.landing) // where the person's work is (auth_login.go)

	// Signing in and out (public), and user management.
	e.GET("/login", s.loginShow)
	e.POST("/login", s.loginSubmit)
	e.POST("/logout", s.logout)
	e.GET(oidcStartPath, s.oidcStart)
	e.GET(oidcCallbackPath, s.oidcCallback)
	users := e.Group("/users", lead) // every path under /users, unknown ones too
	users.GET("", s.userList)
	users.POST("", s.userCreate)
	users.POST("/:id/reset-password", s.userResetPassword)
	users.POST("/:id/role", s.userSetRole)
	users.POST("/:id/disable", s.userSetDisabled)

	// The tenant switcher in the header.
	e.POST("/tenant", s.tenantSwitch)

	// Accounts and their verdicts; the sync history.
	e.GET("/accounts", s.accountList, shows)
	e.GET("/accounts/:id", s.accountShow, within)
	e.GET("/accounts.csv", s.accountsCSV, within)
	e.GET("/runs", s.runList, framed)
	e.GET("/changes", showInTenant(s.recentChanges, changesPage), shows) // what changed since the last sync: changes.go

	// A sync started by a lead, and its progress (sync.go); an engineer's
	// own cards.
	e.GET("/sync", s.syncShow, framed)
	e.GET("/sync/status", s.syncStatus, framed)
	e.POST("/sync", s.syncStart)
	e.GET("/work", s.myWork, shows)

	// The workflow board (DOMAIN.md §4). Every card action is a plain form
	// POST answered with a redirect back (PRG), or an htmx request answered
	// with the fragment it targets (card.go).
	e.GET("/board", s.boardShow, shows)
	e.GET("/board/column", s.boardColumnMore, within)
	e.POST("/board/bulk", s.boardBulk, lead, posted)
	e.POST("/accounts/:id/move", s.onCard(s.cardMove), posted)
	e.POST("/accounts/:id/assign", s.onCard(s.cardAssign), posted)
	e.POST("/accounts/:id/due", s.onCard(s.cardDue), posted)
	e.POST("/accounts/:id/comment", s.onCard(s.cardComment), posted)
	e.POST("/accounts/:id/override", s.onCard(s.cardOverride), posted)
	e.POST("/accounts/:id/exception", s.onCard(s.exceptionRequest), posted)
	e.POST("/accounts/:id/exception/decide", s.onCard(s.exceptionDecide), posted)
	e.POST("/accounts/:id/whatif", s.whatIfAsk, lead, posted) // Microsoft's second opinion
	e.GET("/exceptions", s.exceptionList, shows)
	e.POST("/exceptions/:id/decide", s.exceptionDecideInPlace, posted)
	e.GET("/audit", s.auditList, framed)
	e.GET("/audit.csv", s.auditCSV, framed)

	// Readiness and its exports, for every role; the deadline is a lead's.
	e.GET("/readiness", showInTenant(s.readinessNow, s.readinessPage), shows)
	e.POST("/readiness/deadline", s.readinessDeadline, lead, posted)
	e.GET("/readiness/report.pdf", s.readinessPDF, within)
	e.GET("/readiness/report.xlsx", s.readinessXLSX, within)

	// Settings and scheduled delivery: everyone reads, leads change.
	e.GET("/settings", showInTenant(s.store.TenantSettings, s.settingsPage), within)
	e.POST("/settings", s.settingsSave, posted)
	e.GET("/settings/delivery", showInTenant(s.store.DeliverySettings, s.deliveryPage), shows)
	e.POST("/settings/delivery", s.deliverySave, lead, posted)
	e.POST("/settings/delivery/send", s.deliverySendNow, lead, posted)

	// What to fix first (issue 11): every role reads the plan; a lead turns
	// a fix into work.
	e.GET("/plan", showInTenant(s.store.FreshPlan, s.planPage), shows)
	e.GET("/plan/fixes/:id", showInTenant(s.store.FreshPlan, s.planFixPage), within)
	e.POST("/plan/fixes/:id/work", s.planFixWork, lead, posted)

	// Tools: the split planner and the token check.
	e.GET("/split", showInTenant(s.store.SplitPlan, splitPage), shows)
	e.GET("/integrations", showInTenant(s.store.Integrations, integrationsPage), shows)
	e.GET("/split/moves.csv", s.splitMovesCSV, within)
	e.GET("/tools/token", s.tokenShow, framed)
	e.POST("/tools/token", s.tokenCheck, framed)
}
