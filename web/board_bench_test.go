package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// BenchmarkBoard100k renders /board for a security lead (every card with
// its moves and bulk checkbox) on a 100,000-account demo tenant, through
// the whole server: session, store, templates, gzip. It reports the p95 of
// the server's time per page beside the mean.
//
//	go test ./web/ -run '^$' -bench BoardPage -benchtime 200x
func BenchmarkBoardPage100k(b *testing.B) {
	store, _ := pgtest.NewStore(b)
	ctx := b.Context()
	asOf := time.Now().UTC()
	snap := demo.Generate(demo.Options{Users: 100_000, Seed: 1, AsOf: asOf})
	res := inventory.Assess(snap, inventory.Inputs{Settings: inventory.DefaultSettings(inventory.KindMixed), AsOf: asOf})
	runID, err := store.StartRun(ctx, pg.SourceDemo)
	if err != nil {
		b.Fatal(err)
	}
	if err := store.ApplySync(ctx, runID, snap, inventory.KindMixed, res); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(web.New(web.Config{Store: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	lead := webtest.Login(b, srv, store, inventory.SecurityLead)

	for _, page := range []struct{ name, path string }{
		{"board", "/board"},
		{"board_filtered", "/board?compliance=non_compliant&q=a"},
		{"board_lanes", "/board?lane=category"},
	} {
		b.Run(page.name, func(b *testing.B) {
			var times []time.Duration
			for b.Loop() {
				start := time.Now()
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+page.path, nil)
				req.Header.Set("Accept", "text/html")
				resp, err := lead.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("GET %s: %d", page.path, resp.StatusCode)
				}
				times = append(times, time.Since(start))
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}
