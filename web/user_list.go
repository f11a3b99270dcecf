package web

import (
	"net/http"

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
