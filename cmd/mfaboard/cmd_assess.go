package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views/report"
)

// assess and plan: a tenant's verdicts, and what to fix first, from an
// export folder or the synced tenant.

func cmdAssess(ctx context.Context, env *cliEnv, fs *flag.FlagSet, args []string) error {
	src := sourceFlags(fs, "assess an export folder instead of the synced tenant in the database")
	kindFlag := fs.String("tenant-kind", "mixed", "what the tenant is: mixed, csp or production")
	asOfFlag := fs.String("as-of", "", "the moment the sign-in window is measured back from (RFC 3339; default now)")
	windowFlag := fs.String("window", "30d", "how far back sign-in evidence counts (e.g. 30d, 720h)")
	format := formatFlag(fs, "output `format`: table, json or csv", "table", "json", "csv")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	kind, err := inventory.ParseTenantKind(*kindFlag)
	if err != nil {
		return err
	}
	asOf := time.Now().UTC()
	if *asOfFlag != "" {
		if asOf, err = time.Parse(time.RFC3339, *asOfFlag); err != nil {
			return usagef("--as-of %q is not an RFC 3339 time such as 2026-11-16T09:00:00Z", *asOfFlag)
		}
	}
	window, err := parseWindow(*windowFlag)
	if err != nil {
		return err
	}
	if err := src.check(); err != nil {
		return err
	}

	var snap *inventory.Snapshot
	var in inventory.Inputs
	if from := *src.from; from != "" {
		if err := checkExportFolder(from); err != nil {
			return err
		}
		dec := export.NewDecoder()
		warnings, err := export.ReadFolder(from, dec)
		if err != nil {
			return err
		}
		for _, w := range warnings {
			dec.Warn(w)
		}
		snap = dec.Snapshot()
		in = inventory.Inputs{Settings: inventory.DefaultSettings(kind)}
	} else {
		snap, in, err = loadStoredTenant(ctx, env, *src.tenant, kind, flagWasSet(fs, "tenant-kind"))
		if err != nil {
			return err
		}
	}
	in.AsOf = asOf
	in.Settings.Window = window
	res := inventory.Assess(snap, in)
	for _, w := range snap.Warnings {
		fmt.Fprintf(env.stderr, "warning: %s\n", inventory.Printable(w.String()))
	}
	switch *format {
	case "json":
		return writeAssessJSON(env.stdout, res)
	case "csv":
		return writeAssessCSV(env.stdout, res)
	}
	return writeAssessTable(env.stdout, res)
}

// loadStoredTenant reads the synced tenant back with its settings,
// overrides and exceptions.
func loadStoredTenant(ctx context.Context, env *cliEnv, tenantID string, kind inventory.TenantKind, kindSet bool) (*inventory.Snapshot, inventory.Inputs, error) {
	store, closeAll, err := openStore(ctx, env)
	if err != nil {
		return nil, inventory.Inputs{}, err
	}
	defer closeAll()
	if tenantID, err = reportTenant(ctx, store, tenantID, ", or assess a folder with --from DIR"); err != nil {
		return nil, inventory.Inputs{}, err
	}
	snap, err := store.LoadSnapshot(ctx, tenantID)
	if err != nil {
		return nil, inventory.Inputs{}, err
	}
	var k inventory.TenantKind
	if kindSet {
		k = kind
	}
	in, _, err := store.AssessInputs(ctx, tenantID, k, time.Now().UTC())
	return snap, in, err
}

