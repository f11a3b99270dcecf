package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
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

// answer ends a card action; err is nil when it was done, and after the
// card as the action left it (nil: read it).
func (s *Server) answer(c echo.Context, on cardRef, after *pg.BoardCard, err error) error {
	status, notice, ok := refusalOf(err)
	if !ok {
		return err
	}
	t, id := on.tenant, on.account
	back := backURL(c, accountPath(t, id))
	if isHTMX(c) {
		switch target := c.Request().Header.Get("HX-Target"); {
		case target == "work":
			w, werr := s.workFragment(c, t, id)
			if werr != nil {
				return werr
			}
			w.Notice = notice
			if err != nil {
				keepTyped(c, &w.Request)
			}
			return render(c, status, views.AccountWorkSection(w))
		case strings.HasPrefix(target, "card-"):
			if after == nil {
				bc, cerr := s.store.BoardCard(on.ctx, t.ID, id, time.Now().UTC())
				if cerr != nil {
					return cerr
				}
				after = &bc
			}
			v := cardView(on.actor, t.ID, back, inventory.CanBulkEdit(on.actor) == nil, *after)
			v.Notice = notice
			return render(c, status, views.BoardCard(v))
		}
	}
	return s.backTo(c, t, back, err, func(status int, notice views.Notice) error {
		return s.renderAccount(c, t, id, status, notice)
	})
}

// backTo ends a plain form's action: done (err nil), 303 back to where the
// person was (PRG); refused, that page again with the sentence at the
// refusal's status: the board when the form was on it, else refused's page.
// An error that is no refusal goes to the error handler.
func (s *Server) backTo(c echo.Context, t pg.Tenant, back string, err error, refused func(int, views.Notice) error) error {
	status, notice, ok := refusalOf(err)
	switch {
	case !ok:
		return err
	case err == nil:
		return c.Redirect(http.StatusSeeOther, back)
	}
	if u, perr := url.Parse(back); perr == nil && u.Path == "/board" {
		v, berr := s.boardPage(c, t, u.Query(), notice)
		if berr != nil {
			return err // the board itself cannot be shown: the sentence alone
		}
		return render(c, status, views.Board(v))
	}
	return refused(status, notice)
}

// keepTyped puts what was typed into the exception form back into it, so
// that a refused request does not have to be typed twice.
func keepTyped(c echo.Context, f *views.ExceptionForm) {
	f.Justification, f.CompensatingControls = c.FormValue("justification"), c.FormValue("controls")
	f.Expiry = strings.TrimSpace(c.FormValue("expiry"))
}

// workFragment is the account page's #work part on its own.
func (s *Server) workFragment(c echo.Context, t pg.Tenant, id string) (views.AccountWork, error) {
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
