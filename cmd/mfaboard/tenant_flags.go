package main

import (
	"context"
	"flag"
	"os"
	"slices"
	"strings"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// The flags the commands that read a tenant share: --tenant (the synced
// tenant in the database), --from (an export folder instead) and --format.

// tenantFlag declares --tenant: which synced tenant, when the database holds
// several.
func tenantFlag(fs *flag.FlagSet) *string {
	return fs.String("tenant", "", "tenant id in the database (needed when it holds several)")
}

// tenantSource is a command's --from DIR or --tenant ID: an export folder,
// or the synced tenant.
type tenantSource struct {
	from, tenant *string
}

// sourceFlags declares --from (whose help says what the command does with
// the folder instead of the synced tenant) and --tenant.
func sourceFlags(fs *flag.FlagSet, fromHelp string) tenantSource {
	return tenantSource{from: fs.String("from", "", fromHelp), tenant: tenantFlag(fs)}
}

// check refuses both at once.
func (s tenantSource) check() error {
	if *s.from != "" && *s.tenant != "" {
		return usagef("give either --from DIR or --tenant ID, not both")
	}
	return nil
}

// checkExportFolder refuses a --from that is not a folder.
func checkExportFolder(dir string) error {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return usagef("--from %s is not a folder: give the export folder that holds users.json", dir)
	}
	return nil
}

// formatFlag declares --format, choices[0] unless given; parseFlags
// refuses a --format that is none of choices.
func formatFlag(fs *flag.FlagSet, help string, choices ...string) *string {
	f := &formatValue{value: choices[0], choices: choices}
	fs.Var(f, "format", help)
	return &f.value
}

// formatValue is --format's value, checked once the flags are parsed.
type formatValue struct {
	value   string
	choices []string
}

func (f *formatValue) String() string     { return f.value }
func (f *formatValue) Set(s string) error { f.value = s; return nil }
func (f *formatValue) check() error       { return checkFormat(f.value, f.choices...) }

// checkFormat refuses a --format that is none of choices.
func checkFormat(format string, choices ...string) error {
	if slices.Contains(choices, format) {
		return nil
	}
	last := len(choices) - 1
	return usagef("unknown --format %q: use %s or %s", format, strings.Join(choices[:last], ", "), choices[last])
}

// openTenantStore opens the store and finds the tenant a command reads
// (reportTenant); closeAll is set only when err is nil.
func openTenantStore(ctx context.Context, env *cliEnv, id string) (store *pg.Store, tenantID string, closeAll func(), err error) {
	store, closeAll, err = openStore(ctx, env)
	if err != nil {
		return nil, "", nil, err
	}
	if tenantID, err = reportTenant(ctx, store, id, ""); err != nil {
		closeAll()
		return nil, "", nil, err
	}
	return store, tenantID, closeAll, nil
}

// reportTenant is the tenant a command reads from the database: the one
// named, or the only one. orElse ends the sentence for a database that
// holds none yet (what else the command could read).
func reportTenant(ctx context.Context, store *pg.Store, id, orElse string) (string, error) {
	tenants, err := store.Tenants(ctx)
	if err != nil {
		return "", err
	}
	if id != "" {
		for _, t := range tenants {
			if t.ID == id {
				return id, nil
			}
		}
		return "", inventory.Errorf(inventory.ENOTFOUND, "tenant %s is not in the database", id)
	}
	switch len(tenants) {
	case 0:
		return "", usagef("the database holds no tenant yet: run 'mfaboard sync' first%s", orElse)
	case 1:
		return tenants[0].ID, nil
	}
	ids := make([]string, len(tenants))
	for i, t := range tenants {
		ids[i] = t.ID + " (" + t.DisplayName + ")"
	}
	return "", usagef("the database holds %d tenants; choose one with --tenant: %s", len(tenants), strings.Join(ids, ", "))
}
