package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/mfaboard/mfaboard/graph"
	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// openStore finds, creates and migrates the database, then opens the store.
func openStore(ctx context.Context, env *cliEnv) (*pg.Store, func(), error) {
	db, err := locateDatabase(ctx, env.log, env.getenv)
	if err != nil {
		return nil, nil, err
	}
	if err := pg.Migrate(ctx, db.URL); err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("migrate the database: %w", err)
	}
	store, err := pg.Open(ctx, db.URL)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return store, func() { store.Close(); db.Close() }, nil
}

// openStoreNoFlags is openStore for a command (name) that takes no flags:
// its command line parsed first, stray arguments refused.
func openStoreNoFlags(ctx context.Context, env *cliEnv, name string, args []string) (*pg.Store, func(), error) {
	if err := parseFlags(newFlags(env, name, ""), args); err != nil {
		return nil, nil, err
	}
	return openStore(ctx, env)
}

func cmdMigrate(ctx context.Context, env *cliEnv, fs *flag.FlagSet, args []string) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	_, closeAll, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	closeAll()
	fmt.Fprintln(env.stdout, "database is migrated")
	return nil
}

// graphFlags are the flags every command that talks to live Graph shares.
type graphFlags struct{ url string }

func (g *graphFlags) register(env *cliEnv, fs interface {
	StringVar(*string, string, string, string)
}) {
	fs.StringVar(&g.url, "graph-url", env.getenv("GRAPH_BASE_URL"), "Graph base URL (env GRAPH_BASE_URL; default https://graph.microsoft.com; sovereign clouds with GRAPH_AUTHORITY_HOST)")
}

// client builds a live Graph client from the environment and the flags.
func (g *graphFlags) client(ctx context.Context, env *cliEnv) (*graph.Client, error) {
	cfg := graphConfig(env.getenv)
	if g.url != "" {
		cfg.BaseURL = g.url
	}
	cfg.Logger = env.log
	if err := cfg.Validate(); err != nil {
		return nil, usagef("%v", err)
	}
	return graph.NewClient(ctx, cfg)
}

// graphSource reads live Graph, printing its progress on stderr and telling
// it to also (the sync page's recorder) as well.
func graphSource(env *cliEnv, c *graph.Client, now time.Time, also ...func(graph.Progress)) export.Source {
	return export.Source{SourceName: "graph", Feed: func(ctx context.Context, sink export.Sink) ([]inventory.Warning, error) {
		show, done := progressPrinter(env)
		defer done()
		report := func(p graph.Progress) {
			show(p)
			for _, f := range also {
				f(p)
			}
		}
		return c.Fetch(ctx, sink, graph.FetchOptions{Now: now, SignInWindow: 30 * 24 * time.Hour, Progress: report})
	}}
}

// progressPrinter shows a fetch's progress — what has arrived, the
// requests, the time left — on stderr: one line rewritten in place on a
// terminal, a line every 10 seconds otherwise, so a 100,000-account sync
// shows it is alive. done writes the last state.
func progressPrinter(env *cliEnv) (report func(graph.Progress), done func()) {
	tty := false
	if f, ok := env.stderr.(*os.File); ok {
		if st, err := f.Stat(); err == nil {
			tty = st.Mode()&os.ModeCharDevice != 0
		}
	}
	every, line := 10*time.Second, "  %s\n"
	if tty {
		every, line = 250*time.Millisecond, "\r\033[K  %s"
	}
	var mu sync.Mutex
	var last time.Time
	var latest *graph.Progress
	report = func(p graph.Progress) {
		mu.Lock()
		defer mu.Unlock()
		latest = &p
		if time.Since(last) >= every {
			last = time.Now()
			fmt.Fprintf(env.stderr, line, p)
		}
	}
	done = func() {
		mu.Lock()
		defer mu.Unlock()
		if latest != nil {
			fmt.Fprintf(env.stderr, strings.TrimSuffix(line, "\n")+"\n", latest)
		}
	}
	return report, done
}

