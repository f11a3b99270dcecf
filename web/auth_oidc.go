package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/labstack/echo/v4"
	"golang.org/x/oauth2"

	"github.com/mfaboard/mfaboard/inventory"
)

const (
	oidcStartPath    = "/auth/oidc/start"
	oidcCallbackPath = "/auth/oidc/callback"
)

// Session keys of a sign-in in flight: one use each, removed at the callback.
const (
	sessionOIDCState    = "oidc_state"
	sessionOIDCNonce    = "oidc_nonce"
	sessionOIDCVerifier = "oidc_verifier"
	sessionOIDCNext     = "oidc_next"
)

// oidcClient discovers the provider on first use rather than at start-up,
// so a provider that is down when the dashboard starts only delays
// "Sign in with Microsoft", not the dashboard (local sign-in keeps working).
type oidcClient struct {
	cfg OIDCConfig

	mu       sync.Mutex
	provider *oidc.Provider
}

func (o *oidcClient) discover(ctx context.Context) (*oidc.Provider, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider != nil {
		return o.provider, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(ctx, o.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("discover OIDC provider %s: %w", o.cfg.Issuer, err)
	}
	o.provider = p
	return p, nil
}

func (o *oidcClient) oauth2Config(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{
		ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret, RedirectURL: o.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "profile", "email"},
	}
}

// The refusals of a sign-in with Microsoft that never reached the provider:
// none is set up, or it cannot be used now.
var (
	errNoOIDC          = inventory.Errorf(inventory.ENOTFOUND, "Sign-in with Microsoft is not set up on this server.")
	errOIDCUnavailable = inventory.Errorf(codeUnavailable,
		"Sign-in with Microsoft is not available right now. Try again in a moment, or sign in with your e-mail and password.")
)

// oidcStart serves GET /auth/oidc/start: remember a fresh state, nonce and
// PKCE verifier in the session and send the browser to the provider.
func (s *Server) oidcStart(c echo.Context) error {
	if s.oidc == nil {
		return errNoOIDC
	}
	p, err := s.oidc.discover(c.Request().Context())
	if err != nil {
		s.log.Warn("OIDC discovery failed", "err", err)
		return errOIDCUnavailable
	}
	state, nonce, verifier := randomToken(), randomToken(), oauth2.GenerateVerifier()
	ctx := c.Request().Context()
	s.sessions.Put(ctx, sessionOIDCState, state)
	s.sessions.Put(ctx, sessionOIDCNonce, nonce)
	s.sessions.Put(ctx, sessionOIDCVerifier, verifier)
	s.sessions.Put(ctx, sessionOIDCNext, safeNext(c.QueryParam("next")))
	return c.Redirect(http.StatusSeeOther,
		s.oidc.oauth2Config(p).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)))
}

// idClaims are the ID token's claims the dashboard uses.
type idClaims struct {
	Email             string   `json:"email"`
	PreferredUsername string   `json:"preferred_username"`
	Name              string   `json:"name"`
	Roles             []string `json:"roles"`
	Groups            []string `json:"groups"`
}

