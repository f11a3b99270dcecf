package web

import (
	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
)

// boardRoutes adds the workflow board's routes (DOMAIN.md §4). Every
// action is a plain form POST answered with a redirect back (PRG), and an
// htmx request answered with the fragment it targets. Sign-in is required
// by useAuth; each action's permission is checked by the store against the
// card as it stands (inventory.CanMove and the rest), so a forbidden action
// is refused with 403 and a sentence however it is sent.
func (s *Server) boardRoutes(e *echo.Echo) {
	e.GET("/board", s.boardShow)
	e.GET("/board/column", s.boardColumnMore)
	e.POST("/board/bulk", s.boardBulk, s.requireRole(inventory.SecurityLead))

	e.POST("/accounts/:id/move", s.cardMove)
	e.POST("/accounts/:id/assign", s.cardAssign)
	e.POST("/accounts/:id/due", s.cardDue)
	e.POST("/accounts/:id/comment", s.cardComment)
	e.POST("/accounts/:id/override", s.cardOverride)
	e.POST("/accounts/:id/exception", s.exceptionRequest)
	e.POST("/accounts/:id/exception/decide", s.exceptionDecide)

	e.GET("/exceptions", s.exceptionList)
	e.GET("/audit", s.auditList)
	e.GET("/audit.csv", s.auditCSV)
}
