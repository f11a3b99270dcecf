package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/views"
)

// myWork serves GET /work: the cards assigned to the signed-in person that
// are still in hand, soonest due first, the overdue ones flagged. It is an
// engineer's landing page; anyone may open their own.
func (s *Server) myWork(c echo.Context) error {
	t, a, now := tenantOf(c), actorOf(c), time.Now().UTC()
	cards, more, err := s.store.AssignedWork(c.Request().Context(), t.ID, a.ID, now)
	if err != nil {
		return err
	}
	v := views.MyWork{Page: pageOf(c, "My work", "work"), More: more, BoardHref: "/board?mine=1&tenant=" + url.QueryEscape(t.ID)}
	for _, bc := range cards {
		r := views.WorkRow{AccountID: bc.AccountID, UPN: bc.UserPrincipalName, DisplayName: bc.DisplayName,
			StatusLabel: bc.Status.Label(), Compliance: string(bc.Compliance), ComplianceLabel: bc.Compliance.Label(),
			PathLabel: bc.Path.Label(), Due: bc.DueDate, Overdue: bc.Overdue}
		if r.DisplayName == "" {
			r.DisplayName = r.UPN
		}
		for _, m := range bc.Markers {
			r.Markers = append(r.Markers, views.Badge{Value: string(m), Label: m.Label()})
		}
		if r.Overdue {
			v.Overdue++
		}
		v.Rows = append(v.Rows, r)
	}
	return render(c, http.StatusOK, views.MyWorkPage(v))
}
