package web

import (
	"net/url"
	"slices"
	"strings"

	"github.com/mfaboard/mfaboard/inventory"
)

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
