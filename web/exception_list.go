package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
)

// expiringWithin is the look-ahead of the "expiring soon" list.
const expiringWithin = 14

// exceptionList serves GET /exceptions: the requests waiting for a
// decision, which a security lead decides in place, the granted exceptions
// ending within 14 days, and every granted exception with its expiry.
func (s *Server) exceptionList(c echo.Context) error {
	return s.renderExceptions(c, http.StatusOK, 0, views.Notice{})
}

// renderExceptions renders the page at status, with notice on the request
// refused, if any.
func (s *Server) renderExceptions(c echo.Context, status int, refused int64, notice views.Notice) error {
	ctx, t := c.Request().Context(), tenantOf(c)
	v := views.ExceptionsList{ExceptionsPage: views.ExceptionsPage{Page: pageOf(c, "Technical exceptions", "exceptions"), Within: expiringWithin}}
	now := time.Now().UTC()
	open, err := s.store.OpenExceptions(ctx, t.ID)
	if err != nil {
		return err
	}
	expiring, err := s.store.ExpiringExceptions(ctx, t.ID, expiringWithin*24*time.Hour, now)
	if err != nil {
		return err
	}
	lead := actorOf(c).Role == inventory.SecurityLead // the store checks the rest: not their own request
	for _, r := range open {
		switch r.Status {
		case inventory.ExceptionStateRequested:
			row := views.ExceptionRequestRow{ExceptionView: exceptionView(r, now), ID: r.ID, CanDecide: lead}
			if r.ID == refused {
				row.Notice, notice = notice, views.Notice{}
			}
			v.Requests = append(v.Requests, row)
		case inventory.ExceptionStateGranted:
			v.Granted = append(v.Granted, exceptionView(r, now))
		}
	}
	for _, r := range expiring {
		v.Expiring = append(v.Expiring, exceptionView(r, now))
	}
	v.Notice = notice // the refused request is no longer listed
	return render(c, status, views.Exceptions(v))
}

// exceptionDecideInPlace serves POST /exceptions/:id/decide (decision:
// grant or reject, note): a security lead decides a request from the list.
// The store checks who may (inventory.CanDecideException: a lead who did
// not ask for it) and records the decision. htmx gets the row back, decided
// or with the refusal's sentence; a plain form goes back to the list, or
// sees it again with the sentence.
func (s *Server) exceptionDecideInPlace(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return inventory.Errorf(inventory.ENOTFOUND, "There is no exception request %q.", clip(c.Param("id"), 40))
	}
	grant, err := decisionOf(c.FormValue("decision"))
	if err == nil {
		var note string
		if note, err = formText(c, "note", "A decision note", inventory.MaxCommentLength); err == nil {
			err = s.decideRequest(c, id, grant, note)
		}
	}
	status, notice, ok := refusalOf(err)
	if !ok {
		return err
	}
	if isHTMX(c) && err != nil {
		return s.renderRequestRow(c, status, id, notice)
	}
	if err != nil {
		return s.renderExceptions(c, status, id, notice)
	}
	if isHTMX(c) {
		return nil // decideRequest rendered the decided row
	}
	return backInTenant(c, "/exceptions")
}

// decideRequest decides, reassesses after a grant (the account becomes
// excepted at once) and, for htmx, renders the decided row.
func (s *Server) decideRequest(c echo.Context, id int64, grant bool, note string) error {
	t := tenantOf(c)
	r, err := s.store.DecideExceptionRequest(c.Request().Context(), actorOf(c), t.ID, id, grant, note)
	if err != nil {
		return err
	}
	if grant {
		s.reassessAfter(c, t.ID)
	}
	if !isHTMX(c) {
		return nil
	}
	row := views.ExceptionRequestRow{ExceptionView: exceptionView(r, time.Now().UTC()), ID: r.ID, Decided: true, Note: r.DecisionNote,
		Notice: views.Notice{Text: "Refused: the card is back in planned.", Tone: "info"}}
	if grant {
		row.Notice = views.Notice{Text: "Granted: the account is excepted until " + views.Date(r.Expiry) + ".", Tone: "ok"}
	} else {
		row.StatusLabel = "refused" // as the button said
	}
	return render(c, http.StatusOK, views.ExceptionRequest(row, t.ID))
}

// renderRequestRow answers a refused in-place decision with the row as it
// stands and the sentence.
func (s *Server) renderRequestRow(c echo.Context, status int, id int64, notice views.Notice) error {
	t := tenantOf(c)
	open, err := s.store.OpenExceptions(c.Request().Context(), t.ID)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	for _, r := range open {
		if r.ID == id {
			row := views.ExceptionRequestRow{ExceptionView: exceptionView(r, now), ID: r.ID, Notice: notice,
				CanDecide: r.Status == inventory.ExceptionStateRequested && actorOf(c).Role == inventory.SecurityLead,
				Decided:   r.Status != inventory.ExceptionStateRequested, Note: r.DecisionNote}
			return render(c, status, views.ExceptionRequest(row, t.ID))
		}
	}
	// Decided and gone from the open list (refused, withdrawn): the
	// sentence alone, in the row's place.
	return render(c, status, views.RequestGone(notice))
}

// decisionOf reads the decision field: grant or reject.
func decisionOf(d string) (grant bool, err error) {
	switch d {
	case "grant":
		return true, nil
	case "reject":
		return false, nil
	}
	return false, inventory.Errorf(inventory.EINVALID, "Unknown decision %q: grant or refuse the exception.", clip(d, 40))
}
