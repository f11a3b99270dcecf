package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
)

// Sentences of the sign-in page. One for an unknown e-mail and a wrong
// password alike, so the page does not tell who has an account.
const (
	signInFailed    = "The e-mail or the password is not right. Check both and try again."
	signInThrottled = "Too many failed sign-ins. Wait a minute, then try again."
	signInHeld      = "Too many failed sign-ins to this account from here. Wait a few minutes, then try again."
)

// loginShow serves GET /login. A signed-in visitor goes straight on.
func (s *Server) loginShow(c echo.Context) error {
	next := safeNext(c.QueryParam("next"))
	if signedIn(c) {
		return c.Redirect(http.StatusSeeOther, next)
	}
	return s.renderLogin(c, http.StatusOK, "", next, "")
}

// loginSubmit serves POST /login: e-mail and password against the stored
// argon2id hash, failures throttled per client address and per account
// (auth_throttle.go). What was typed into the e-mail field is never logged
// nor recorded: it is sometimes a password typed into the wrong box.
func (s *Server) loginSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	email := strings.ToLower(strings.TrimSpace(c.FormValue("email")))
	password := c.FormValue("password")
	next := safeNext(c.FormValue("next"))
	ip, now := clientIP(c), time.Now()
	if s.signInLimit.blocked("ip:"+ip, now) {
		s.log.Warn("sign-in throttled", "ip", ip, "by", "address")
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(signInEvery/time.Second)))
		return s.signInRefused(c, http.StatusTooManyRequests, signInThrottled, email, next)
	}
	if wait := s.accountHold.wait(email, ip, now); wait > 0 {
		s.log.Warn("sign-in throttled", "ip", ip, "by", "account")
		c.Response().Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
		return s.signInRefused(c, http.StatusTooManyRequests, signInHeld, email, next)
	}
	if email == "" || password == "" {
		return s.signInRefused(c, http.StatusBadRequest, "Enter your e-mail and your password.", email, next)
	}
	u, hash, err := s.store.UserByEmail(ctx, email)
	if err != nil && inventory.ErrorCode(err) != inventory.ENOTFOUND {
		return err
	}
	known := err == nil
	if !known || hash == "" {
		VerifyPassword(dummyHash(), password) // as slow as a wrong password
	}
	passwordOK := known && hash != "" && VerifyPassword(hash, password)
	if !passwordOK || u.Disabled {
		s.signInLimit.fail("ip:"+ip, now)
		s.accountHold.fail(email, ip, now)
		named, reason := &u, "wrong password"
		switch {
		case !known:
			named = nil // the record never says what was typed
		case hash == "":
			reason = "no local password (signs in with Microsoft)"
		case passwordOK:
			reason = "account disabled"
		}
		s.recordFailedPassword(c, named, reason)
		return s.signInRefused(c, http.StatusUnauthorized, signInFailed, email, next)
	}
	if err := s.startSession(ctx, u); err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	s.recordSignIn(c, u, "password")
	return c.Redirect(http.StatusSeeOther, next)
}

// signInRefused shows the form again with the sentence (browsers), or the
// sentence as JSON (API clients).
func (s *Server) signInRefused(c echo.Context, status int, msg, email, next string) error {
	if !wantsHTML(c.Request()) {
		return c.JSON(status, map[string]string{"error": msg})
	}
	return s.renderLogin(c, status, email, next, msg)
}

func (s *Server) renderLogin(c echo.Context, status int, email, next, msg string) error {
	v := views.LoginPage{
		Page:  views.Page{Title: "Sign in", Nav: "login"},
		Email: email, Next: next, Error: msg, OIDC: s.oidc != nil,
	}
	if v.OIDC {
		v.OIDCStart = oidcStartPath
		if next != "/" {
			v.OIDCStart += "?next=" + url.QueryEscape(next)
		}
	}
	return render(c, status, views.Login(v))
}

// logout serves POST /logout: the session ends here and in the store, so
// its cookie is worthless even if it was copied.
func (s *Server) logout(c echo.Context) error {
	if u, ok := userOf(c); ok {
		s.record(c, authEvent{ActorID: u.ID, ActorName: u.Name(), Action: actionSignOut})
	}
	if err := s.sessions.Destroy(c.Request().Context()); err != nil {
		return fmt.Errorf("sign out: %w", err)
	}
	if !wantsHTML(c.Request()) {
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}
