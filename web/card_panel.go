package web

import (
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views"
)

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
