package web

import (
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
)

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
