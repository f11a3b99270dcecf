package inventory

import (
	"errors"
	"fmt"
)

// Error codes the web layer maps to statuses and the CLI to exit codes.
const (
	EINVALID   = "invalid"   // bad input: 400, exit 2
	ENOTFOUND  = "not_found" // 404
	EFORBIDDEN = "forbidden" // 403
	ECONFLICT  = "conflict"  // 409: a stale version
	EINTERNAL  = "internal"  // 500, logged
)

// Error is a domain error with a sentence meant for a person.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf builds a domain error.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of a domain error, EINTERNAL for anything else.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the sentence of a domain error, or a generic one.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred."
}
