package web

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
)

// actorKey is where the authentication middleware leaves the signed-in
// user's inventory.Actor in the echo context.
const actorKey = "mfaboard.actor"

// actorOf returns the signed-in user as an Actor: ID is the app_users id,
// Name the display name (the e-mail when there is none), Role the role. A
// request with no session gets the zero Actor, which every permission check
// in package inventory refuses.
func actorOf(c echo.Context) inventory.Actor {
	a, _ := c.Get(actorKey).(inventory.Actor)
	return a
}

// signedIn reports whether the request carries a session of a known user.
func signedIn(c echo.Context) bool { return actorOf(c).ID != "" }

// requireRole lets through only signed-in users holding one of roles; others
// get 403 and a sentence naming who may, and a request without a session is
// sent to sign in (see requireSignIn).
func (s *Server) requireRole(roles ...inventory.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			a := actorOf(c)
			if a.ID == "" {
				return needSignIn(c)
			}
			for _, r := range roles {
				if a.Role == r {
					return next(c)
				}
			}
			return inventory.Errorf(inventory.EFORBIDDEN, "%s", refusal(a, roles))
		}
	}
}

// refusal says who may open the page and who the person is.
func refusal(a inventory.Actor, roles []inventory.Role) string {
	who := make([]string, len(roles))
	for i, r := range roles {
		who[i] = strings.ToLower(r.Label())
	}
	allowed := strings.Join(who, " or ")
	if len(roles) == 1 && roles[0] == inventory.SecurityLead {
		allowed = "a security lead"
	}
	you := "your account has no known role"
	if a.Role != "" {
		you = "you are signed in as " + strings.ToLower(a.Role.Label())
	}
	return "Only " + allowed + " can do this; " + you + "."
}

// viewerPage fills the signed-in person into a page's frame, for the
// header's name, role and sign-out button, and the tenant switcher.
func viewerPage(c echo.Context, p views.Page) views.Page {
	if a := actorOf(c); a.ID != "" {
		p.User, p.Role = a.Name, string(a.Role)
	}
	return withShell(c, withTenantSwitch(c, p))
}
