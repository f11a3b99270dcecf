package web

import (
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
)

// exceptionRequest serves POST /accounts/:id/exception (justification,
// controls, expiry, version): an engineer or security lead asks for a
// technical exception. Every problem with the form is named in one
// sentence, and what was typed is kept.
func (s *Server) exceptionRequest(c echo.Context) error {
	t, err := s.postedTenant(c)
	if err != nil {
		return err
	}
	id := accountParam(c)
	keep := &views.ExceptionForm{
		Justification: c.FormValue("justification"), CompensatingControls: c.FormValue("controls"),
		Expiry: strings.TrimSpace(c.FormValue("expiry")),
	}
	err = func() error {
		version, err := formVersion(c)
		if err != nil {
			return err
		}
		expiry, err := formDate(c, "expiry", "expiry")
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		// The store checks, in this order, the version, who may ask, and
		// the request itself (ExceptionRequest.Validate).
		r := inventory.ExceptionRequest{Justification: keep.Justification, CompensatingControls: keep.CompensatingControls, Expiry: expiry}
		_, err = s.store.RequestException(c.Request().Context(), actorOf(c), t.ID, id, r, version, now)
		return err
	}()
	return s.answer(c, t, id, err, keep)
}

// exceptionDecide serves POST /accounts/:id/exception/decide (decision:
// grant or reject, note, version): a security lead who did not request it
// decides. A grant makes the account excepted at once (reassessed).
func (s *Server) exceptionDecide(c echo.Context) error {
	t, err := s.postedTenant(c)
	if err != nil {
		return err
	}
	id := accountParam(c)
	err = func() error {
		var grant bool
		switch d := c.FormValue("decision"); d {
		case "grant":
			grant = true
		case "reject":
		default:
			return inventory.Errorf(inventory.EINVALID, "Unknown decision %q: grant or reject the exception.", d)
		}
		version, err := formVersion(c)
		if err != nil {
			return err
		}
		note := strings.TrimSpace(c.FormValue("note"))
		if n := len([]rune(note)); n > inventory.MaxCommentLength {
			return inventory.Errorf(inventory.EINVALID, "A decision note can be at most %d characters; this one has %d.", inventory.MaxCommentLength, n)
		}
		if _, err := s.store.DecideException(c.Request().Context(), actorOf(c), t.ID, id, grant, note, version); err != nil {
			return err
		}
		if grant {
			return s.reassessAfter(c, t.ID)
		}
		return nil
	}()
	return s.answer(c, t, id, err, nil)
}
