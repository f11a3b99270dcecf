package web

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// Reading the board's forms: every field a person typed or a page sent is
// checked here and refused with a sentence, never guessed at.

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
	raw := strings.TrimSpace(c.FormValue(field))
	if raw == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, raw)
	if err != nil {
		return time.Time{}, inventory.Errorf(inventory.EINVALID, "The %s %q is not a date: use the date picker or write it as 2026-12-31.", what, raw)
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

// formPath reads a remediation path; "" is no path.
func formPath(raw string) (inventory.Path, error) {
	if raw == "" {
		return "", nil
	}
	for _, p := range inventory.Paths {
		if string(p) == raw {
			return p, nil
		}
	}
	return "", inventory.Errorf(inventory.EINVALID, "Unknown path %q: use %s.", raw, joinEnum(inventory.Paths))
}

// formCategory reads a category; "" is no category.
func formCategory(raw string) (inventory.Category, error) {
	if raw == "" {
		return "", nil
	}
	for _, cat := range inventory.Categories {
		if string(cat) == raw {
			return cat, nil
		}
	}
	return "", inventory.Errorf(inventory.EINVALID, "Unknown category %q: use %s.", raw, joinEnum(inventory.Categories))
}

func joinEnum[T ~string](values []T) string {
	words := make([]string, len(values))
	for i, v := range values {
		words[i] = string(v)
	}
	return strings.Join(words, ", ")
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
func accountPath(t pg.Tenant, id string) string {
	return "/accounts/" + url.PathEscape(id) + "?tenant=" + url.QueryEscape(t.ID)
}
