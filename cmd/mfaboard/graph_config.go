package main

import "github.com/mfaboard/mfaboard/graph"

// graphConfig reads the GRAPH_* environment variables: where Graph is and
// how to sign in to it. Only cmd reads the environment.
func graphConfig(getenv func(string) string) graph.Config {
	return graph.Config{
		BaseURL:             getenv(graph.EnvBaseURL),
		AuthorityHost:       getenv(graph.EnvAuthorityHost),
		TenantID:            getenv(graph.EnvTenantID),
		ClientID:            getenv(graph.EnvClientID),
		ClientSecret:        getenv(graph.EnvClientSecret),
		CertificatePath:     getenv(graph.EnvCertificatePath),
		CertificatePassword: getenv(graph.EnvCertificatePassword),
		AccessToken:         getenv(graph.EnvAccessToken),
	}
}
