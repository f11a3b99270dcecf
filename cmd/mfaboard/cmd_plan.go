package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
)

func init() {
	commands["plan"] = command{"print what to fix first: the ranked fixes of the open accounts (--from DIR or the synced tenant)", cmdPlan}
}

// cmdPlan prints the remediation plan: from an export folder, assessed now
// with the default settings of --tenant-kind; or the synced tenant's, as the
// dashboard's /plan shows it.
func cmdPlan(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags(env, "plan", "[--from DIR | --tenant ID] [--format table|json] [--tenant-kind mixed|csp|production]")
	src := sourceFlags(fs, "plan an export folder instead of the synced tenant in the database")
	kindFlag := fs.String("tenant-kind", "mixed", "with --from: what the tenant is (mixed, csp or production)")
	format := fs.String("format", "table", "output: table or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format, "table", "json"); err != nil {
		return err
	}
	if err := src.check(); err != nil {
		return err
	}
	if *src.from == "" && flagWasSet(fs, "tenant-kind") {
		return usagef("--tenant-kind goes with --from DIR; the synced tenant's kind is a setting of the dashboard")
	}
	kind, err := inventory.ParseTenantKind(*kindFlag)
	if err != nil {
		return err
	}
	var plan inventory.Plan
	if *src.from != "" {
		if plan, err = planFolder(*src.from, kind); err != nil {
			return err
		}
	} else if plan, err = planStored(ctx, env, *src.tenant); err != nil {
		return err
	}
	if *format == "json" {
		return writePlanJSON(env.stdout, plan)
	}
	return writePlanTable(env.stdout, plan)
}

func planFolder(dir string, kind inventory.TenantKind) (inventory.Plan, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return inventory.Plan{}, usagef("--from %s is not a folder: give the export folder that holds users.json", dir)
	}
	snap, err := export.ReadSnapshot(dir)
	if err != nil {
		return inventory.Plan{}, err
	}
	in := inventory.Inputs{Settings: inventory.DefaultSettings(kind), AsOf: time.Now().UTC()}
	return inventory.PlanFixes(snap, in, inventory.Assess(snap, in)), nil
}

// planStored reads the synced tenant's plan with every account of each fix.
func planStored(ctx context.Context, env *cliEnv, tenantID string) (inventory.Plan, error) {
	store, tenantID, closeAll, err := openTenantStore(ctx, env, tenantID)
	if err != nil {
		return inventory.Plan{}, err
	}
	defer closeAll()
	stored, err := store.FreshPlan(ctx, tenantID)
	if err != nil {
		return inventory.Plan{}, err
	}
	for i, f := range stored.Fixes {
		if stored.Fixes[i], err = store.PlanFix(ctx, tenantID, f.ID); err != nil {
			return inventory.Plan{}, err
		}
	}
	return stored.Plan, nil
}

// planJSON is the JSON contract of `mfaboard plan`: field names are fixed.
// resolves counts the listed accounts that the fix alone takes out of the
// open verdicts, found by assessing them again with the change made.
type planJSON struct {
	Fixes []fixJSON `json:"fixes"`
}

type fixJSON struct {
	ID                 string              `json:"id"`
	Kind               string              `json:"kind"`
	Title              string              `json:"title"`
	Target             inventory.FixTarget `json:"target"`
	Accounts           []string            `json:"accounts"`
	Resolves           int                 `json:"resolves"`
	PrivilegedResolved int                 `json:"privilegedResolved"`
	Docs               string              `json:"docs"`
}

func writePlanJSON(w io.Writer, p inventory.Plan) error {
	out := planJSON{Fixes: make([]fixJSON, 0, len(p.Fixes))}
	for _, f := range p.Fixes {
		upns := make([]string, len(f.Accounts))
		for i, a := range f.Accounts {
			upns[i] = a.UPN
		}
		out.Fixes = append(out.Fixes, fixJSON{ID: f.ID, Kind: string(f.Kind), Title: f.Title, Target: f.Target,
			Accounts: upns, Resolves: f.Resolves, PrivilegedResolved: f.PrivilegedResolved, Docs: f.Docs})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writePlanTable(w io.Writer, p inventory.Plan) error {
	if len(p.Fixes) == 0 {
		_, err := fmt.Fprintln(w, "Nothing to fix: every account is compliant.")
		return err
	}
	fmt.Fprintf(w, "%d open accounts, %d fixes, best first\n\n", p.Open, len(p.Fixes))
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tPRIVILEGED\tRESOLVES\tTOUCHES\tFIX")
	for i, f := range p.Fixes {
		// Titles carry names from the tenant: control characters show as '?'.
		fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%s\n", i+1, f.PrivilegedResolved, f.Resolves, len(f.Accounts), inventory.Printable(f.Title))
	}
	return tw.Flush()
}
