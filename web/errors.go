package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
)

// Handlers return errors; this file is the one place they become statuses
// and sentences. A refusal is an *inventory.Error (inventory.Errorf) whose
// code says which status it gets; anything else is an internal error,
// logged in full, and a person reads only internalSentence.

// Codes of the web's own refusals, beside the domain's: they concern
// signing in, not the domain.
const (
	codeUnauthenticated = "unauthenticated" // the identity provider did not sign the person in
	codeUnavailable     = "unavailable"     // a service the request needs cannot be reached now
)

// statusOfCode maps an error code to the status it is answered with.
var statusOfCode = map[string]int{
	inventory.EINVALID:   http.StatusBadRequest,
	inventory.ENOTFOUND:  http.StatusNotFound,
	inventory.EFORBIDDEN: http.StatusForbidden,
	inventory.ECONFLICT:  http.StatusConflict,
	inventory.EINTERNAL:  http.StatusInternalServerError,
	codeUnauthenticated:  http.StatusUnauthorized,
	codeUnavailable:      http.StatusServiceUnavailable,
}

const internalSentence = "Something went wrong on our side. The error was logged; please try again."

// errorStatus is the status of err and the sentence a person reads.
// echo's own errors (no such route, body too large) keep their status.
func errorStatus(err error) (int, string) {
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		msg := http.StatusText(he.Code)
		if m, ok := he.Message.(string); ok && m != "" {
			msg = m
		}
		if he.Code == http.StatusNotFound && he.Message == "Not Found" {
			msg = "There is no page at this address."
		}
		return he.Code, msg
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "The request took too long and was stopped. Please try again."
	}
	code := inventory.ErrorCode(err)
	if status, ok := statusOfCode[code]; ok && code != inventory.EINTERNAL {
		return status, inventory.ErrorMessage(err)
	}
	return http.StatusInternalServerError, internalSentence
}

// refusalOf reads an action's outcome for a page that shows it as a notice:
// nil is done (200); a refusal (400, 403) or a lost race (409) is its status
// and sentence; anything else is not for the page to show (ok false).
func refusalOf(err error) (status int, notice views.Notice, ok bool) {
	if err == nil {
		return http.StatusOK, views.Notice{}, true
	}
	status, msg := errorStatus(err)
	switch status {
	case http.StatusBadRequest, http.StatusForbidden:
		return status, views.Notice{Text: msg, Tone: "bad"}, true
	case http.StatusConflict:
		return status, views.Notice{Text: msg, Tone: "warn"}, true
	}
	return 0, views.Notice{}, false
}

// handleError is echo's HTTPErrorHandler. Only internal errors are logged
// in full; a person never sees a stack trace.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, msg := errorStatus(err)
	if status >= 500 {
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "status", status, "err", err,
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	if wantsHTML(c.Request()) {
		_ = render(c, status, views.Error(views.ErrorPage{Page: viewerPage(c, views.Page{Title: http.StatusText(status)}), Status: status, Heading: http.StatusText(status), Message: msg}))
		return
	}
	_ = c.JSON(status, map[string]string{"error": msg})
}

func wantsHTML(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	return accept == "" || containsFold(accept, "text/html") || containsFold(accept, "*/*")
}
