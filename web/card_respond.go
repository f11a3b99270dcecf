package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
)

// Every card action answers the same three ways:
//   - htmx: the fragment it targets as it now stands (the card on the
//     board, #work on the account page), carrying the sentence when the
//     action was refused (400, 403) or lost a race (409);
//   - a plain form that succeeded: 303 back to where the person was (PRG);
//   - a plain form that was refused: that same page, rendered with the
//     sentence, at the refusal's status.
//
// An unknown account (404) and internal errors go to the error handler.

// answer ends a card action on account id; err is nil when it was done.
// keep holds what was typed into the exception form, shown again on a
// refusal so nothing has to be typed twice.
func (s *Server) answer(c echo.Context, t inventory.Tenant, id string, err error, keep *views.ExceptionForm) error {
	status, notice, ok := refusalOf(err)
	if !ok {
		return err
	}
	back := backURL(c, accountPath(t, id))
	if isHTMX(c) {
		switch target := c.Request().Header.Get("HX-Target"); {
		case target == "work":
			w, werr := s.workFragment(c, t, id)
			if werr != nil {
				return werr
			}
			w.Notice = notice
			if keep != nil && err != nil {
				w.Request.Justification, w.Request.CompensatingControls, w.Request.Expiry = keep.Justification, keep.CompensatingControls, keep.Expiry
			}
			return render(c, status, views.AccountWorkSection(w))
		case strings.HasPrefix(target, "card-"):
			bc, cerr := s.boardCardOf(c.Request().Context(), t.ID, id)
			if cerr != nil {
				return cerr
			}
			v := cardView(actorOf(c), t.ID, back, inventory.CanBulkEdit(actorOf(c)) == nil, bc)
			v.Notice = notice
			return render(c, status, views.BoardCard(v))
		}
	}
	if err == nil {
		return c.Redirect(http.StatusSeeOther, back)
	}
	u, perr := url.Parse(back)
	if perr == nil && u.Path == "/board" {
		v, berr := s.boardPage(c, t, u.Query(), notice)
		if berr != nil {
			return err // the board itself cannot be shown: the sentence alone
		}
		return render(c, status, views.Board(v))
	}
	return s.renderAccount(c, t, id, status, notice, keep)
}

// refusalOf maps an action's outcome: nil is done (200 for a fragment);
// a refusal or conflict is its status and sentence; anything else is not
// for answer to show (ok false).
func refusalOf(err error) (status int, notice views.Notice, ok bool) {
	if err == nil {
		return http.StatusOK, views.Notice{}, true
	}
	switch inventory.ErrorCode(err) {
	case inventory.EINVALID:
		return http.StatusBadRequest, views.Notice{Text: inventory.ErrorMessage(err), Tone: "bad"}, true
	case inventory.EFORBIDDEN:
		return http.StatusForbidden, views.Notice{Text: inventory.ErrorMessage(err), Tone: "bad"}, true
	case inventory.ECONFLICT:
		return http.StatusConflict, views.Notice{Text: inventory.ErrorMessage(err), Tone: "warn"}, true
	}
	return 0, views.Notice{}, false
}

// workFragment is the account page's #work part on its own.
func (s *Server) workFragment(c echo.Context, t inventory.Tenant, id string) (views.AccountWork, error) {
	var o *inventory.Override
	if inventory.CanOverride(actorOf(c)) == nil {
		d, err := s.store.Account(c.Request().Context(), t.ID, id)
		if err != nil {
			return views.AccountWork{}, err
		}
		o = d.Override
	}
	return s.accountWork(c, t, id, o)
}
