package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
	"github.com/mfaboard/mfaboard/views/readiness"
)

// readinessShow serves GET /readiness: the verdict, when the tenant will be
// ready, and the work behind it.
func (s *Server) readinessShow(c echo.Context) error {
	t := tenantOf(c)
	r, err := s.store.Readiness(c.Request().Context(), t.ID, time.Now().UTC())
	if err != nil {
		return err
	}
	v := views.ReadinessPage{
		Page: viewerPage(c, page(t, "Readiness", "readiness")), Report: readiness.New(*r),
		CanSetDeadline: inventory.CanChangeSettings(actorOf(c)) == nil, DeadlineSaved: c.QueryParam("saved") != "",
	}
	if v.Lost, v.Gained, err = s.store.LastSyncChanges(c.Request().Context(), t.ID); err != nil { // changes.go
		return err
	}
	return render(c, http.StatusOK, views.Readiness(v))
}

// readinessDeadline serves POST /readiness/deadline: a security lead sets
// or clears the tenant's enforcement deadline (a date, 2006-01-02, as the
// date input sends it), in the tenant the page showed (postedTenant).
func (s *Server) readinessDeadline(c echo.Context) error {
	t := tenantOf(c)
	var day time.Time
	if c.FormValue("clear") == "" {
		text := strings.TrimSpace(c.FormValue("deadline"))
		if text == "" {
			return inventory.Errorf(inventory.EINVALID, "Choose a deadline date, or clear the deadline.")
		}
		d, err := time.Parse(time.DateOnly, text)
		if err != nil {
			return inventory.Errorf(inventory.EINVALID, "The deadline %q is not a date: use the form's date picker, or write it as 2027-03-31.", text)
		}
		day = d
	}
	if err := s.store.SetDeadline(c.Request().Context(), actorOf(c), t.ID, day); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/readiness?tenant="+url.QueryEscape(t.ID)+"&saved=1")
}
