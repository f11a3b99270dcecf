package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/mfaboard/mfaboard/graph"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/deliver"
)

func cmdServe(ctx context.Context, env *cliEnv, fs *flag.FlagSet, args []string) error {
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	demoFlag := fs.Bool("demo", false, "seed a generated demo tenant when the database holds none")
	users := fs.Int("users", 300, "accounts in the demo tenant (with --demo)")
	every := fs.Duration("sync-every", 6*time.Hour, "scheduled sync interval when Graph credentials are set (0 turns it off)")
	secure := fs.Bool("secure-cookies", false, "people reach the dashboard over HTTPS (e.g. behind a TLS proxy): session cookies get Secure")
	var gf graphFlags
	gf.register(env, fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *users < 1 {
		return usagef("--users must be at least 1")
	}
	if *every < 0 || (*every > 0 && *every < time.Minute) {
		return usagef("--sync-every must be 0 (off) or at least 1m")
	}
	oidcCfg, err := web.OIDCConfigFromEnv(env.getenv)
	if err != nil {
		return usagef("%s", inventory.ErrorMessage(err))
	}
	if oidcCfg != nil && strings.HasPrefix(oidcCfg.RedirectURL, "https://") {
		*secure = true
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %v (is another server running there? choose another with --addr)", *addr, errSentence(err))
	}
	defer ln.Close()

	store, closeAll, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer closeAll()

	// A sync killed with the previous process (or on another host) would
	// stay "running" on /runs; its lock is gone, so record it as failed now.
	if failed, err := store.FailAbandonedRuns(ctx); err != nil {
		env.log.Error("could not record unfinished syncs as failed", "err", err)
	} else if len(failed) > 0 {
		env.log.Warn("syncs that stopped without finishing are recorded as failed", "runs", failed)
	}

	if *demoFlag {
		if err := seedDemo(ctx, env, store, *users); err != nil {
			return err
		}
		if err := seedDemoUsers(ctx, env, store); err != nil {
			return err
		}
	}
	var client *graph.Client // nil: no Graph sync, scheduled or started by a lead
	if cfg := graphConfig(env.getenv); cfg.HasCredentials() {
		if gf.url != "" {
			cfg.BaseURL = gf.url
		}
		cfg.Logger = env.log
		if err := cfg.Validate(); err != nil {
			return usagef("%v", err)
		}
		if client, err = graph.NewClient(ctx, cfg); err != nil {
			return err
		}
		if *every > 0 {
			env.log.Info("scheduled Graph sync on", "every", every.String())
		}
	}
	// The job queue runs in every serve: the daily trend snapshot and the
	// scheduled delivery always, the Graph sync when there are credentials.
	rc, stop, err := startJobQueue(ctx, env, store, client, *every)
	if err != nil {
		return err
	}
	defer stop()
	queue, scheduled := &syncQueue{why: noGraphSentence}, time.Duration(0) // sync_queue.go: a lead's "Sync now"
	if client != nil {
		queue.rc, scheduled = rc, *every
	} else if *demoFlag {
		queue.why = demoSentence
	}

	whatIf, err := whatIfGraph(ctx, env, gf.url)
	if err != nil {
		return err
	}
	handler := web.New(web.Config{Store: store, Logger: env.log, Version: fmt.Sprint(time.Now().Unix()), TLS: *secure, OIDC: oidcCfg,
		SMTPPassword: env.getenv(deliver.PasswordEnv), Sync: queue, SyncEvery: scheduled, WhatIf: whatIf})
	defer handler.Close()
	srv := &http.Server{Handler: handler,
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(env.stdout, "mfaboard is serving on http://%s (Ctrl+C stops it)\n", ln.Addr())
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}
