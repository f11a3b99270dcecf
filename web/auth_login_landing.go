package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
)

// landingPath is where a person lands after signing in, and on /: where
// their work is. A security lead plans what to fix first, an engineer sees
// the cards assigned to them, management reads readiness.
func landingPath(r inventory.Role) string {
	switch r {
	case inventory.SecurityLead:
		return "/plan"
	case inventory.Engineer:
		return "/work"
	case inventory.Management:
		return "/readiness"
	}
	return "/accounts"
}

// landing serves GET /: the signed-in person's landing page. Signing in
// comes here when there is nowhere else to go back to (safeNext).
func (s *Server) landing(c echo.Context) error {
	return c.Redirect(http.StatusSeeOther, landingPath(actorOf(c).Role))
}
