package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/mfaboard/mfaboard/graph"
	"github.com/mfaboard/mfaboard/inventory"
)

func init() {
	commands["whatif"] = command{"ask Microsoft's What-If engine which policies apply to an account (--upn U) or every open account (--all), and compare", "(--upn U | --all) [--tenant ID] [--graph-url URL]", cmdWhatIf}
}

// whatIfConcurrency bounds the evaluations of --all in flight; the pacer
// narrows it further while Graph throttles.
const whatIfConcurrency = 4

// cmdWhatIf asks Microsoft about a sign-in to all cloud apps from a browser
// for one account or every open one, prints Microsoft's answer beside
// mfaboard's verdict and keeps it, as the account page's button does.
func cmdWhatIf(ctx context.Context, env *cliEnv, fs *flag.FlagSet, args []string) error {
	upn := fs.String("upn", "", "the account to ask about, by user principal name")
	all := fs.Bool("all", false, "ask about every open account (non-compliant or at risk), throttled")
	tenant := fs.String("tenant", "", "tenant id in the database (needed when it holds several)")
	var gf graphFlags
	gf.register(env, fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *upn == "" && !*all:
		return usagef("say which account: --upn U, or --all for every open account")
	case *upn != "" && *all:
		return usagef("give either --upn U or --all, not both")
	}
	store, tenantID, closeAll, err := openTenantStore(ctx, env, *tenant)
	if err != nil {
		return err
	}
	defer closeAll()
	cfg := graphConfig(env.getenv)
	if err := cfg.Serves(tenantID); err != nil {
		return err
	}
	client, err := gf.client(ctx, env)
	if err != nil {
		return err
	}
	asker, err := inventory.NewWhatIfAsker(ctx, store, client, inventory.CLIActor, tenantID)
	if err != nil {
		return err
	}
	var ids []string
	if *all {
		if ids, err = store.OpenAccountIDs(ctx, tenantID); err != nil {
			return err
		}
	} else {
		u, ok := asker.AccountByUPN(*upn)
		if !ok {
			return usagef("no account %s in tenant %s: check the UPN, or sync again", *upn, tenantID)
		}
		ids = []string{u.ID}
	}
	checks, err := askAll(graph.Paced(ctx, whatIfConcurrency), asker, ids)
	if err != nil {
		return err
	}
	return writeWhatIf(env.stdout, checks)
}

// askAll asks about each account, a few at a time under one pacer; the
// first failure (a missing permission fails them all) ends the run.
func askAll(ctx context.Context, asker *inventory.WhatIfAsker, ids []string) ([]inventory.WhatIfCheck, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := make([]inventory.WhatIfCheck, len(ids))
	errs := make(chan error, len(ids))
	work := make(chan int)
	done := make(chan struct{})
	workers := min(whatIfConcurrency, len(ids))
	for range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range work {
				c, err := asker.Ask(ctx, inventory.CLIActor, ids[i])
				if err != nil {
					errs <- err
					cancel()
					continue
				}
				out[i] = c
			}
		}()
	}
feed:
	for i := range ids {
		select {
		case work <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	for range workers {
		<-done
	}
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return out, nil
}

// writeWhatIf prints one line per account and its disagreements beneath.
func writeWhatIf(w io.Writer, checks []inventory.WhatIfCheck) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tMFABOARD\tMICROSOFT APPLIES\tAGREES")
	disagree := 0
	for _, c := range checks {
		var applied []string
		for _, p := range c.Policies {
			if p.Applies {
				applied = append(applied, p.Name+" ("+p.Grant+")")
			}
		}
		agrees := "yes"
		if !c.Agrees() {
			agrees = "NO"
			disagree++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.UPN, c.Verdict.Label(), orNone(strings.Join(applied, ", ")), agrees)
		for _, d := range c.Disagreements {
			fmt.Fprintf(tw, "\t\t  %s\t\n", strings.ReplaceAll(d.Text, "*", ""))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d of %d accounts: Microsoft disagrees with mfaboard. Each answer is kept and on the audit trail.\n", disagree, len(checks))
	return err
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
