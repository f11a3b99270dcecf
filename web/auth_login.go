package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/argon2"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
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
	ip, now := clientIP(c), s.clock()
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

// landingPath is where a person lands after signing in, and on /: where
// their work is. A security lead plans what to fix first, an engineer sees
// the cards assigned to them, management reads readiness.
func landingPath(r inventory.Role) string {
	switch r {
	case inventory.SecurityLead:
		return "/plan"
	case inventory.Engineer:
		return "/work"
	case inventory.Management:
		return "/readiness"
	}
	return "/accounts"
}

// landing serves GET /: the signed-in person's landing page. Signing in
// comes here when there is nowhere else to go back to (safeNext).
func (s *Server) landing(c echo.Context) error {
	return c.Redirect(http.StatusSeeOther, landingPath(actorOf(c).Role))
}

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

// Password rules. Length is what makes a password strong; composition
// rules only make people write them down.
const (
	MinPasswordLength = 12
	maxPasswordLength = 1024 // hashing a megabyte would be a cheap denial of service
)

// argon2id parameters: OWASP's "m=19 MiB, t=2, p=1". Verification reads
// them from the stored hash, so raising them later keeps old hashes valid.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	argonSaltLen   = 16
)

// ValidatePassword refuses a password too short or too long to use, with a
// sentence.
func ValidatePassword(password string) error {
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLength {
		return inventory.Errorf(inventory.EINVALID, "The password is too short: use at least %d characters (a few words make a good one).", MinPasswordLength)
	}
	if len(password) > maxPasswordLength {
		return inventory.Errorf(inventory.EINVALID, "The password is too long: use at most %d characters.", maxPasswordLength)
	}
	return nil
}

// HashPassword returns the argon2id hash of password as a PHC string:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (unpadded standard base64).
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches the PHC-encoded hash,
// comparing in constant time. A malformed hash never matches.
func VerifyPassword(encoded, password string) bool {
	p, ok := parsePHC(encoded)
	if !ok || len(password) > maxPasswordLength {
		return false
	}
	key := argon2.IDKey([]byte(password), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1
}

type phc struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

// parsePHC reads an argon2id PHC string, refusing parameters beyond sane
// bounds so that a tampered row cannot make a sign-in allocate gigabytes.
func parsePHC(s string) (phc, bool) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return phc{}, false
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return phc{}, false
	}
	var p phc
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return phc{}, false
	}
	if p.memory < 8 || p.memory > 1<<20 || p.time < 1 || p.time > 16 || p.threads < 1 {
		return phc{}, false
	}
	var err error
	if p.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil || len(p.salt) < 8 {
		return phc{}, false
	}
	if p.key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(p.key) < 16 || len(p.key) > 64 {
		return phc{}, false
	}
	return p, true
}

// dummyHash is verified against when the e-mail is unknown, so that an
// unknown e-mail takes as long to refuse as a wrong password. It is made on
// first use: the CLI's other commands never pay for it.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not anybody's password, only there to spend the time")
	return h
})
