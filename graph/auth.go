package graph

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	kauth "github.com/microsoft/kiota-authentication-azure-go"
)

// authenticationProvider attaches tokens to requests for the base URL's host
// only. NewGraphServiceClientWithCredentials would allow Microsoft's Graph
// hosts only, so a sovereign cloud or an emulator's 127.0.0.1 would get no
// token; naming the base URL's host fixes both. The provider itself accepts
// plain http for localhost, 127.0.0.1 and ::1 and refuses it elsewhere.
func authenticationProvider(cfg Config) (*kauth.AzureIdentityAuthenticationProvider, error) {
	cred, err := credential(cfg)
	if err != nil {
		return nil, err
	}
	base, err := url.Parse(cfg.baseURL())
	if err != nil {
		return nil, fmt.Errorf("graph base URL: %w", err)
	}
	scopes := []string{cfg.baseURL() + "/.default"}
	p, err := kauth.NewAzureIdentityAuthenticationProviderWithScopesAndValidHosts(cred, scopes, []string{base.Hostname()})
	if err != nil {
		return nil, fmt.Errorf("graph authentication: %w", err)
	}
	return p, nil
}

// credential builds the token source the configuration names.
func credential(cfg Config) (azcore.TokenCredential, error) {
	if cfg.AccessToken != "" {
		return staticToken(strings.TrimSpace(strings.TrimPrefix(cfg.AccessToken, "Bearer "))), nil
	}
	opts := azcore.ClientOptions{Cloud: cloudFor(cfg)}
	if cfg.HTTPClient != nil {
		opts.Transport = cfg.HTTPClient
	}
	if cfg.CertificatePath != "" {
		data, err := os.ReadFile(cfg.CertificatePath)
		if err != nil {
			return nil, fmt.Errorf("read the certificate named by %s: %w", EnvCertificatePath, err)
		}
		var password []byte
		if cfg.CertificatePassword != "" {
			password = []byte(cfg.CertificatePassword)
		}
		certs, key, err := azidentity.ParseCertificates(data, password)
		if err != nil {
			return nil, fmt.Errorf("the certificate %s holds no usable certificate and private key (PEM, or PKCS#12 with %s if it has a password): %w", cfg.CertificatePath, EnvCertificatePassword, err)
		}
		c, err := azidentity.NewClientCertificateCredential(cfg.TenantID, cfg.ClientID, certs, key,
			&azidentity.ClientCertificateCredentialOptions{ClientOptions: opts, SendCertificateChain: true})
		if err != nil {
			return nil, fmt.Errorf("certificate credential: %w", err)
		}
		return c, nil
	}
	c, err := azidentity.NewClientSecretCredential(cfg.TenantID, cfg.ClientID, cfg.ClientSecret,
		&azidentity.ClientSecretCredentialOptions{ClientOptions: opts})
	if err != nil {
		return nil, fmt.Errorf("client secret credential: %w", err)
	}
	return c, nil
}

// cloudFor picks the Entra ID authority: the one configured, else the one of
// the Graph cloud the base URL names.
func cloudFor(cfg Config) cloud.Configuration {
	if cfg.AuthorityHost != "" {
		return cloud.Configuration{ActiveDirectoryAuthorityHost: cfg.AuthorityHost}
	}
	host := ""
	if u, err := url.Parse(cfg.baseURL()); err == nil {
		host = strings.ToLower(u.Hostname())
	}
	switch {
	case strings.HasSuffix(host, "graph.microsoft.us"): // graph.microsoft.us, dod-graph.microsoft.us
		return cloud.AzureGovernment
	case strings.HasSuffix(host, "chinacloudapi.cn"):
		return cloud.AzureChina
	}
	return cloud.AzurePublic
}

// staticToken is a bearer token given as is. Its expiry is unknown, so it
// claims an hour; Graph answers 401 once it has really expired.
type staticToken string

func (t staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(t), ExpiresOn: time.Now().Add(time.Hour)}, nil
}
