// Package web is mfaboard's HTTP layer: echo routes, middleware and thin
// handlers that parse, authorise, call the store and render a views
// component. echo is imported here only.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/mfaboard/mfaboard/inventory/pg"
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
	// Sync starts a sync from the dashboard (sync.go); nil: this
	// server cannot, and the sync page says so. SyncEvery is the schedule's
	// interval (0: none): the banner calls a last sync stale after twice it.
	Sync      SyncQueue
	SyncEvery time.Duration
	// WhatIf reaches Microsoft's What-If engine; nil: Graph is not
	// configured, and the account page says so instead of a button.
	WhatIf WhatIfGraph
	// Clock tells the sign-in throttles the time; nil: time.Now. Tests
	// freeze it, so a slow machine does not refill a limit mid-test.
	Clock func() time.Time
}

// Server holds the handlers' dependencies.
type Server struct {
	store *pg.Store
	log   *slog.Logger
	echo  *echo.Echo

	sessions    *scs.SessionManager
	signInLimit *attemptLimiter  // failed sign-ins per client address
	accountHold *accountThrottle // failed sign-ins per account, against the addresses failing
	clock       func() time.Time // the throttles' time (Config.Clock)
	oidc        *oidcClient      // nil: no OIDC provider configured

	smtpPassword string // for "send now" (Config.SMTPPassword)

	sync       SyncQueue     // nil: no sync from the dashboard (Config.Sync)
	staleAfter time.Duration // a last sync older than this is stale (sync.go)
	whatIf     WhatIfGraph
}

// New builds the router.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Version != "" {
		views.StaticVersion = cfg.Version
	}
	s := &Server{store: cfg.Store, log: cfg.Logger, echo: echo.New(),
		sessions: newSessions(cfg.Store, cfg.TLS, cfg.Logger), signInLimit: newAttemptLimiter(signInBurst, signInEvery),
		accountHold: newAccountThrottle(), clock: cfg.Clock, smtpPassword: cfg.SMTPPassword,
		sync: cfg.Sync, staleAfter: staleAfter(cfg.SyncEvery), whatIf: cfg.WhatIf}
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
	e.Use(s.shell)
	s.useAuth(e)

	s.routes(e)
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
