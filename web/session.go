package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// Session lifetimes: a working day of inactivity ends a session, and no
// session outlives a day whatever happens in it.
const (
	sessionIdleTimeout = 8 * time.Hour
	sessionLifetime    = 24 * time.Hour
	sessionCookieName  = "mfaboard_session"
)

// Session keys.
const (
	sessionUserID = "user_id"
	// sessionPasswordStamp is the user's password_changed_at (Unix µs) when
	// the session began: a later password reset ends the session.
	sessionPasswordStamp = "password_stamp"
)

// userKey is where loadUser leaves the signed-in pg.User.
const userKey = "mfaboard.user"

// newSessions keeps sessions in PostgreSQL (the scs pgxstore table of
// migration 00003), so any replica serves any request and sign-out ends a
// session everywhere at once.
func newSessions(store *pg.Store, secure bool, log *slog.Logger) *scs.SessionManager {
	sm := scs.New()
	sm.Store = pgxstore.New(store.Pool())
	// The table keeps the SHA-256 of each token, not the token: whoever
	// reads the table (a backup, a replica, a support query) cannot replay
	// a session from it. Sessions stored in clear before this was turned on
	// are no longer found, so everybody signs in again once.
	sm.HashTokenInStore = true
	sm.IdleTimeout = sessionIdleTimeout
	sm.Lifetime = sessionLifetime
	sm.Cookie.Name = sessionCookieName
	sm.Cookie.Path = "/"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = secure
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		log.Error("session store failed", "method", r.Method, "path", r.URL.Path, "err", err)
		http.Error(w, "Your session could not be read or saved. Please try again in a moment.", http.StatusInternalServerError)
	}
	return sm
}

// Close stops the session store's background cleanup.
func (s *Server) Close() {
	if st, ok := s.sessions.Store.(*pgxstore.PostgresStore); ok {
		st.StopCleanup()
	}
}

// withoutSession are paths served with no session: static assets and the
// health check need none, and loading one would cost a query per asset.
func withoutSession(path string) bool {
	return strings.HasPrefix(path, "/static/") || path == "/healthz"
}

// loadSession runs the rest of the chain inside scs's LoadAndSave. Errors
// are handled inside it, so the error page is written while the session can
// still set its cookie, and written once.
func (s *Server) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if withoutSession(c.Request().URL.Path) {
			return next(c)
		}
		res := c.Response()
		outer := res.Writer
		s.sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c.SetRequest(r)
			res.Writer = w
			if err := next(c); err != nil {
				c.Error(err)
			}
		})).ServeHTTP(outer, c.Request())
		res.Writer = outer
		return nil
	}
}

// loadUser puts the session's user into the context as an Actor. A session
// whose user has gone, been disabled or had their password reset since it
// began is ended, and the request goes on as anonymous.
func (s *Server) loadUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if withoutSession(c.Request().URL.Path) {
			return next(c)
		}
		ctx := c.Request().Context()
		id := s.sessions.GetString(ctx, sessionUserID)
		if id == "" {
			return next(c)
		}
		u, err := s.store.UserByID(ctx, id)
		if err != nil && inventory.ErrorCode(err) != inventory.ENOTFOUND {
			return err
		}
		if err != nil || u.Disabled || u.PasswordChangedAt.UnixMicro() > s.sessions.GetInt64(ctx, sessionPasswordStamp) {
			if err := s.sessions.Destroy(ctx); err != nil {
				return err
			}
			return next(c)
		}
		c.Set(userKey, u)
		c.Set(actorKey, inventory.Actor{ID: u.ID, Name: u.Name(), Role: u.Role})
		return next(c)
	}
}

// userOf returns the signed-in user; ok is false without a session.
func userOf(c echo.Context) (pg.User, bool) {
	u, ok := c.Get(userKey).(pg.User)
	return u, ok
}

// startSession signs u in: a new session token (so a token planted before
// sign-in is worthless) holding who they are.
func (s *Server) startSession(ctx context.Context, u pg.User) error {
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessionUserID, u.ID)
	s.sessions.Put(ctx, sessionPasswordStamp, u.PasswordChangedAt.UnixMicro())
	return nil
}
