package web

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views"
)

// maxBulkIDs is the most cards a bulk edit may name by hand; "all matching
// the filter" has no such limit (the store selects them itself).
const maxBulkIDs = 5000

// boardBulk serves POST /board/bulk: a security lead assigns, sets the path
// or the due date of, or moves, the cards ticked by hand (ids) or every
// card the board's filter matches (scope=filter, with the filter in the
// form's hidden fields). Each card's move is checked as a single move is.
func (s *Server) boardBulk(c echo.Context) error {
	t := tenantOf(c)
	back := backURL(c, "/board?tenant="+url.QueryEscape(t.ID))
	changed, err := s.applyBulk(c, t)
	if err == nil {
		back = withParam(back, "bulk", strconv.Itoa(changed))
	}
	return s.backTo(c, t, back, err, func(int, views.Notice) error { return err })
}

func (s *Server) applyBulk(c echo.Context, t pg.Tenant) (int, error) {
	viewer := actorOf(c)
	if err := inventory.CanBulkEdit(viewer); err != nil {
		return 0, err
	}
	form, err := c.FormParams()
	if err != nil {
		return 0, inventory.Errorf(inventory.EINVALID, "The bulk edit form could not be read; reload the board and try again.")
	}
	a, err := bulkAction(c)
	if err != nil {
		return 0, err
	}
	var (
		ids    []string
		filter *pg.BoardFilter
	)
	switch scope := c.FormValue("scope"); scope {
	case "filter":
		bq, err := parseBoardQuery(form, t.ID, viewer, time.Now().UTC())
		if err != nil {
			return 0, err
		}
		f := bq.Filter
		f.Swimlane = ""
		filter = &f
	case "selected", "":
		for _, id := range form["ids"] {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			return 0, inventory.Errorf(inventory.EINVALID, "Tick at least one card, or choose all cards matching the filter.")
		}
		if len(ids) > maxBulkIDs {
			return 0, inventory.Errorf(inventory.EINVALID, "A bulk edit by hand takes at most %d cards; this one names %d. Use all matching the filter instead.", maxBulkIDs, len(ids))
		}
	default:
		return 0, inventory.Errorf(inventory.EINVALID, "Unknown scope %q: edit the cards ticked (selected) or all matching the filter (filter).", scope)
	}
	changed, err := s.store.Bulk(c.Request().Context(), viewer, t.ID, ids, filter, a)
	if err == nil && a.Path != nil && changed > 0 {
		s.reassessAfter(c, t.ID) // a path override changes verdicts
	}
	return changed, err
}

// bulkAction reads what to change; at least one thing must change.
func bulkAction(c echo.Context) (pg.BulkAction, error) {
	var a pg.BulkAction
	switch v := strings.TrimSpace(c.FormValue("set_assign")); v {
	case "":
	case "none":
		nobody := ""
		a.Assign = &nobody
	default:
		a.Assign = &v
	}
	if v := strings.TrimSpace(c.FormValue("set_path")); v != "" {
		p, err := formPath(v)
		if err != nil {
			return a, err
		}
		a.Path = &p
	}
	due, err := formDate(c, "set_due", "due date")
	if err != nil {
		return a, err
	}
	if !due.IsZero() {
		a.DueDate = &due
	}
	if v := strings.TrimSpace(c.FormValue("set_move")); v != "" {
		st, err := inventory.ParseStatus(v)
		if err != nil {
			return a, err
		}
		a.MoveTo = &st
	}
	a.Reason = strings.TrimSpace(c.FormValue("reason"))
	if a.Assign == nil && a.Path == nil && a.DueDate == nil && a.MoveTo == nil {
		return a, inventory.Errorf(inventory.EINVALID, "Choose what the bulk edit changes: an assignee, a path, a due date or a column.")
	}
	return a, nil
}

// withParam sets one query parameter of a local URL.
func withParam(raw, key, value string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}
