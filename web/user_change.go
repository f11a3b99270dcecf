package web

import (
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
)

// The changes of a user: the store checks who may (inventory.CanManageUsers)
// and records each change in the transaction that makes it.

// userResetPassword serves POST /users/:id/reset-password. The user's
// sessions end: whoever knew the old password is signed out.
func (s *Server) userResetPassword(c echo.Context) error {
	ctx := c.Request().Context()
	password := c.FormValue("password")
	if err := ValidatePassword(password); err != nil {
		return s.userRefused(c, err, views.NewUser{})
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	me := userManager(c)
	u, err := s.store.SetPassword(ctx, me, c.Param("id"), hash)
	if err != nil {
		return s.userRefused(c, err, views.NewUser{})
	}
	if u.ID == me.ID {
		// A lead resetting their own password stays signed in here.
		if err := s.startSession(ctx, u); err != nil {
			return fmt.Errorf("reset password: %w", err)
		}
	}
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
	if err := s.store.SetUserRole(ctx, userManager(c), u.ID, role); err != nil {
		return s.userRefused(c, err, views.NewUser{})
	}
	if role == u.Role {
		return s.userChanged(c, fmt.Sprintf("%s already is %s.", u.Email, strings.ToLower(role.Label())))
	}
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
	if err := s.store.SetUserDisabled(ctx, userManager(c), u.ID, disable); err != nil {
		return s.userRefused(c, err, views.NewUser{})
	}
	done := "is disabled and signed out"
	if !disable {
		done = "may sign in again"
	}
	return s.userChanged(c, fmt.Sprintf("%s %s.", u.Email, done))
}
