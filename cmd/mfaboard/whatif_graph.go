package main

import (
	"context"

	"github.com/mfaboard/mfaboard/graph"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/web"
)

// whatIfGraph gives the web server Microsoft's What-If engine when Graph
// credentials are in the environment; nil without them (the demo), and the
// account page says so instead of offering the button. One client serves
// every question; a tenant other than the app's is refused with a sentence.
func whatIfGraph(ctx context.Context, env *cliEnv, baseURL string) (web.WhatIfGraph, error) {
	cfg := graphConfig(env.getenv)
	if !cfg.HasCredentials() {
		return nil, nil
	}
	if baseURL != "" {
		cfg.BaseURL = baseURL
	}
	cfg.Logger = env.log
	if err := cfg.Validate(); err != nil {
		env.log.Warn("Microsoft's What-If engine is off: the Graph configuration is incomplete", "err", err)
		return nil, nil
	}
	client, err := graph.NewClient(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return func(tenantID string) (inventory.WhatIfEvaluator, error) {
		if err := cfg.Serves(tenantID); err != nil {
			return nil, err
		}
		return client, nil
	}, nil
}