// parseWindow accepts Go durations and whole days ("30d").
func parseWindow(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(d, "%d", &n); err == nil && n > 0 && fmt.Sprint(n) == d {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if dur, err := time.ParseDuration(s); err == nil && dur > 0 {
		return dur, nil
	}
	return 0, usagef("--window %q is not a positive duration such as 30d or 720h", s)
}

// assessJSON is the JSON contract other tools read; field and value names
// are fixed.
type assessJSON struct {
	Tenant struct {
		ID          string         `json:"id"`
		DisplayName string         `json:"displayName"`
		Kind        string         `json:"kind"`
		Ready       bool           `json:"ready"`
		AsOf        time.Time      `json:"asOf"`
		Counts      map[string]int `json:"counts"`
		ByCategory  map[string]int `json:"byCategory"`
		ByPath      map[string]int `json:"byPath"`
		Gaps        []string       `json:"gaps"`
		Unchecked   []string       `json:"unchecked"`
	} `json:"tenant"`
	Accounts []accountJSON `json:"accounts"`
}

type accountJSON struct {
	ID                string   `json:"id"`
	UserPrincipalName string   `json:"userPrincipalName"`
	DisplayName       string   `json:"displayName"`
	Category          string   `json:"category"`
	CategoryReason    string   `json:"categoryReason"`
	Markers           []string `json:"markers"`
	Path              string   `json:"path"`
	PathReason        string   `json:"pathReason"`
	Compliance        string   `json:"compliance"`
	EnforcedBy        []string `json:"enforcedBy"`
	RiskBased         bool     `json:"riskBased"`
	Reasons           []string `json:"reasons"`
}

func writeAssessJSON(w io.Writer, res inventory.Result) error {
	var out assessJSON
	t := res.Tenant
	out.Tenant.ID, out.Tenant.DisplayName, out.Tenant.Kind, out.Tenant.Ready, out.Tenant.AsOf = t.TenantID, t.DisplayName, string(t.Kind), t.Ready, t.AsOf
	out.Tenant.Counts = map[string]int{}
	for _, c := range inventory.Compliances {
		out.Tenant.Counts[string(c)] = t.Counts[c]
	}
	out.Tenant.ByCategory = map[string]int{}
	for _, c := range inventory.Categories {
		out.Tenant.ByCategory[string(c)] = t.ByCategory[c]
	}
	out.Tenant.ByPath = map[string]int{}
	for _, p := range inventory.Paths {
		out.Tenant.ByPath[string(p)] = t.ByPath[p]
	}
	out.Tenant.Gaps = []string{}
	for _, g := range t.Gaps {
		out.Tenant.Gaps = append(out.Tenant.Gaps, g.Description)
	}
	out.Tenant.Unchecked = append([]string{}, t.Unchecked...)
	out.Accounts = make([]accountJSON, 0, len(res.Accounts))
	for _, a := range res.Accounts {
		markers := make([]string, 0, len(a.Markers))
		for _, m := range a.Markers {
			markers = append(markers, string(m))
		}
		out.Accounts = append(out.Accounts, accountJSON{
			ID: a.UserID, UserPrincipalName: a.UserPrincipalName, DisplayName: a.DisplayName,
			Category: string(a.Category), CategoryReason: a.CategoryReason, Markers: markers,
			Path: string(a.Path), PathReason: a.PathReason, Compliance: string(a.Compliance),
			EnforcedBy: append([]string{}, a.EnforcedBy...), RiskBased: a.RiskBased, Reasons: append([]string{}, a.Reasons...),
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// writeAssessCSV writes through the one CSV writer, so a display name
// such as "=HYPERLINK(...)" reaches a spreadsheet as text.
func writeAssessCSV(w io.Writer, res inventory.Result) error {
	cw := report.NewCSVWriter(w)
	if err := cw.Write("id", "userPrincipalName", "displayName", "category", "markers", "path", "compliance", "enforcedBy", "reasons"); err != nil {
		return err
	}
	for _, a := range res.Accounts {
		markers := make([]string, len(a.Markers))
		for i, m := range a.Markers {
			markers[i] = string(m)
		}
		if err := cw.Write(a.UserID, a.UserPrincipalName, a.DisplayName, string(a.Category), strings.Join(markers, ";"),
			string(a.Path), string(a.Compliance), strings.Join(a.EnforcedBy, "; "), strings.Join(a.Reasons, " | ")); err != nil {
			return err
		}
	}
	return cw.Flush()
}

func writeAssessTable(w io.Writer, res inventory.Result) error {
	t := res.Tenant
	verdict := "READY"
	if !t.Ready {
		verdict = "NOT READY"
	}
	// Names, UPNs and reasons come from the tenant: control characters are
	// shown as '?' so none can rewrite the terminal.
	p := inventory.Printable
	fmt.Fprintf(w, "%s (%s), %s tenant: %s\n", p(t.DisplayName), p(t.TenantID), t.Kind, verdict)
	for _, c := range inventory.Compliances {
		fmt.Fprintf(w, "  %-15s %d\n", c, t.Counts[c])
	}
	for _, g := range t.Gaps {
		fmt.Fprintf(w, "  gap: %s\n", p(g.Description))
	}
	for _, u := range t.Unchecked {
		fmt.Fprintf(w, "  not checked: %s\n", p(u))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tCATEGORY\tPATH\tCOMPLIANCE\tMARKERS\tFIRST REASON")
	for _, a := range res.Accounts {
		markers := make([]string, len(a.Markers))
		for i, m := range a.Markers {
			markers[i] = string(m)
		}
		reason := ""
		if len(a.Reasons) > 0 {
			reason = a.Reasons[0]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", p(a.UserPrincipalName), a.Category, a.Path, a.Compliance, strings.Join(markers, ","), p(reason))
	}
	return tw.Flush()
}

// cmdPlan prints the remediation plan: from an export folder, assessed now
// with the default settings of --tenant-kind; or the synced tenant's, as the
// dashboard's /plan shows it.
func cmdPlan(ctx context.Context, env *cliEnv, fs *flag.FlagSet, args []string) error {
	src := sourceFlags(fs, "plan an export folder instead of the synced tenant in the database")
	kindFlag := fs.String("tenant-kind", "mixed", "with --from: what the tenant is (mixed, csp or production)")
	format := formatFlag(fs, "output `format`: table or json", "table", "json")
	if err := parseFlags(fs, args); err != nil {
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
	if err := checkExportFolder(dir); err != nil {
		return inventory.Plan{}, err
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
