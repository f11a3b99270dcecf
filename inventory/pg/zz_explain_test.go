package pg

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mfaboard/mfaboard/inventory"
)

type explainer struct{ q querier }

func (e explainer) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return e.q.Exec(ctx, sql, args...)
}
func (e explainer) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return e.q.QueryRow(ctx, sql, args...)
}
func (e explainer) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	rows, err := e.q.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+sql, args...)
	if err != nil {
		return nil, err
	}
	var lines []string
	for rows.Next() {
		var l string
		rows.Scan(&l)
		lines = append(lines, l)
	}
	rows.Close()
	fmt.Println(strings.Join(lines, "\n"))
	return e.q.Query(ctx, sql, args...)
}

func TestZZExplain(t *testing.T) {
	if os.Getenv("ZZEXP") == "" {
		t.Skip()
	}
	ctx := context.Background()
	s, err := Open(ctx, "postgres://postgres@127.0.0.1:5432/mfab_exp")
	if err != nil {
		t.Fatal(err)
	}
	f := BoardFilter{TenantID: "fd15c40d-dc43-4dbd-8a5b-166dc83b1839", Now: time.Now()}
	switch os.Getenv("ZZCASE") {
	case "lanes":
		f.Swimlane = LaneByCategory
	case "office":
		f.Category = "office_worker"
	case "nc":
		f.Compliance = "non_compliant"
	case "priv":
		f.Marker = "privileged"
	case "mine":
		f.Mine = os.Getenv("ZZMINE")
	case "overdue":
		f.Overdue = true
	case "search":
		f.Query = "son"
	}
	q, err := newBoardQuery(f)
	if err != nil {
		t.Fatal(err)
	}
	db := explainer{s.pool}
	if err := q.resolve(ctx, db); err != nil {
		t.Fatal(err)
	}
	counts, err := q.counts(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	cells := q.cells(counts, map[inventory.Status]int{})
	if _, err := q.pages(ctx, db, cells, 50); err != nil {
		t.Fatal(err)
	}
}
