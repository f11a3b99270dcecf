package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// changeJSON is one change as `mfaboard changes --format json` writes it:
// a contract ({"changes": [{"sync", "at", "account", "from", "to",
// "causes"}]}); from is null for a new account, to for a removed one.
type changeJSON struct {
	Sync    int64     `json:"sync"`
	At      time.Time `json:"at"`
	Account string    `json:"account"`
	From    *string   `json:"from"`
	To      *string   `json:"to"`
	Causes  []string  `json:"causes"`
}

// cmdChanges prints what each sync found had changed since the one before
// (issue 13 §4), newest sync first: the same list as /changes.
func cmdChanges(ctx context.Context, env *cliEnv, fs *flag.FlagSet, args []string) error {
	tenant := tenantFlag(fs)
	sinceText := fs.String("since", "", "only changes found at or after this moment, e.g. 2026-11-30T00:00:00Z")
	format := formatFlag(fs, "output `format`: table (for people) or json (for scripts)", "table", "json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var since time.Time
	if *sinceText != "" {
		t, err := time.Parse(time.RFC3339, *sinceText)
		if err != nil {
			return usagef("--since %q is not an RFC 3339 time: write it as 2026-11-30T00:00:00Z", *sinceText)
		}
		since = t
	}
	store, tenantID, closeAll, err := openTenantStore(ctx, env, *tenant)
	if err != nil {
		return err
	}
	defer closeAll()
	cs, err := store.Changes(ctx, pg.ChangeFilter{TenantID: tenantID, Since: since})
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeChangesJSON(env, cs)
	}
	return writeChangesTable(env, cs)
}

func writeChangesJSON(env *cliEnv, cs []pg.SyncChange) error {
	out := struct {
		Changes []changeJSON `json:"changes"`
	}{Changes: make([]changeJSON, len(cs))}
	verdict := func(c inventory.Compliance) *string {
		if c == "" {
			return nil
		}
		s := string(c)
		return &s
	}
	for i, c := range cs {
		out.Changes[i] = changeJSON{Sync: c.RunID, At: c.At, Account: c.UPN, From: verdict(c.From), To: verdict(c.To),
			Causes: append([]string{}, c.Causes...)}
	}
	enc := json.NewEncoder(env.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeChangesTable(env *cliEnv, cs []pg.SyncChange) error {
	if len(cs) == 0 {
		_, err := fmt.Fprintln(env.stdout, "no changes recorded: the first sync of a tenant is the baseline")
		return err
	}
	w := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SYNC\tAT\tACCOUNT\tFROM\tTO\tCAUSES")
	or := func(c inventory.Compliance, none string) string {
		if c == "" {
			return none
		}
		return string(c)
	}
	for _, c := range cs {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", c.RunID, c.At.Format("2006-01-02 15:04"),
			inventory.Printable(c.UPN), or(c.From, "new"), or(c.To, "removed"),
			inventory.Printable(strings.Join(c.Causes, "; ")))
	}
	return w.Flush()
}
