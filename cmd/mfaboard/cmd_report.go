package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views/report"
)

// cmdReport writes the readiness report from the database: the same PDF,
// workbook and account CSV the dashboard serves (issue 5), each export on
// the audit trail as the command line's (inventory.CLIActor), as the
// dashboard records a person's.
func cmdReport(ctx context.Context, env *cliEnv, fs *flag.FlagSet, args []string) error {
	format := fs.String("format", "", "pdf (the readiness report), xlsx (summary and every account) or csv (every account); default: --out's extension")
	out := fs.String("out", "", "file to write, or - for standard output")
	tenant := tenantFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out FILE is required (or - for standard output)")
	}
	if *format == "" {
		*format = strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), ".")
	}
	if *format == "" {
		return usagef("choose --format pdf, xlsx or csv (--out %s has no extension to go by)", *out)
	}
	if err := checkFormat(*format, "pdf", "xlsx", "csv"); err != nil {
		return err
	}

	store, tenantID, closeAll, err := openTenantStore(ctx, env, *tenant)
	if err != nil {
		return err
	}
	defer closeAll()
	now := time.Now().UTC()
	write := func(w io.Writer) error {
		switch *format {
		case "pdf":
			r, err := store.ExportReadiness(ctx, inventory.CLIActor, tenantID, now)
			if err != nil {
				return err
			}
			return report.WritePDF(w, *r)
		case "xlsx":
			return store.ExportWorkbook(ctx, inventory.CLIActor, tenantID, now,
				func(r *inventory.Readiness, accounts func(yield func(inventory.AccountLine) error) error) error {
					return report.WriteXLSX(w, *r, accounts)
				})
		default:
			return report.WriteCSV(w, func(yield func(inventory.AccountLine) error) error {
				return store.ExportAccountLines(ctx, inventory.CLIActor, pg.AccountFilter{TenantID: tenantID}, yield)
			})
		}
	}
	if *out == "-" {
		return write(env.stdout)
	}
	if err := writeFileWhole(*out, write); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "wrote the readiness %s of tenant %s to %s\n", strings.ToUpper(*format), tenantID, *out)
	return nil
}

// writeFileWhole writes path through a temporary file beside it, renamed
// into place only when write succeeds: a failed report never leaves half a
// file where the last good one was.
func writeFileWhole(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %v", path, errSentence(err))
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %v", path, errSentence(err))
	}
	// CreateTemp makes the file private; a report is an ordinary file.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("cannot write %s: %v", path, errSentence(err))
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("cannot write %s: %v", path, errSentence(err))
	}
	return nil
}