// oidcCallback serves GET /auth/oidc/callback: check the state, exchange the
// code (with the PKCE verifier), verify the ID token and its nonce, map the
// role, record the user and sign them in.
func (s *Server) oidcCallback(c echo.Context) error {
	if s.oidc == nil {
		return errNoOIDC
	}
	ctx := c.Request().Context()
	state := s.sessions.PopString(ctx, sessionOIDCState)
	nonce := s.sessions.PopString(ctx, sessionOIDCNonce)
	verifier := s.sessions.PopString(ctx, sessionOIDCVerifier)
	next := safeNext(s.sessions.PopString(ctx, sessionOIDCNext))
	q := c.QueryParams()
	if state == "" || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
		s.recordFailedSignIn(c, "", "", "oidc: state did not match")
		return inventory.Errorf(inventory.EINVALID, "This sign-in with Microsoft could not be checked (it was started elsewhere, or too long ago). Please start again.")
	}
	if e := q.Get("error"); e != "" {
		s.recordFailedSignIn(c, "", "", "oidc: provider refused: "+clip(e, 100))
		return inventory.Errorf(codeUnauthenticated, "Microsoft did not sign you in (%s). Please try again or ask your administrator.", clip(e, 100))
	}
	p, err := s.oidc.discover(ctx)
	if err != nil {
		s.log.Warn("OIDC discovery failed", "err", err)
		return errOIDCUnavailable
	}
	tok, err := s.oidc.oauth2Config(p).Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		s.log.Warn("OIDC code exchange failed", "err", err)
		s.recordFailedSignIn(c, "", "", "oidc: code exchange failed")
		return inventory.Errorf(codeUnauthenticated, "Microsoft's answer to this sign-in could not be used. Please start again.")
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := p.Verifier(&oidc.Config{ClientID: s.oidc.cfg.ClientID}).Verify(ctx, raw)
	if err != nil {
		s.log.Warn("OIDC ID token refused", "err", err)
		s.recordFailedSignIn(c, "", "", "oidc: ID token refused")
		return inventory.Errorf(codeUnauthenticated, "Microsoft's answer to this sign-in could not be verified. Please start again.")
	}
	if nonce == "" || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		s.recordFailedSignIn(c, "", "", "oidc: nonce did not match")
		return inventory.Errorf(codeUnauthenticated, "This sign-in with Microsoft could not be checked (its nonce did not match). Please start again.")
	}
	var cl idClaims
	if err := idt.Claims(&cl); err != nil {
		return fmt.Errorf("oidc callback: read claims: %w", err)
	}
	email := cl.Email
	if email == "" && strings.Contains(cl.PreferredUsername, "@") {
		email = cl.PreferredUsername
	}
	if email == "" {
		s.recordFailedSignIn(c, "", "", "oidc: no e-mail claim")
		return inventory.Errorf(inventory.EFORBIDDEN, "Microsoft sent no e-mail address for your account, so mfaboard cannot tell who you are: ask your administrator to add the email claim to the app's ID token.")
	}
	role, ok := s.oidc.cfg.roleFromClaims(cl.Roles, cl.Groups)
	if !ok {
		s.recordFailedSignIn(c, "", email, "oidc: no mfaboard role")
		return inventory.Errorf(inventory.EFORBIDDEN, "Your Microsoft account has no mfaboard role: ask your administrator to give you SecurityLead, Engineer or Management in Entra ID.")
	}
	u, err := s.store.UpsertOIDCUser(ctx, idt.Subject, email, cl.Name, role)
	if err != nil {
		s.recordFailedSignIn(c, "", email, "oidc: "+inventory.ErrorMessage(err))
		return err
	}
	if u.Disabled {
		s.recordFailedSignIn(c, u.ID, u.Email, "oidc: account disabled")
		return inventory.Errorf(inventory.EFORBIDDEN, "Your mfaboard account is disabled. Ask a security lead to enable it.")
	}
	if err := s.startSession(ctx, u); err != nil {
		return fmt.Errorf("oidc callback: start session: %w", err)
	}
	s.recordSignIn(c, u, "oidc")
	return c.Redirect(http.StatusSeeOther, next)
}

// randomToken is 32 random bytes, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// OIDCConfig turns on "Sign in with Microsoft" (or any OpenID Connect
// provider). Roles come from the ID token's app-role claim "roles"
// (SecurityLead, Engineer, Management) or from GroupRoles, a group id →
// role mapping for tenants that hand out access by group.
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string
	GroupRoles   map[string]inventory.Role
}

// Entra ID app roles → the dashboard's roles.
var appRoles = map[string]inventory.Role{
	"SecurityLead": inventory.SecurityLead,
	"Engineer":     inventory.Engineer,
	"Management":   inventory.Management,
}

