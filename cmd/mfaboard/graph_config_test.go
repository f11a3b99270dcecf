package main

import (
	"testing"

	"github.com/mfaboard/mfaboard/graph"
)

func TestGraphConfigFromTheEnvironment(t *testing.T) {
	env := map[string]string{
		graph.EnvBaseURL:       "https://graph.microsoft.us",
		graph.EnvAuthorityHost: "https://login.microsoftonline.us/",
		graph.EnvTenantID:      "tenant",
		graph.EnvClientID:      "client",
		graph.EnvClientSecret:  "secret",
		"GRAPH_UNRELATED":      "ignored",
	}
	got := graphConfig(func(k string) string { return env[k] })
	want := graph.Config{BaseURL: "https://graph.microsoft.us", AuthorityHost: "https://login.microsoftonline.us/",
		TenantID: "tenant", ClientID: "client", ClientSecret: "secret"}
	if got != want {
		t.Errorf("graphConfig() = %+v, want %+v", got, want)
	}
	env = map[string]string{graph.EnvCertificatePath: "/etc/app.pfx", graph.EnvCertificatePassword: "pfx", graph.EnvAccessToken: "tok"}
	got = graphConfig(func(k string) string { return env[k] })
	if got != (graph.Config{CertificatePath: "/etc/app.pfx", CertificatePassword: "pfx", AccessToken: "tok"}) {
		t.Errorf("graphConfig() = %+v", got)
	}
}
