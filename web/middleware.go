package web

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// contentSecurityPolicy allows no inline script and nothing from elsewhere.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if c.Request().TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		return next(c)
	}
}

// crossOriginProtection refuses state-changing requests from other sites
// (Go's http.CrossOriginProtection: Sec-Fetch-Site and Origin checks) with a
// sentence rather than a bare 403.
func crossOriginProtection() echo.MiddlewareFunc {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte("This request came from another site and was refused. Use mfaboard's own pages to make changes.\n"))
	}))
	return echo.WrapMiddleware(cop.Handler)
}

// requestLog logs one line per request: never bodies, tokens or cookies.
func (s *Server) requestLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		req := c.Request()
		level := slog.LevelDebug
		if strings.HasPrefix(req.URL.Path, "/static/") || req.URL.Path == "/healthz" {
			level = slog.LevelDebug - 4
		} else if c.Response().Status >= 500 {
			level = slog.LevelWarn
		} else {
			level = slog.LevelInfo
		}
		s.log.Log(req.Context(), level, "request", "method", req.Method, "path", req.URL.Path,
			"status", c.Response().Status, "duration_ms", time.Since(start).Milliseconds(),
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
		return nil
	}
}

// cacheForever lets browsers keep versioned assets.
func cacheForever(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("v") != "" {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		}
		h.ServeHTTP(w, r)
	})
}

func containsFold(s, sub string) bool { return strings.Contains(strings.ToLower(s), sub) }

// shell lets every page's frame read the sync banner and the lead's count of
// open exception requests (withShell, sync.go).
func (s *Server) shell(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(shellKey, s)
		return next(c)
	}
}
