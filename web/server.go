// Package web is mfaboard's HTTP layer: echo routes, middleware and thin
// handlers that parse, authorise, call the store and render a views
// component. echo is imported here only.
package web

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/static"
	"github.com/mfaboard/mfaboard/views"
)

// Config wires the server.
type Config struct {
	Store  *pg.Store
	Logger *slog.Logger
	// Version busts asset caches between releases.
	Version string
	// TLS says the app is served over HTTPS (cookies get Secure).
	TLS bool
	// OIDC turns on "Sign in with Microsoft"; nil leaves local accounts only.
	OIDC *OIDCConfig
	// SMTPPassword signs the report's e-mail in to its SMTP server when it
	// has a user name; cmd reads it from deliver.PasswordEnv. Never stored.
	SMTPPassword string
}

// Server holds the handlers' dependencies.
type Server struct {
	store *pg.Store
	log   *slog.Logger
	echo  *echo.Echo

	sessions    *scs.SessionManager
	signInLimit *attemptLimiter  // failed sign-ins per client address
	accountHold *accountThrottle // failed sign-ins per account, against the addresses failing
	oidc        *oidcClient      // nil: no OIDC provider configured

	smtpPassword string // for "send now" (Config.SMTPPassword)
}

// New builds the router.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Version != "" {
		views.StaticVersion = cfg.Version
	}
	s := &Server{store: cfg.Store, log: cfg.Logger, echo: echo.New(),
		sessions: newSessions(cfg.Store, cfg.TLS, cfg.Logger), signInLimit: newAttemptLimiter(signInBurst, signInEvery),
		accountHold: newAccountThrottle(), smtpPassword: cfg.SMTPPassword}
	if cfg.OIDC != nil {
		s.oidc = &oidcClient{cfg: *cfg.OIDC}
	}
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError

	// Order: recover → secure headers → request id → logging → gzip →
	// body limit → cross-origin protection → timeout → session → user →
	// sign-in required (useAuth).
	e.Use(middleware.Recover())
	e.Use(securityHeaders)
	e.Use(middleware.RequestID())
	e.Use(s.requestLog)
	// PDF and XLSX are compressed already; gzip would only spend CPU on them.
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{Level: 5, Skipper: func(c echo.Context) bool {
		p := c.Request().URL.Path
		return strings.HasSuffix(p, ".pdf") || strings.HasSuffix(p, ".xlsx")
	}}))
	e.Use(middleware.BodyLimit("1M"))
	e.Use(crossOriginProtection())
	e.Use(middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{Timeout: 30 * time.Second}))
	s.useAuth(e)

	assets, _ := fs.Sub(static.FS, ".")
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", cacheForever(http.FileServerFS(filesOnly{assets})))))
	e.GET("/healthz", s.health)
	s.authRoutes(e)
	e.GET("/", func(c echo.Context) error { return c.Redirect(http.StatusSeeOther, "/accounts") })
	e.GET("/accounts", s.accountList)
	e.GET("/accounts/:id", s.accountShow)
	e.GET("/runs", s.runList)
	e.GET("/settings", s.settingsShow)
	e.POST("/settings", s.settingsSave)
	// --- The workflow board (issue 4): board, card actions, exceptions,
	// audit trail. Routes in web/board_routes.go. ---
	s.boardRoutes(e)
	s.readinessRoutes(e) // readiness view and exports (issue 5): web/readiness.go
	s.toolsRoutes(e)     // token check, split planner, tenant switch, delivery: web/tools_routes.go
	return s
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// render writes a component with a status.
func render(c echo.Context, status int, comp templ.Component) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().WriteHeader(status)
	return comp.Render(c.Request().Context(), c.Response().Writer)
}

func (s *Server) health(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Pool().Ping(ctx); err != nil {
		return c.String(http.StatusServiceUnavailable, "database unreachable\n")
	}
	return c.String(http.StatusOK, "ok\n")
}

// handleError is the one place errors become statuses and sentences. Only
// internal errors are logged in full; a person never sees a stack trace.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, msg := http.StatusInternalServerError, "Something went wrong on our side. The error was logged; please try again."
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		status = he.Code
		msg = http.StatusText(status)
		if m, ok := he.Message.(string); ok && m != "" {
			msg = m
		}
		if status == http.StatusNotFound && he.Message == "Not Found" {
			msg = "There is no page at this address."
		}
	case errors.Is(err, context.DeadlineExceeded):
		status, msg = http.StatusServiceUnavailable, "The request took too long and was stopped. Please try again."
	default:
		switch inventory.ErrorCode(err) {
		case inventory.EINVALID:
			status, msg = http.StatusBadRequest, inventory.ErrorMessage(err)
		case inventory.ENOTFOUND:
			status, msg = http.StatusNotFound, inventory.ErrorMessage(err)
		case inventory.EFORBIDDEN:
			status, msg = http.StatusForbidden, inventory.ErrorMessage(err)
		case inventory.ECONFLICT:
			status, msg = http.StatusConflict, inventory.ErrorMessage(err)
		}
	}
	if status >= 500 {
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "status", status, "err", err,
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	if wantsHTML(c.Request()) {
		_ = render(c, status, views.Error(views.ErrorPage{Page: viewerPage(c, views.Page{Title: http.StatusText(status)}), Status: status, Heading: http.StatusText(status), Message: msg}))
		return
	}
	_ = c.JSON(status, map[string]string{"error": msg})
}

func wantsHTML(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	return accept == "" || containsFold(accept, "text/html") || containsFold(accept, "*/*")
}