func cmdSync(ctx context.Context, env *cliEnv, fs *flag.FlagSet, args []string) error {
	from := fs.String("from", "", "read an export folder (GRAPH-EXPORT.md) instead of live Graph")
	kindFlag := fs.String("tenant-kind", "mixed", "what the tenant is: mixed, csp or production")
	var gf graphFlags
	gf.register(env, fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var kind inventory.TenantKind
	if flagWasSet(fs, "tenant-kind") {
		k, err := inventory.ParseTenantKind(*kindFlag)
		if err != nil {
			return err
		}
		kind = k
	}
	now := time.Now().UTC()
	var src export.Source
	if *from != "" {
		if err := checkExportFolder(*from); err != nil {
			return err
		}
		src = export.FolderSource(*from)
	} else {
		c, err := gf.client(ctx, env)
		if err != nil {
			return err
		}
		src = graphSource(env, c, now)
	}
	store, closeAll, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer closeAll()
	fmt.Fprintf(env.stderr, "syncing from %s …\n", describeSource(src, *from))
	out, err := inventory.Sync(ctx, store, src, inventory.SyncOptions{Kind: kind, Now: now})
	if inventory.ErrorCode(err) == inventory.EINVALID {
		// Wrong input: exit 2, with the sentence that names the file, item
		// and field.
		return inventory.Errorf(inventory.EINVALID, "%s; nothing was stored (run %d recorded as failed)", inventory.ErrorMessage(err), out.RunID)
	}
	if err != nil {
		return fmt.Errorf("sync failed (run %d recorded as failed; the stored tenant is unchanged): %w", out.RunID, err)
	}
	printSyncSummary(env, out)
	alertRegressions(ctx, env, store, out) // change_alert.go
	return nil
}

func describeSource(src export.Source, dir string) string {
	if src.Name() == "folder" {
		return "export folder " + absDir(dir)
	}
	return "Microsoft Graph"
}

func printSyncSummary(env *cliEnv, out inventory.SyncOutcome) {
	s, t := out.Snapshot, out.Result.Tenant
	fmt.Fprintf(env.stdout, "synced %s (%s) in %s: %d accounts, %d policies, %d groups, %d roles, %d rooms (run %d)\n",
		inventory.Printable(s.Tenant.DisplayName), inventory.Printable(s.Tenant.ID), out.Elapsed.Round(time.Millisecond), len(s.Users), len(s.Policies), len(s.Groups), len(s.Roles), len(s.Rooms), out.RunID)
	for _, w := range s.Warnings {
		fmt.Fprintf(env.stdout, "warning: %s\n", inventory.Printable(w.String()))
	}
	verdict := "READY"
	if !t.Ready {
		verdict = "NOT READY"
	}
	var parts []string
	for _, c := range inventory.Compliances {
		parts = append(parts, fmt.Sprintf("%d %s", t.Counts[c], strings.ReplaceAll(string(c), "_", " ")))
	}
	fmt.Fprintf(env.stdout, "verdict: %s (%s)\n", verdict, strings.Join(parts, ", "))
}

func cmdExportGraph(ctx context.Context, env *cliEnv, fs *flag.FlagSet, args []string) error {
	out := fs.String("out", "", "folder to write (created; must not hold an export already)")
	var gf graphFlags
	gf.register(env, fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out DIR is required")
	}
	c, err := gf.client(ctx, env)
	if err != nil {
		return err
	}
	var warnings []inventory.Warning
	if err := writeExport(*out, func(w export.Sink) (err error) {
		warnings, err = graphSource(env, c, time.Now().UTC()).Feed(ctx, w)
		if err != nil {
			return fmt.Errorf("export failed, nothing written: %w", err)
		}
		return nil
	}); err != nil {
		return err
	}
	for _, wn := range warnings {
		fmt.Fprintf(env.stdout, "warning: %s\n", inventory.Printable(wn.String()))
	}
	fmt.Fprintf(env.stdout, "wrote export folder %s\n", absDir(*out))
	return nil
}

func cmdDemo(ctx context.Context, env *cliEnv, fs *flag.FlagSet, args []string) error {
	out := fs.String("out", "", "folder to write the generated tenant to, as an export folder")
	users := fs.Int("users", 300, "number of accounts")
	seed := fs.Int64("seed", 1, "generator seed (same seed, same tenant)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out DIR is required")
	}
	if *users < 1 {
		return usagef("--users must be at least 1")
	}
	snap := demo.Generate(demo.Options{Users: *users, Seed: *seed})
	if err := writeExport(*out, export.EncodeSnapshot(snap).Feed); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "wrote a demo tenant of %d accounts to %s\n", len(snap.Users), absDir(*out))
	return nil
}