// OIDCConfigFromEnv reads MFABOARD_OIDC_ISSUER, MFABOARD_OIDC_CLIENT_ID,
// MFABOARD_OIDC_CLIENT_SECRET, MFABOARD_OIDC_REDIRECT_URL and
// MFABOARD_OIDC_GROUP_ROLES ("<groupId>=security_lead,<groupId>=engineer").
// It returns nil when no issuer is set (OIDC off), and an EINVALID sentence
// when the settings are incomplete or malformed.
func OIDCConfigFromEnv(getenv func(string) string) (*OIDCConfig, error) {
	cfg := &OIDCConfig{
		Issuer:       strings.TrimSpace(getenv("MFABOARD_OIDC_ISSUER")),
		ClientID:     strings.TrimSpace(getenv("MFABOARD_OIDC_CLIENT_ID")),
		ClientSecret: getenv("MFABOARD_OIDC_CLIENT_SECRET"),
		RedirectURL:  strings.TrimSpace(getenv("MFABOARD_OIDC_REDIRECT_URL")),
	}
	if cfg.Issuer == "" {
		if cfg.ClientID != "" || cfg.RedirectURL != "" || cfg.ClientSecret != "" {
			return nil, inventory.Errorf(inventory.EINVALID, "MFABOARD_OIDC_ISSUER is not set but other MFABOARD_OIDC_* settings are: set it (e.g. https://login.microsoftonline.com/<tenant id>/v2.0) or unset them all.")
		}
		return nil, nil
	}
	groups, err := parseGroupRoles(getenv("MFABOARD_OIDC_GROUP_ROLES"))
	if err != nil {
		return nil, err
	}
	cfg.GroupRoles = groups
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

func (cfg *OIDCConfig) validate() error {
	var missing []string
	for _, f := range []struct{ name, value string }{
		{"MFABOARD_OIDC_ISSUER", cfg.Issuer}, {"MFABOARD_OIDC_CLIENT_ID", cfg.ClientID},
		{"MFABOARD_OIDC_CLIENT_SECRET", cfg.ClientSecret}, {"MFABOARD_OIDC_REDIRECT_URL", cfg.RedirectURL},
	} {
		if f.value == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return inventory.Errorf(inventory.EINVALID, "Sign-in with Microsoft needs %s as well.", strings.Join(missing, ", "))
	}
	for name, raw := range map[string]string{"MFABOARD_OIDC_ISSUER": cfg.Issuer, "MFABOARD_OIDC_REDIRECT_URL": cfg.RedirectURL} {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return inventory.Errorf(inventory.EINVALID, "%s must be an http(s) URL, not %q.", name, raw)
		}
	}
	if u, _ := url.Parse(cfg.RedirectURL); u.Path != oidcCallbackPath {
		return inventory.Errorf(inventory.EINVALID, "MFABOARD_OIDC_REDIRECT_URL must end in %s (it is where the provider sends people back), not %q.", oidcCallbackPath, cfg.RedirectURL)
	}
	return nil
}

// parseGroupRoles reads "<groupId>=<role>,…".
func parseGroupRoles(s string) (map[string]inventory.Role, error) {
	out := map[string]inventory.Role{}
	for pair := range strings.SplitSeq(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		group, role, ok := strings.Cut(pair, "=")
		group, role = strings.TrimSpace(group), strings.TrimSpace(role)
		if !ok || group == "" {
			return nil, inventory.Errorf(inventory.EINVALID, "MFABOARD_OIDC_GROUP_ROLES: %q is not <groupId>=<role>.", pair)
		}
		r, err := inventory.ParseRole(role)
		if err != nil {
			return nil, inventory.Errorf(inventory.EINVALID, "MFABOARD_OIDC_GROUP_ROLES: %s", inventory.ErrorMessage(err))
		}
		out[group] = r
	}
	return out, nil
}

// roleFromClaims picks the user's role from the token's app roles and
// groups. Someone holding several gets the one that lets them do most (a
// lead who is also an engineer is a lead); ok is false when none applies.
func (cfg *OIDCConfig) roleFromClaims(roles, groups []string) (inventory.Role, bool) {
	var held []inventory.Role
	for _, r := range roles {
		if role, ok := appRoles[r]; ok {
			held = append(held, role)
		}
	}
	for _, g := range groups {
		if role, ok := cfg.GroupRoles[g]; ok {
			held = append(held, role)
		}
	}
	// inventory.Roles lists roles from the most to the least able.
	for _, r := range inventory.Roles {
		if slices.Contains(held, r) {
			return r, true
		}
	}
	return "", false
}
