package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// signInSentence is what a client without a session reads.
const signInSentence = "Sign in to use mfaboard: your session is missing or has ended."

// publicPath says which paths answer without a session: the sign-in pages,
// the OIDC round trip, assets and the health check. Everything else, the
// routes added later included, needs a signed-in user.
func publicPath(path string) bool {
	return path == "/login" || path == "/logout" || strings.HasPrefix(path, "/auth/") || withoutSession(path)
}

// useAuth installs sessions, the signed-in user and the sign-in
// requirement, after cross-origin protection and the timeout.
func (s *Server) useAuth(e *echo.Echo) {
	e.Use(s.loadSession, s.loadUser)
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		guarded := requireSignIn(next)
		return func(c echo.Context) error {
			if publicPath(c.Request().URL.Path) {
				return next(c)
			}
			return guarded(c)
		}
	})
}

// requireSignIn lets through requests with a session; the others are sent
// to /login (browsers) or get 401 (everything else). Applied to every route
// but /login, /auth/*, /static/* and /healthz.
func requireSignIn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !signedIn(c) {
			return needSignIn(c)
		}
		return next(c)
	}
}

// needSignIn answers a request that needs a session and has none. A browser
// navigating (GET) comes back to where it was after signing in; an htmx
// request is told to load the sign-in page instead of swapping it into a
// fragment; an API client gets 401 JSON.
func needSignIn(c echo.Context) error {
	req := c.Request()
	target := "/login"
	if req.Method == http.MethodGet || req.Method == http.MethodHead {
		if next := req.URL.RequestURI(); next != "/" {
			target += "?next=" + url.QueryEscape(next)
		}
	}
	if req.Header.Get("HX-Request") == "true" {
		c.Response().Header().Set("HX-Redirect", target)
		return c.JSON(http.StatusUnauthorized, map[string]string{"error": signInSentence})
	}
	if browserNavigation(req) {
		return c.Redirect(http.StatusSeeOther, target)
	}
	return c.JSON(http.StatusUnauthorized, map[string]string{"error": signInSentence})
}

// browserNavigation tells a person's browser from an API client: browsers
// ask for text/html first. A bare "*/*" (curl) is treated as an API client
// so scripts get a status they can check instead of a login page.
func browserNavigation(r *http.Request) bool {
	return strings.Contains(strings.ToLower(r.Header.Get("Accept")), "text/html")
}

// safeNext returns next when it is a path on this site, "/" otherwise: the
// sign-in page must never become an open redirect. Only an absolute path
// with no scheme, no host and no backslash tricks is honoured.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.ContainsAny(u.Path, "\\\r\n\t") {
		return "/"
	}
	if strings.HasPrefix(u.Path, "/login") || strings.HasPrefix(u.Path, "/auth/") || strings.HasPrefix(u.Path, "/logout") {
		return "/"
	}
	return next
}
