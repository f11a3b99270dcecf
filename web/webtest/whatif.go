package webtest

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph"
	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web"
)

// ServeWhatIf is ServeApp holding the What-If tenant as synced
// (pgtest.WhatIfTenant), with Microsoft's engine played by the emulator's
// evaluate: a TEST DOUBLE serving the tenant as it drifted since, which
// proves the plumbing (button, SDK request, answer, comparison, store,
// audit, page), not Microsoft's semantics.
func ServeWhatIf(tb testing.TB, opts emulator.Options) (*httptest.Server, *pg.Store) {
	tb.Helper()
	synced, drifted := pgtest.WhatIfTenant(time.Now().UTC())
	emu := emulator.New(export.EncodeSnapshot(drifted), opts)
	tb.Cleanup(emu.Close)
	client, err := graph.NewClient(tb.Context(), graph.Config{BaseURL: emu.URL, AccessToken: "test-token"})
	if err != nil {
		tb.Fatalf("webtest: a Graph client of the emulator: %v", err)
	}
	srv, store := ServeApp(tb, web.Config{WhatIf: func(string) (inventory.WhatIfEvaluator, error) { return client, nil }})
	pgtest.Sync(tb, store, synced, inventory.SyncOptions{})
	return srv, store
}
