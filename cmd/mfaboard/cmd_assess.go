package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views/report"
)

func cmdAssess(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags(env, "assess", "[--from DIR | --tenant ID] [--format table|json|csv] [--as-of RFC3339] [--window 30d]")
	src := sourceFlags(fs, "assess an export folder instead of the synced tenant in the database")
	kindFlag := fs.String("tenant-kind", "mixed", "what the tenant is: mixed, csp or production")
	asOfFlag := fs.String("as-of", "", "the moment the sign-in window is measured back from (RFC 3339; default now)")
	windowFlag := fs.String("window", "30d", "how far back sign-in evidence counts (e.g. 30d, 720h)")
	format := fs.String("format", "table", "output: table, json or csv")
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
	if err := checkFormat(*format, "table", "json", "csv"); err != nil {
		return err
	}
	if err := src.check(); err != nil {
		return err
	}

	var snap *inventory.Snapshot
	var in inventory.Inputs
	if from := *src.from; from != "" {
		if st, err := os.Stat(from); err != nil || !st.IsDir() {
			return usagef("--from %s is not a folder: give the export folder that holds users.json", from)
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
