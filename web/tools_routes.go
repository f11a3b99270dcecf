package web

import (
	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
)

// toolsRoutes adds the tools of issue 5 beside the readiness report: the
// token check, the tenant switcher and split planner, and the scheduled
// delivery settings. Every route needs a signed-in user (useAuth); the
// changes to delivery need a security lead.
func (s *Server) toolsRoutes(e *echo.Echo) {
	e.GET("/tools/token", s.tokenShow)
	e.POST("/tools/token", s.tokenCheck)

	e.POST("/tenant", s.tenantSwitch)
	e.GET("/split", s.splitShow)
	e.GET("/split/moves.csv", s.splitMovesCSV)

	e.GET("/settings/delivery", s.deliveryShow)
	e.POST("/settings/delivery", s.deliverySave, s.requireRole(inventory.SecurityLead))
	e.POST("/settings/delivery/send", s.deliverySendNow, s.requireRole(inventory.SecurityLead))
}
