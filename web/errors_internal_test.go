package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
)

func TestErrorStatus(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		says   string
	}{
		{inventory.Errorf(inventory.EINVALID, "Bad date."), http.StatusBadRequest, "Bad date."},
		{inventory.Errorf(inventory.ENOTFOUND, "No such account."), http.StatusNotFound, "No such account."},
		{inventory.Errorf(inventory.EFORBIDDEN, "Not yours."), http.StatusForbidden, "Not yours."},
		{fmt.Errorf("move: %w", inventory.Errorf(inventory.ECONFLICT, "Changed meanwhile.")), http.StatusConflict, "Changed meanwhile."},
		{inventory.Errorf(codeUnauthenticated, "Not signed in."), http.StatusUnauthorized, "Not signed in."},
		{inventory.Errorf(codeUnavailable, "Try later."), http.StatusServiceUnavailable, "Try later."},
		// Internal errors never show their text.
		{inventory.Errorf(inventory.EINTERNAL, "pool exhausted"), http.StatusInternalServerError, internalSentence},
		{errors.New("connection reset"), http.StatusInternalServerError, internalSentence},
		{inventory.Errorf("no-such-code", "secret detail"), http.StatusInternalServerError, internalSentence},
		{fmt.Errorf("read: %w", context.DeadlineExceeded), http.StatusServiceUnavailable, "The request took too long and was stopped. Please try again."},
		// echo's own errors keep their status.
		{echo.ErrNotFound, http.StatusNotFound, "There is no page at this address."},
		{echo.ErrStatusRequestEntityTooLarge, http.StatusRequestEntityTooLarge, "Request Entity Too Large"},
	} {
		status, msg := errorStatus(tc.err)
		if status != tc.status || msg != tc.says {
			t.Errorf("errorStatus(%v) = %d %q, want %d %q", tc.err, status, msg, tc.status, tc.says)
		}
	}
	for _, code := range []string{inventory.EINVALID, inventory.ENOTFOUND, inventory.EFORBIDDEN, inventory.ECONFLICT, inventory.EINTERNAL} {
		if _, ok := statusOfCode[code]; !ok {
			t.Errorf("the domain's code %q has no status", code)
		}
	}
}

func TestRefusalOf(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		tone   string
		ok     bool
	}{
		{nil, http.StatusOK, "", true},
		{inventory.Errorf(inventory.EINVALID, "x"), http.StatusBadRequest, "bad", true},
		{inventory.Errorf(inventory.EFORBIDDEN, "x"), http.StatusForbidden, "bad", true},
		{inventory.Errorf(inventory.ECONFLICT, "x"), http.StatusConflict, "warn", true},
		{inventory.Errorf(inventory.ENOTFOUND, "x"), 0, "", false},
		{errors.New("x"), 0, "", false},
	} {
		status, notice, ok := refusalOf(tc.err)
		if status != tc.status || notice.Tone != tc.tone || ok != tc.ok {
			t.Errorf("refusalOf(%v) = %d %q %v, want %d %q %v", tc.err, status, notice.Tone, ok, tc.status, tc.tone, tc.ok)
		}
	}
}
