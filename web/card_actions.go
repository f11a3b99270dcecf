package web

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
)

// The card's own actions: move, assign, due date, comment. Each is a thin
// parse → store → answer; the store checks the permission (inventory.CanMove
// and the rest) inside its transaction, against the card as it is then, and
// refuses a stale version with a 409.

// maxReasonLength is the most characters a move's reason may have.
const maxReasonLength = 500

// cardMove serves POST /accounts/:id/move (to, version, reason).
func (s *Server) cardMove(c echo.Context) error {
	t, err := s.postedTenant(c)
	if err != nil {
		return err
	}
	id := accountParam(c)
	err = func() error {
		to, err := formStatus(c, "to")
		if err != nil {
			return err
		}
		version, err := formVersion(c)
		if err != nil {
			return err
		}
		reason, err := formReason(c)
		if err != nil {
			return err
		}
		ctx := c.Request().Context()
		before, err := s.store.Card(ctx, t.ID, id)
		if err != nil {
			return err
		}
		if _, err := s.store.MoveCard(ctx, actorOf(c), t.ID, id, to, version, reason); err != nil {
			return err
		}
		// Revoking a granted exception ends it: the verdict loses its
		// "excepted" at once, not at the next sync.
		if before.Status == inventory.ExceptionGranted {
			return s.reassessAfter(c, t.ID)
		}
		return nil
	}()
	return s.answer(c, t, id, err, nil)
}

// cardAssign serves POST /accounts/:id/assign (assignee: a user id, "" for
// nobody; version).
func (s *Server) cardAssign(c echo.Context) error {
	t, err := s.postedTenant(c)
	if err != nil {
		return err
	}
	id := accountParam(c)
	err = func() error {
		version, err := formVersion(c)
		if err != nil {
			return err
		}
		assignee := strings.TrimSpace(c.FormValue("assignee"))
		_, err = s.store.Assign(c.Request().Context(), actorOf(c), t.ID, id, assignee, version)
		return err
	}()
	return s.answer(c, t, id, err, nil)
}

// cardDue serves POST /accounts/:id/due (due: yyyy-mm-dd, "" clears it;
// version).
func (s *Server) cardDue(c echo.Context) error {
	t, err := s.postedTenant(c)
	if err != nil {
		return err
	}
	id := accountParam(c)
	err = func() error {
		version, err := formVersion(c)
		if err != nil {
			return err
		}
		due, err := formDate(c, "due", "due date")
		if err != nil {
			return err
		}
		_, err = s.store.SetDueDate(c.Request().Context(), actorOf(c), t.ID, id, due, version)
		return err
	}()
	return s.answer(c, t, id, err, nil)
}

// cardComment serves POST /accounts/:id/comment (text). A comment changes
// no state, so it names no version: it can never be stale.
func (s *Server) cardComment(c echo.Context) error {
	t, err := s.postedTenant(c)
	if err != nil {
		return err
	}
	id := accountParam(c)
	err = func() error {
		text, err := inventory.ValidateComment(c.FormValue("text"))
		if err != nil {
			return err
		}
		return s.store.Comment(c.Request().Context(), actorOf(c), t.ID, id, text)
	}()
	return s.answer(c, t, id, err, nil)
}

// formReason reads the optional reason given with a move.
func formReason(c echo.Context) (string, error) {
	reason := strings.TrimSpace(c.FormValue("reason"))
	if n := len([]rune(reason)); n > maxReasonLength {
		return "", inventory.Errorf(inventory.EINVALID, "A reason can be at most %d characters; this one has %d.", maxReasonLength, n)
	}
	return reason, nil
}

// reassessAfter applies the rules again to the tenant after a person's
// decision changed what they say (an override, a granted or revoked
// exception), so the verdict shows it at once. The decision itself is
// recorded by then: a failure here is logged, not reported as a failed
// action, and the next sync brings the verdict up to date.
func (s *Server) reassessAfter(c echo.Context, tenantID string) error {
	if _, err := inventory.Reassess(c.Request().Context(), s.store, tenantID, inventory.ReassessOptions{}); err != nil {
		s.log.Error("reassess after a decision failed", "tenant", tenantID, "err", err,
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
	return nil
}
