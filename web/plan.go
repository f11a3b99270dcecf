package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views"
)

// fixPageSize is how many accounts of a fix the drill-down shows at once.
const fixPageSize = 100

// planPage is GET /plan (showInTenant): the tenant's fixes, best first,
// from the plan stored with the verdicts; a lead can turn each into work.
func (s *Server) planPage(c echo.Context, t inventory.Tenant, plan pg.StoredPlan) (templ.Component, error) {
	v := views.PlanPage{Page: pageOf(c, "What to fix first", "plan"), Open: plan.Open}
	for i, f := range plan.Fixes {
		v.Fixes = append(v.Fixes, fixView(f, i+1, plan.Touches[f.ID], t))
	}
	var err error
	if v.Work, err = s.fixWorkForm(c); err != nil {
		return nil, err
	}
	if n := c.QueryParam("planned"); n != "" {
		v.Done = fmt.Sprintf("%s planned for %s, due %s.", n, c.QueryParam("for"), c.QueryParam("due"))
		v.DoneURL = tenantURL("/board", t.ID, "assignee", c.QueryParam("assignee"))
	}
	return views.Plan(v), nil
}

// planFixPage is GET /plan/fixes/:id (showInTenant): one fix with the
// accounts it touches, a page at a time.
func (s *Server) planFixPage(c echo.Context, t inventory.Tenant, plan pg.StoredPlan) (templ.Component, error) {
	page, err := pageNumber(c.QueryParam("page"))
	if err != nil {
		return nil, err
	}
	fix, touches, err := s.store.PlanFixPage(c.Request().Context(), t.ID, c.Param("id"), (page-1)*fixPageSize, fixPageSize)
	if err != nil {
		return nil, err
	}
	rank := 0
	for i, f := range plan.Fixes {
		if f.ID == fix.ID {
			rank = i + 1
		}
	}
	from := min((page-1)*fixPageSize, touches)
	to := from + len(fix.Accounts)
	v := views.PlanFixPage{Page: pageOf(c, "Fix "+strconv.Itoa(rank), "plan"), Fix: fixView(fix, rank, touches, t),
		From: min(from+1, to), To: to}
	base := v.Fix.URL + "&page="
	if page > 1 {
		v.PrevURL = base + strconv.Itoa(page-1)
	}
	if to < touches {
		v.NextURL = base + strconv.Itoa(page+1)
	}
	if v.Work, err = s.fixWorkForm(c); err != nil {
		return nil, err
	}
	return views.PlanFix(v), nil
}

// planFixWork serves POST /plan/fixes/:id/work: a lead gives the fix's
// cards to one person with a due date and plans them, in one transaction
// (pg.Store.TurnFixIntoWork checks who may).
func (s *Server) planFixWork(c echo.Context) error {
	t := tenantOf(c)
	due, err := formDate(c, "due", "due date")
	if err != nil {
		return err
	}
	w := inventory.FixWork{Assignee: strings.TrimSpace(c.FormValue("assignee")), Due: due}
	out, err := s.store.TurnFixIntoWork(c.Request().Context(), actorOf(c), t.ID, c.Param("id"), w)
	if err != nil {
		return err
	}
	name := w.Assignee
	if u, err := s.store.UserByID(c.Request().Context(), w.Assignee); err == nil {
		name = u.Name()
	}
	done := plural(out.Planned, "account")
	if out.InWork > 0 {
		done += fmt.Sprintf(" (%d already in work left as they were)", out.InWork)
	}
	return backInTenant(c, "/plan", "planned", done, "for", name, "assignee", w.Assignee, "due", w.Due.Format("2 Jan 2006"))
}

// fixWorkForm is the turn-into-work form for a lead, nil for anyone else:
// the form is offered only to those the store would let through.
func (s *Server) fixWorkForm(c echo.Context) (*views.FixWorkForm, error) {
	if inventory.CanTurnFixIntoWork(actorOf(c)) != nil {
		return nil, nil
	}
	people, err := s.assignable(c)
	if err != nil {
		return nil, err
	}
	today := time.Now().UTC()
	return &views.FixWorkForm{Assignees: people, Due: today.AddDate(0, 0, 14).Format(time.DateOnly), Min: today.Format(time.DateOnly)}, nil
}

func fixView(f inventory.Fix, rank, touches int, t inventory.Tenant) views.FixView {
	v := views.FixView{Rank: rank, ID: f.ID, Kind: string(f.Kind), Title: inventory.Printable(f.Title),
		URL:     tenantURL("/plan/fixes/"+url.PathEscape(f.ID), t.ID),
		WorkURL: "/plan/fixes/" + url.PathEscape(f.ID) + "/work",
		Touches: touches, Resolves: f.Resolves, Privileged: f.Privileged, PrivilegedSolved: f.PrivilegedResolved, Docs: f.Docs}
	if p := f.Target.Policy; p != nil {
		v.Policy = &views.LinkView{Name: p.Name, URL: p.URL}
	}
	if g := f.Target.Group; g != nil {
		v.Group = &views.LinkView{Name: g.Name, URL: g.URL}
	}
	for _, a := range f.Also {
		v.Also = append(v.Also, views.LinkView{Name: a.Name, URL: a.URL})
	}
	for _, a := range f.Accounts {
		name := a.DisplayName
		if name == "" {
			name = a.UPN
		}
		v.Accounts = append(v.Accounts, views.FixAccountView{
			URL: accountPath(t, a.ID), UPN: a.UPN, DisplayName: name,
			Compliance: string(a.Compliance), Label: a.Compliance.Label(), After: string(a.After), AfterLabel: a.After.Label(),
			Privileged: a.Privileged, Resolved: a.Resolved})
	}
	return v
}
