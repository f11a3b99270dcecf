package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views"
)

// The actions on one account's card: move, assign, due date, comment,
// override, and a technical exception's request and decision. Each is a
// thin parse → store; onCard does the rest. The store checks the permission
// (inventory.CanMove and the rest) inside its transaction, against the card
// as it is then, and refuses a stale version with a 409.

// Limits of the free text the card's forms take.
const (
	maxReasonLength         = inventory.MaxReasonLength // a move's reason
	maxOverrideReasonLength = inventory.MaxReasonLength // an override's reason
)

// cardAction is one action on a card. It returns the card as the store left
// it, or nil for the card to be read again: an action that returns none, or
// whose reassessment changed the verdict.
type cardAction func(c echo.Context, on cardRef) (*pg.BoardCard, error)

// cardRef is the card an action is on, and who acts.
type cardRef struct {
	ctx     context.Context
	actor   inventory.Actor
	tenant  inventory.Tenant
	account string
}

// onCard serves the route of a card action: on the account in the path, in
// the tenant the form was rendered for (postedTenant), answered as every
// card action is (answer).
func (s *Server) onCard(act cardAction) echo.HandlerFunc {
	return func(c echo.Context) error {
		on := cardRef{ctx: c.Request().Context(), actor: actorOf(c), tenant: tenantOf(c), account: accountParam(c)}
		after, err := act(c, on)
		return s.answer(c, on, after, err)
	}
}

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
			if err != nil { // a refused move keeps the column chosen and the reason typed
				v.Moves = selectOne(v.Moves, c.FormValue("to"))
				v.Reason = c.FormValue("reason")
			}
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
func (s *Server) backTo(c echo.Context, t inventory.Tenant, back string, err error, refused func(int, views.Notice) error) error {
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

// cardMove serves POST /accounts/:id/move (to, version, reason).
func (s *Server) cardMove(c echo.Context, on cardRef) (*pg.BoardCard, error) {
	to, err := formStatus(c, "to")
	if err != nil {
		return nil, err
	}
	version, err := formVersion(c)
	if err != nil {
		return nil, err
	}
	reason, err := formText(c, "reason", "A reason", maxReasonLength)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	before, err := s.store.BoardCard(on.ctx, on.tenant.ID, on.account, now)
	if err != nil {
		return nil, err
	}
	moved, err := s.store.MoveCard(on.ctx, on.actor, on.tenant.ID, on.account, to, version, reason)
	if err != nil {
		return nil, err
	}
	// Revoking a granted exception ends it: the verdict loses its
	// "excepted" at once, not at the next sync.
	if before.Status == inventory.ExceptionGranted {
		s.reassessAfter(c, on.tenant.ID)
		return nil, nil
	}
	after := before.With(moved, now)
	return &after, nil
}

// cardAssign serves POST /accounts/:id/assign (assignee: a user id, "" for
// nobody; version).
func (s *Server) cardAssign(c echo.Context, on cardRef) (*pg.BoardCard, error) {
	version, err := formVersion(c)
	if err != nil {
		return nil, err
	}
	assignee := strings.TrimSpace(c.FormValue("assignee"))
	_, err = s.store.Assign(on.ctx, on.actor, on.tenant.ID, on.account, assignee, version)
	return nil, err
}

// cardDue serves POST /accounts/:id/due (due: yyyy-mm-dd, "" clears it;
// version).
func (s *Server) cardDue(c echo.Context, on cardRef) (*pg.BoardCard, error) {
	version, due, err := versionedDate(c, "due", "due date")
	if err != nil {
		return nil, err
	}
	_, err = s.store.SetDueDate(on.ctx, on.actor, on.tenant.ID, on.account, due, version)
	return nil, err
}

// cardComment serves POST /accounts/:id/comment (text). A comment changes
// no state, so it names no version: it can never be stale.
func (s *Server) cardComment(c echo.Context, on cardRef) (*pg.BoardCard, error) {
	text, err := inventory.ValidateComment(c.FormValue("text"))
	if err != nil {
		return nil, err
	}
	return nil, s.store.Comment(on.ctx, on.actor, on.tenant.ID, on.account, text)
}

// cardOverride serves POST /accounts/:id/override (category, path, reason):
// a security lead's answer that wins over the automatic one. Both empty
// removes the override. The verdict is reassessed at once.
func (s *Server) cardOverride(c echo.Context, on cardRef) (*pg.BoardCard, error) {
	if err := inventory.CanOverride(on.actor); err != nil {
		return nil, err
	}
	category, err := formEnum("category", strings.TrimSpace(c.FormValue("category")), inventory.Categories)
	if err != nil {
		return nil, err
	}
	path, err := formEnum("path", strings.TrimSpace(c.FormValue("path")), inventory.Paths)
	if err != nil {
		return nil, err
	}
	reason, err := formText(c, "reason", "A reason", maxOverrideReasonLength)
	if err != nil {
		return nil, err
	}
	if (category != "" || path != "") && reason == "" {
		return nil, inventory.Errorf(inventory.EINVALID, "An override needs a reason: say why the automatic answer is wrong for this account.")
	}
	o := inventory.Override{Category: category, Path: path, Author: on.actor.Name, Reason: reason}
	if err := s.store.SetOverrideAs(on.ctx, on.actor, on.tenant.ID, on.account, o); err != nil {
		return nil, err
	}
	s.reassessAfter(c, on.tenant.ID)
	return nil, nil
}

// exceptionRequest serves POST /accounts/:id/exception (justification,
// controls, expiry, version): an engineer or security lead asks for a
// technical exception. Every problem with the form is named in one
// sentence, and what was typed is kept (keepTyped).
func (s *Server) exceptionRequest(c echo.Context, on cardRef) (*pg.BoardCard, error) {
	version, expiry, err := versionedDate(c, "expiry", "expiry")
	if err != nil {
		return nil, err
	}
	// The store checks, in this order, the version, who may ask, and the
	// request itself (ExceptionRequest.Validate).
	r := inventory.ExceptionRequest{Justification: c.FormValue("justification"), CompensatingControls: c.FormValue("controls"), Expiry: expiry}
	_, err = s.store.RequestException(on.ctx, on.actor, on.tenant.ID, on.account, r, version, time.Now().UTC())
	return nil, err
}

// exceptionDecide serves POST /accounts/:id/exception/decide (decision:
// grant or reject, note, version): a security lead who did not request it
// decides. A grant makes the account excepted at once (reassessed).
func (s *Server) exceptionDecide(c echo.Context, on cardRef) (*pg.BoardCard, error) {
	grant, err := decisionOf(c.FormValue("decision")) // exception_list.go
	if err != nil {
		return nil, err
	}
	version, err := formVersion(c)
	if err != nil {
		return nil, err
	}
	note, err := formText(c, "note", "A decision note", inventory.MaxCommentLength)
	if err != nil {
		return nil, err
	}
	if _, err := s.store.DecideException(on.ctx, on.actor, on.tenant.ID, on.account, grant, note, version); err != nil {
		return nil, err
	}
	if grant {
		s.reassessAfter(c, on.tenant.ID)
	}
	return nil, nil
}

// versionedDate reads the card version a form was made on (formVersion)
// and its date field (formDate), the version first.
func versionedDate(c echo.Context, field, what string) (int64, time.Time, error) {
	version, err := formVersion(c)
	if err != nil {
		return 0, time.Time{}, err
	}
	day, err := formDate(c, field, what)
	return version, day, err
}

// reassessAfter applies the rules again to the tenant after a person's
// decision changed what they say (an override, a granted or revoked
// exception), so the verdict shows it at once. The decision itself is
// recorded by then: a failure here is logged, not reported as a failed
// action, and the next sync brings the verdict up to date.
func (s *Server) reassessAfter(c echo.Context, tenantID string) {
	if _, err := inventory.Reassess(c.Request().Context(), s.store, tenantID, inventory.ReassessOptions{}); err != nil {
		s.log.Error("reassess after a decision failed", "tenant", tenantID, "err", err,
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
}

// timelineLength is how many events the account page shows; the audit
// page has the rest.
const timelineLength = 200

// accountWork builds the account page's workflow part for the viewer: the
// card, exactly the actions the domain's permission checks allow them, the
// exception and the timeline. o is the account's override (nil for none).
func (s *Server) accountWork(c echo.Context, t inventory.Tenant, id string, o *inventory.Override) (views.AccountWork, error) {
	ctx := c.Request().Context()
	viewer := actorOf(c)
	now := time.Now().UTC()
	w := views.AccountWork{ID: id, TenantID: t.ID, Back: accountPath(t, id), AuditURL: "/audit?account=" + id + "&tenant=" + t.ID}
	if inventory.CanOverride(viewer) == nil {
		w.Override = &views.OverrideForm{Categories: enumOptions(inventory.Categories, ""), Paths: enumOptions(inventory.Paths, "")}
		if o != nil {
			w.Override.Categories = enumOptions(inventory.Categories, string(o.Category))
			w.Override.Paths = enumOptions(inventory.Paths, string(o.Path))
			w.Override.Reason = o.Reason
		}
	}
	card, err := s.store.Card(ctx, t.ID, id)
	switch {
	case inventory.ErrorCode(err) == inventory.ENOTFOUND:
		return w, nil // an account the board has not reached yet
	case err != nil:
		return w, err
	}
	w.HasCard = true
	w.Status, w.StatusLabel, w.StatusReason = string(card.Status), card.Status.Label(), card.StatusReason
	w.MaxReason = maxReasonLength
	w.AssigneeName, w.Due, w.Version = card.AssigneeName, card.DueDate, card.Version
	w.Overdue = inventory.Overdue(card.Status, card.DueDate, now)
	w.Moves = moveOptions(viewer, card)
	if inventory.CanAssign(viewer) == nil {
		people, err := s.assignable(c)
		if err != nil {
			return w, err
		}
		w.AssignTo = selectOne(people, card.Assignee)
	}
	w.CanSetDue = inventory.CanSetDueDate(viewer) == nil
	w.CanComment = inventory.CanComment(viewer, card) == nil
	w.CanRequest = inventory.CanRequestException(viewer, card) == nil
	w.Request = views.ExceptionForm{
		MinExpiry: now.AddDate(0, 0, 1).Format(time.DateOnly),
		MaxExpiry: now.AddDate(inventory.MaxExceptionTerm, 0, 0).Format(time.DateOnly),
	}
	if card.Status == inventory.ExceptionRequested || card.Status == inventory.ExceptionGranted {
		if w.Exception, err = s.openException(c, t, id, now); err != nil {
			return w, err
		}
		if card.Status == inventory.ExceptionRequested {
			err := inventory.CanDecideException(viewer, card)
			w.CanDecide = err == nil
			if err != nil && viewer.Role == inventory.SecurityLead {
				w.DecideReason = inventory.ErrorMessage(err)
			}
		}
	}
	events, total, err := s.store.Audit(ctx, pg.AuditFilter{TenantID: t.ID, AccountID: id, Limit: timelineLength})
	if err != nil {
		return w, err
	}
	for _, e := range events {
		w.Timeline = append(w.Timeline, timelineEntry(e))
	}
	w.TimelineMore = total > len(events)
	return w, nil
}

// keepTyped puts what was typed into the exception form back into it, so
// that a refused request does not have to be typed twice.
func keepTyped(c echo.Context, f *views.ExceptionForm) {
	f.Justification, f.CompensatingControls = c.FormValue("justification"), c.FormValue("controls")
	f.Expiry = strings.TrimSpace(c.FormValue("expiry"))
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

// openException is the account's pending or granted exception, nil when
// its history holds none.
func (s *Server) openException(c echo.Context, t inventory.Tenant, id string, now time.Time) (*views.ExceptionView, error) {
	rows, err := s.store.ExceptionHistory(c.Request().Context(), t.ID, id)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if r.Status == inventory.ExceptionStateRequested || r.Status == inventory.ExceptionStateGranted {
			v := exceptionView(r, now)
			return &v, nil
		}
	}
	return nil, nil
}

var exceptionStatusLabels = map[string]string{
	"requested": "waiting for a decision", "granted": "granted", "rejected": "rejected",
	"withdrawn": "withdrawn", "expired": "expired", "revoked": "revoked",
}

func exceptionView(r pg.ExceptionRow, now time.Time) views.ExceptionView {
	v := views.ExceptionView{
		AccountID: r.AccountID, UPN: r.UserPrincipalName, DisplayName: r.DisplayName,
		Status: r.Status, StatusLabel: exceptionStatusLabels[r.Status],
		Justification: r.Justification, CompensatingControls: r.CompensatingControls,
		RequestedBy: r.RequestedBy, DecidedBy: r.DecidedBy, RequestedAt: r.RequestedAt, Expiry: r.Expiry,
		DaysLeft: daysUntil(r.Expiry, now),
	}
	if v.StatusLabel == "" {
		v.StatusLabel = r.Status
	}
	if v.DisplayName == "" {
		v.DisplayName = r.UserPrincipalName
	}
	return v
}

// daysUntil counts the whole days from now's day to t's day (UTC).
func daysUntil(t, now time.Time) int {
	day := func(x time.Time) time.Time {
		y, m, d := x.UTC().Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return int(day(t).Sub(day(now)).Hours() / 24)
}
