package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// Reading forms and URLs: every field a person typed or a page sent is
// checked here and refused with a sentence, never guessed at.

// pageNumber reads the page of a paged list: 1, 2, 3, …; "" is the first.
func pageNumber(raw string) (int, error) {
	if raw == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return 0, inventory.Errorf(inventory.EINVALID, "The page %q is not a page number: use 1, 2, 3, …", clip(raw, 20))
	}
	return n, nil
}

// pagedURL is a page of the list at path, under the filters of q.
func pagedURL(path string, q url.Values, page int) string {
	out := url.Values{}
	for k, vs := range q {
		if k != "page" && len(vs) > 0 && vs[0] != "" {
			out.Set(k, vs[0])
		}
	}
	if page > 1 {
		out.Set("page", strconv.Itoa(page))
	}
	if len(out) == 0 {
		return path
	}
	return path + "?" + out.Encode()
}

// formVersion is the card version the form was rendered with: the store
// refuses a change made on a stale one (409) instead of overwriting.
func formVersion(c echo.Context) (int64, error) {
	raw := strings.TrimSpace(c.FormValue("version"))
	if raw == "" {
		return 0, inventory.Errorf(inventory.EINVALID, "The form did not say which version of the card it was made on; reload the page and try again.")
	}
	v, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || v < 1 {
		return 0, inventory.Errorf(inventory.EINVALID, "The card version %q is not a version number; reload the page and try again.", raw)
	}
	return v, nil
}

// formDate reads a yyyy-mm-dd date field; "" is the zero time.
func formDate(c echo.Context, field, what string) (time.Time, error) {
	return parseDay(strings.TrimSpace(c.FormValue(field)), what)
}

// parseDay reads a yyyy-mm-dd date, as a date input sends it, that what
// names in the sentence refusing it; "" is the zero time.
func parseDay(raw, what string) (time.Time, error) {
	if raw == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, raw)
	if err != nil {
		return time.Time{}, inventory.Errorf(inventory.EINVALID, "The %s %q is not a date: use the form's date picker, or write it as 2027-03-31.", what, clip(raw, 40))
	}
	return d, nil
}

// formText reads free text typed into field, trimmed: at most limit
// characters, what names it in the sentence that says so.
func formText(c echo.Context, field, what string, limit int) (string, error) {
	text := strings.TrimSpace(c.FormValue(field))
	if n := utf8.RuneCountInString(text); n > limit {
		return "", inventory.Errorf(inventory.EINVALID, "%s can be at most %d characters; this one has %d.", what, limit, n)
	}
	return text, nil
}

// formStatus reads a status field; "" is an error naming the choices.
func formStatus(c echo.Context, field string) (inventory.Status, error) {
	return inventory.ParseStatus(strings.TrimSpace(c.FormValue(field)))
}

// formEnum reads one of an enum's values (oneOf); "" is none.
func formEnum[T ~string](what, raw string, values []T) (T, error) {
	if err := oneOf(what, raw, values); err != nil {
		return "", err
	}
	return T(raw), nil
}

// oneOf accepts "" or one of an enum's values, and refuses anything else
// with a sentence in which what names the enum.
func oneOf[T ~string](what, raw string, values []T) error {
	if raw == "" || slices.Contains(values, T(raw)) {
		return nil
	}
	words := make([]string, len(values))
	for i, v := range values {
		words[i] = string(v)
	}
	return inventory.Errorf(inventory.EINVALID, "Unknown %s %q: use %s.", what, raw, strings.Join(words, ", "))
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
		p, err := formEnum("path", v, inventory.Paths)
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

// isHTMX reports an htmx request, which wants a fragment, not a page.
func isHTMX(c echo.Context) bool { return c.Request().Header.Get("HX-Request") == "true" }

// backURL is where a plain form post returns to: the page the form was on,
// when it is a path on this site, else fallback. It is never an open
// redirect (safeNext).
func backURL(c echo.Context, fallback string) string {
	back := c.FormValue("back")
	if back == "" {
		return fallback
	}
	if safe := safeNext(back); safe != "/" {
		return safe
	}
	return fallback
}

// accountParam is the account id in the path of /accounts/:id/…, which
// links write escaped (url.PathEscape): an id may hold "/", "?", "#" or
// "%". echo matches routes on the escaped path when it has escapes the
// default encoding would not make (%2F for "/") and then leaves the
// parameter escaped; otherwise the parameter is already unescaped, and
// unescaping it again would turn an id holding "%41" into another id.
func accountParam(c echo.Context) string {
	id := c.Param("id")
	if c.Request().URL.RawPath == "" {
		return id
	}
	if unescaped, err := url.PathUnescape(id); err == nil {
		return unescaped
	}
	return id
}

// accountPath is an account's page in a tenant.
func accountPath(t inventory.Tenant, id string) string {
	return "/accounts/" + url.PathEscape(id) + "?tenant=" + url.QueryEscape(t.ID)
}
