package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
)

// expiringWithin is the look-ahead of the "expiring soon" list.
const expiringWithin = 14

// exceptionList serves GET /exceptions: the requests waiting for a
// decision, the granted exceptions ending within 14 days, and every granted
// exception with its expiry.
func (s *Server) exceptionList(c echo.Context) error {
	ctx, t := c.Request().Context(), tenantOf(c)
	v := views.ExceptionsPage{Page: pageOf(c, "Technical exceptions", "exceptions"), Within: expiringWithin}
	now := time.Now().UTC()
	open, err := s.store.OpenExceptions(ctx, t.ID)
	if err != nil {
		return err
	}
	expiring, err := s.store.ExpiringExceptions(ctx, t.ID, expiringWithin*24*time.Hour, now)
	if err != nil {
		return err
	}
	for _, r := range open {
		switch r.Status {
		case inventory.ExceptionStateRequested:
			v.Requests = append(v.Requests, exceptionView(r, now))
		case inventory.ExceptionStateGranted:
			v.Granted = append(v.Granted, exceptionView(r, now))
		}
	}
	for _, r := range expiring {
		v.Expiring = append(v.Expiring, exceptionView(r, now))
	}
	return render(c, http.StatusOK, views.Exceptions(v))
}
