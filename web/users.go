package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views"
)

// sessionFlash carries the sentence of a change across its redirect.
const sessionFlash = "flash"

// userList serves GET /users (security lead only).
func (s *Server) userList(c echo.Context) error {
	notice := s.sessions.PopString(c.Request().Context(), sessionFlash)
	return s.renderUsers(c, http.StatusOK, notice, "", views.NewUser{Role: string(inventory.Engineer)})
}

// renderUsers shows the users page with a notice or a refusal.
func (s *Server) renderUsers(c echo.Context, status int, notice, refusal string, form views.NewUser) error {
	users, err := s.store.Users(c.Request().Context())
	if err != nil {
		return err
	}
	me := actorOf(c)
	v := views.UsersPage{
		Page:   viewerPage(c, views.Page{Title: "Users", Nav: "users"}),
		Notice: notice, Error: refusal, New: form, MinPassword: MinPasswordLength,
	}
	for _, r := range inventory.Roles {
		v.Roles = append(v.Roles, views.Option{Value: string(r), Label: r.Label()})
	}
	for _, u := range users {
		v.Users = append(v.Users, views.UserRow{
			ID: u.ID, Email: u.Email, Name: u.Name(), Role: string(u.Role), RoleLabel: u.Role.Label(),
			Method: signInMethod(u), Disabled: u.Disabled, Self: u.ID == me.ID, Created: u.CreatedAt,
		})
	}
	return render(c, status, views.Users(v))
}

func signInMethod(u pg.User) string {
	switch {
	case u.HasPassword && u.OIDCSubject != "":
		return "Password or Microsoft"
	case u.OIDCSubject != "":
		return "Microsoft"
	default:
		return "Password"
	}
}

// userManager is the signed-in person managing users, with the address
// they act from, which the store keeps with each change it records.
func userManager(c echo.Context) inventory.Actor {
	a := actorOf(c)
	a.Address = clientIP(c)
	return a
}

// userChanged ends a change: back to the list with its sentence (PRG), or
// the sentence as JSON for an API client.
func (s *Server) userChanged(c echo.Context, sentence string) error {
	if !wantsHTML(c.Request()) {
		return c.JSON(http.StatusOK, map[string]string{"message": sentence})
	}
	s.sessions.Put(c.Request().Context(), sessionFlash, sentence)
	return c.Redirect(http.StatusSeeOther, "/users")
}

// userRefused shows why a change was refused: on the users page for a
// browser, through the error handler (status and JSON) otherwise.
func (s *Server) userRefused(c echo.Context, err error, form views.NewUser) error {
	code := inventory.ErrorCode(err)
	if code != inventory.EINVALID || !wantsHTML(c.Request()) {
		return err
	}
	return s.renderUsers(c, http.StatusBadRequest, "", inventory.ErrorMessage(err), form)
}

// userCreate serves POST /users: a local user with a password the lead
// chose and hands over. The store checks who may and records it.
func (s *Server) userCreate(c echo.Context) error {
	form := views.NewUser{
		Email: strings.TrimSpace(c.FormValue("email")), Name: strings.TrimSpace(c.FormValue("name")),
		Role: c.FormValue("role"),
	}
	role, err := inventory.ParseRole(form.Role)
	if err != nil {
		return s.userRefused(c, err, form)
	}
	password := c.FormValue("password")
	if err := ValidatePassword(password); err != nil {
		return s.userRefused(c, err, form)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	u, err := s.store.CreateUser(c.Request().Context(), userManager(c), form.Email, form.Name, role, hash)
	if err != nil {
		return s.userRefused(c, err, form)
	}
	return s.userChanged(c, fmt.Sprintf("%s is added as %s. Give them their password in person.", u.Email, strings.ToLower(u.Role.Label())))
}

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
