package pg

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// A sync writes its many rows (accounts, verdicts) the same way: copied
// into a temporary staging table (COPY), then merged into the real table in
// one INSERT … ON CONFLICT DO UPDATE.

// stageRows creates the temporary table (columnDefs, dropped at commit) and
// copies n rows into it; cols names the columns in the order row gives them.
func stageRows(ctx context.Context, tx pgx.Tx, table, columnDefs string, cols []string, n int, row func(i int) ([]any, error)) error {
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE `+table+` (`+columnDefs+`) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("create staging: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromSlice(n, row)); err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	return nil
}

// fromExcluded is the SET list of an upsert that takes cols and more from
// the row that was proposed: "a = excluded.a, b = excluded.b".
func fromExcluded(cols []string, more ...string) string {
	var set []string
	for _, c := range append(slices.Clip(cols), more...) {
		set = append(set, c+" = excluded."+c)
	}
	return strings.Join(set, ", ")
}
