package graph_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph"
)

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		graph.EnvBaseURL:       "https://graph.microsoft.us",
		graph.EnvAuthorityHost: "https://login.microsoftonline.us/",
		graph.EnvTenantID:      "tenant",
		graph.EnvClientID:      "client",
		graph.EnvClientSecret:  "secret",
		"GRAPH_UNRELATED":      "ignored",
	}
	got := graph.ConfigFromEnv(func(k string) string { return env[k] })
	want := graph.Config{BaseURL: "https://graph.microsoft.us", AuthorityHost: "https://login.microsoftonline.us/",
		TenantID: "tenant", ClientID: "client", ClientSecret: "secret"}
	if got != want {
		t.Errorf("ConfigFromEnv() = %+v, want %+v", got, want)
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	app := graph.Config{TenantID: "t", ClientID: "c", ClientSecret: "s3cr3t-value"}
	with := func(edit func(*graph.Config)) graph.Config {
		c := app
		edit(&c)
		return c
	}
	cases := []struct {
		name string
		cfg  graph.Config
		say  []string // empty: valid
	}{
		{"app with a secret", app, nil},
		{"app with a certificate", with(func(c *graph.Config) { c.ClientSecret, c.CertificatePath = "", "/etc/mfaboard/app.pem" }), nil},
		{"access token alone", graph.Config{AccessToken: "tok"}, nil},
		{"China cloud", with(func(c *graph.Config) { c.BaseURL = "https://microsoftgraph.chinacloudapi.cn" }), nil},
		{"emulator on 127.0.0.1 over http", graph.Config{BaseURL: "http://127.0.0.1:8080", AccessToken: "tok"}, nil},
		{"emulator on localhost over http", graph.Config{BaseURL: "http://localhost:8080/", AccessToken: "tok"}, nil},
		{"nothing at all", graph.Config{}, []string{graph.EnvTenantID, graph.EnvClientID, graph.EnvCertificatePath, graph.EnvClientSecret, graph.EnvAccessToken}},
		{"no tenant", with(func(c *graph.Config) { c.TenantID = "" }), []string{graph.EnvTenantID + " is not set"}},
		{"no client", with(func(c *graph.Config) { c.ClientID = "" }), []string{graph.EnvClientID + " is not set"}},
		{"no credential", with(func(c *graph.Config) { c.ClientSecret = "" }), []string{"No app credential", graph.EnvCertificatePath}},
		{"two credentials", with(func(c *graph.Config) { c.CertificatePath = "/x.pem" }), []string{"keep one"}},
		{"plain http to a remote host", with(func(c *graph.Config) { c.BaseURL = "http://graph.example" }), []string{"plain http", "localhost"}},
		{"a version in the base URL", with(func(c *graph.Config) { c.BaseURL = "https://graph.microsoft.com/v1.0" }), []string{"without a version"}},
		{"not a URL", with(func(c *graph.Config) { c.BaseURL = "graph.microsoft.com" }), []string{"is not a URL"}},
		{"authority over http", with(func(c *graph.Config) { c.AuthorityHost = "http://login.example/" }), []string{graph.EnvAuthorityHost}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if len(tc.say) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate accepted it")
			}
			for _, s := range tc.say {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("%q does not say %q", err, s)
				}
			}
			if strings.Contains(err.Error(), "s3cr3t-value") {
				t.Errorf("%q repeats the secret", err)
			}
		})
	}
}

func TestNewClientRefusesAnInvalidConfig(t *testing.T) {
	t.Parallel()
	if _, err := graph.NewClient(context.Background(), graph.Config{}); err == nil {
		t.Error("NewClient accepted an empty configuration")
	}
	_, err := graph.NewClient(context.Background(), graph.Config{TenantID: "t", ClientID: "c", CertificatePath: "/nonexistent/app.pem"})
	if err == nil || !strings.Contains(err.Error(), graph.EnvCertificatePath) {
		t.Errorf("NewClient with a missing certificate: %v", err)
	}
}

func TestNewClientReadsAPEMCertificate(t *testing.T) {
	t.Parallel()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mfaboard test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "app.pem")
	data := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})...)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := graph.Config{TenantID: "00000000-0000-0000-0000-000000000001", ClientID: "00000000-0000-0000-0000-000000000002", CertificatePath: path}
	if _, err := graph.NewClient(context.Background(), cfg); err != nil {
		t.Errorf("NewClient with a PEM certificate: %v", err)
	}
	if err := os.WriteFile(path, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := graph.NewClient(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "no usable certificate") {
		t.Errorf("NewClient with a file that holds no certificate: %v", err)
	}
}
