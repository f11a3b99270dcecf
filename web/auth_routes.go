package web

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
)

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

// authRoutes adds sign-in, sign-out and user management.
func (s *Server) authRoutes(e *echo.Echo) {
	e.GET("/login", s.loginShow)
	e.POST("/login", s.loginSubmit)
	e.POST("/logout", s.logout)
	e.GET(oidcStartPath, s.oidcStart)
	e.GET(oidcCallbackPath, s.oidcCallback)

	users := e.Group("/users", s.requireRole(inventory.SecurityLead))
	users.GET("", s.userList)
	users.POST("", s.userCreate)
	users.POST("/:id/reset-password", s.userResetPassword)
	users.POST("/:id/role", s.userSetRole)
	users.POST("/:id/disable", s.userSetDisabled)
}
