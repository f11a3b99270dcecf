package web

import (
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
)

// userResetPassword serves POST /users/:id/reset-password. The user's
// sessions end: whoever knew the old password is signed out.
func (s *Server) userResetPassword(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := s.store.UserByID(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	password := c.FormValue("password")
	if err := ValidatePassword(password); err != nil {
		return s.userRefused(c, err, views.NewUser{})
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	if err := s.store.SetPassword(ctx, u.ID, hash); err != nil {
		return s.userRefused(c, err, views.NewUser{})
	}
	me := actorOf(c)
	if u.ID == me.ID {
		// A lead resetting their own password stays signed in here.
		if fresh, err := s.store.UserByID(ctx, u.ID); err == nil {
			if err := s.startSession(ctx, fresh); err != nil {
				return fmt.Errorf("reset password: %w", err)
			}
		}
	}
	s.record(c, authEvent{ActorID: me.ID, ActorName: me.Name, Action: actionPasswordChanged,
		Details: map[string]any{"user_id": u.ID, "email": u.Email}})
	return s.userChanged(c, fmt.Sprintf("%s has a new password; they were signed out everywhere.", u.Email))
}

// userSetRole serves POST /users/:id/role.
func (s *Server) userSetRole(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := s.store.UserByID(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	role, err := inventory.ParseRole(c.FormValue("role"))
	if err != nil {
		return s.userRefused(c, err, views.NewUser{})
	}
	if role == u.Role {
		return s.userChanged(c, fmt.Sprintf("%s already is %s.", u.Email, strings.ToLower(role.Label())))
	}
	if err := s.store.SetUserRole(ctx, u.ID, role); err != nil {
		return s.userRefused(c, err, views.NewUser{})
	}
	me := actorOf(c)
	s.record(c, authEvent{ActorID: me.ID, ActorName: me.Name, Action: actionUserRole, From: string(u.Role), To: string(role),
		Details: map[string]any{"user_id": u.ID, "email": u.Email}})
	return s.userChanged(c, fmt.Sprintf("%s is now %s.", u.Email, strings.ToLower(role.Label())))
}

// userSetDisabled serves POST /users/:id/disable; disabled=false enables
// the user again. A disabled user's sessions end at their next request.
func (s *Server) userSetDisabled(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := s.store.UserByID(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	disable := true
	switch c.FormValue("disabled") {
	case "", "true", "1", "on":
	case "false", "0", "off":
		disable = false
	default:
		return s.userRefused(c, inventory.Errorf(inventory.EINVALID, "disabled must be true or false, not %q.", c.FormValue("disabled")), views.NewUser{})
	}
	if err := s.store.SetUserDisabled(ctx, u.ID, disable); err != nil {
		return s.userRefused(c, err, views.NewUser{})
	}
	action, done := actionUserDisabled, "is disabled and signed out"
	if !disable {
		action, done = actionUserEnabled, "may sign in again"
	}
	me := actorOf(c)
	s.record(c, authEvent{ActorID: me.ID, ActorName: me.Name, Action: action,
		Details: map[string]any{"user_id": u.ID, "email": u.Email}})
	return s.userChanged(c, fmt.Sprintf("%s %s.", u.Email, done))
}
