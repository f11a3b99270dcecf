package web

import (
	"net"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// Audit actions of sign-in, and of user management, which the store
// records.
const (
	actionSignIn          = "sign_in"
	actionSignInFailed    = "sign_in_failed"
	actionSignOut         = "sign_out"
	actionUserCreated     = inventory.ActionUserCreated
	actionUserRole        = inventory.ActionUserRole
	actionUserDisabled    = inventory.ActionUserDisabled
	actionUserEnabled     = inventory.ActionUserEnabled
	actionPasswordChanged = inventory.ActionPasswordReset
)

// authEvent is one entry of the record about who signed in and who changed
// which user. Never a password, token or cookie.
type authEvent struct {
	ActorID, ActorName string
	Action             string
	From, To, Reason   string
	Details            map[string]any
}

// record writes ev to the audit trail. A failure to record is logged and
// does not undo what was done: the person did it, and refusing the next
// sign-in because the trail is unwritable would lock everyone out.
func (s *Server) record(c echo.Context, ev authEvent) {
	if ev.Details == nil {
		ev.Details = map[string]any{}
	}
	ev.Details["ip"] = clientIP(c)
	if ev.ActorID == "" {
		ev.ActorID = "anonymous"
	}
	err := s.store.RecordEvent(c.Request().Context(), pg.AuditEvent{
		ActorID: ev.ActorID, ActorName: ev.ActorName, Action: ev.Action,
		From: ev.From, To: ev.To, Reason: ev.Reason, Details: ev.Details,
	})
	if err != nil {
		s.log.Error("audit: could not record event", "action", ev.Action, "actor_id", ev.ActorID, "err", err)
	}
}

func (s *Server) recordSignIn(c echo.Context, u pg.User, method string) {
	s.record(c, authEvent{ActorID: u.ID, ActorName: u.Name(), Action: actionSignIn, To: string(u.Role),
		Details: map[string]any{"method": method, "email": u.Email}})
}

// recordFailedSignIn records a failed sign-in by the user id and name the
// identity provider's verified answer gave, when it gave any.
func (s *Server) recordFailedSignIn(c echo.Context, userID, name, reason string) {
	s.record(c, authEvent{ActorID: userID, ActorName: clip(name, 320), Action: actionSignInFailed, Reason: reason})
}

// unknownAddress stands in the record for whatever was typed into the
// e-mail field when it names nobody.
const unknownAddress = "unknown address"

// recordFailedPassword records a failed sign-in with a password against the
// account it named (u, when the address typed is a user's), by the
// account's stored id and name. When the address names nobody, the record
// says "unknown address" and never what was typed: the audit trail is kept
// for good and read by every role, and what people type into the e-mail
// field by mistake is sometimes their password.
func (s *Server) recordFailedPassword(c echo.Context, u *pg.User, reason string) {
	if u == nil {
		s.recordFailedSignIn(c, "", unknownAddress, unknownAddress)
		return
	}
	s.record(c, authEvent{ActorID: u.ID, ActorName: u.Name(), Action: actionSignInFailed, Reason: reason,
		Details: map[string]any{"email": u.Email}})
}

// clientIP is the address the request came from. Not X-Forwarded-For: a
// client could write anything there and escape the sign-in rate limit.
func clientIP(c echo.Context) string {
	host, _, err := net.SplitHostPort(c.Request().RemoteAddr)
	if err != nil {
		return c.Request().RemoteAddr
	}
	return host
}
