package pg_test

import (
	"context"
	"os"
	"testing"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

func TestZZScratch(t *testing.T) {
	url := os.Getenv("SCRATCH_URL")
	if url == "" {
		t.Skip()
	}
	ctx := context.Background()
	store, err := pg.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	snap, res := demoTenant(100_000)
	run, _ := store.StartRun(ctx, pg.SourceDemo)
	if err := store.ApplySync(ctx, run, snap, inventory.KindMixed, res); err != nil {
		t.Fatal(err)
	}
	t.Log(snap.Tenant.ID)
}
