package graph

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
)

// DefaultBaseURL is the global Microsoft Graph service. Sovereign clouds use
// https://graph.microsoft.us, https://dod-graph.microsoft.us or
// https://microsoftgraph.chinacloudapi.cn.
const DefaultBaseURL = "https://graph.microsoft.com"

// Environment variables ConfigFromEnv reads.
const (
	EnvBaseURL             = "GRAPH_BASE_URL"
	EnvAuthorityHost       = "GRAPH_AUTHORITY_HOST"
	EnvTenantID            = "GRAPH_TENANT_ID"
	EnvClientID            = "GRAPH_CLIENT_ID"
	EnvClientSecret        = "GRAPH_CLIENT_SECRET"
	EnvCertificatePath     = "GRAPH_CLIENT_CERTIFICATE"
	EnvCertificatePassword = "GRAPH_CLIENT_CERTIFICATE_PASSWORD"
	EnvAccessToken         = "GRAPH_ACCESS_TOKEN"
)

// Config says where Graph is and how to authenticate to it. Exactly one way
// to authenticate is used: AccessToken if set, else the app registration
// (TenantID, ClientID and ClientSecret or CertificatePath).
type Config struct {
	BaseURL       string // default DefaultBaseURL
	AuthorityHost string // Entra ID authority, e.g. https://login.microsoftonline.us/; derived from BaseURL when empty

	TenantID        string
	ClientID        string
	ClientSecret    string
	CertificatePath string // PEM or PKCS#12 file holding the certificate and its private key
	// CertificatePassword unlocks a PKCS#12 file (optional).
	CertificatePassword string

	// AccessToken is a bearer token used as is, for a one-off run or a test.
	AccessToken string

	HTTPClient *http.Client // optional: its transport carries the requests (tests)
	Logger     *slog.Logger // optional
}

// ConfigFromEnv reads the GRAPH_* environment variables through getenv
// (os.Getenv in cmd, which reads the environment; a map in a test).
func ConfigFromEnv(getenv func(string) string) Config {
	return Config{
		BaseURL:             getenv(EnvBaseURL),
		AuthorityHost:       getenv(EnvAuthorityHost),
		TenantID:            getenv(EnvTenantID),
		ClientID:            getenv(EnvClientID),
		ClientSecret:        getenv(EnvClientSecret),
		CertificatePath:     getenv(EnvCertificatePath),
		CertificatePassword: getenv(EnvCertificatePassword),
		AccessToken:         getenv(EnvAccessToken),
	}
}

// baseURL is BaseURL or the default, without a trailing slash.
func (c Config) baseURL() string {
	b := strings.TrimRight(strings.TrimSpace(c.BaseURL), "/")
	if b == "" {
		return DefaultBaseURL
	}
	return b
}

// Validate says, in sentences, what is missing or wrong and which
// environment variable to set. It never repeats a secret.
func (c Config) Validate() error {
	var problems []string
	u, err := url.Parse(c.baseURL())
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		problems = append(problems, fmt.Sprintf("%s %q is not a URL: set it to https://graph.microsoft.com or your cloud's Graph endpoint.", EnvBaseURL, c.BaseURL))
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		problems = append(problems, fmt.Sprintf("%s uses plain http for %s: Graph tokens are only sent over https (plain http is accepted for a local emulator on localhost or 127.0.0.1 only).", EnvBaseURL, u.Host))
	case u.Path != "" && u.Path != "/":
		problems = append(problems, fmt.Sprintf("%s must be the service root without a version (for example https://graph.microsoft.com, not %s): the client adds /v1.0 and /beta itself.", EnvBaseURL, c.BaseURL))
	}
	if c.AuthorityHost != "" {
		if a, err := url.Parse(c.AuthorityHost); err != nil || a.Scheme != "https" || a.Host == "" {
			problems = append(problems, fmt.Sprintf("%s %q is not an https URL: set it to your cloud's Entra ID authority, such as https://login.microsoftonline.us/, or leave it empty.", EnvAuthorityHost, c.AuthorityHost))
		}
	}
	if c.AccessToken == "" {
		if c.TenantID == "" {
			problems = append(problems, fmt.Sprintf("%s is not set: set it to the directory (tenant) id of the tenant to read, or set %s to use a token you already have.", EnvTenantID, EnvAccessToken))
		}
		if c.ClientID == "" {
			problems = append(problems, fmt.Sprintf("%s is not set: set it to the application (client) id of the app registration that may read the tenant.", EnvClientID))
		}
		switch {
		case c.ClientSecret == "" && c.CertificatePath == "":
			problems = append(problems, fmt.Sprintf("No app credential is set: set %s to the path of the app's certificate (PEM or PKCS#12, with its private key), or %s to a client secret.", EnvCertificatePath, EnvClientSecret))
		case c.ClientSecret != "" && c.CertificatePath != "":
			problems = append(problems, fmt.Sprintf("Both %s and %s are set: keep one of them.", EnvClientSecret, EnvCertificatePath))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return errors.New("graph configuration: " + strings.Join(problems, " "))
}

// isLoopback is true for the hosts the SDK's token provider
// (kiota-authentication-azure-go) accepts plain http for: localhost,
// 127.0.0.1 and ::1.
func isLoopback(host string) bool {
	switch strings.ToLower(host) {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

// HasCredentials reports whether any Graph credential is configured, so
// `serve` knows whether to schedule syncs at all.
func (c Config) HasCredentials() bool {
	return c.AccessToken != "" || c.ClientSecret != "" || c.CertificatePath != ""
}
