package pg_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// keysetTenant is a demo tenant whose accounts tie in every order: the
// verdicts repeat by the hundred, some display names and last sign-ins
// are made equal, and two UPNs differ only in case. A few accounts have
// left the tenant. It is newStore's: the test runs in parallel.
func keysetTenant(t *testing.T) (*pg.Store, context.Context, *inventory.Snapshot) {
	t.Helper()
	store, ctx := newStore(t)
	snap := demo.Generate(demo.Options{Users: 240, Seed: 7, AsOf: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)})
	for i := range snap.Users {
		u := &snap.Users[i]
		if i%5 == 0 {
			u.DisplayName = "Same Name"
		}
		if i%7 == 0 {
			u.LastSignIn, u.LastNonInteractiveSignIn = time.Time{}, time.Time{}
		}
	}
	snap.Users[3].UserPrincipalName = "TWIN@contoso.example"
	snap.Users[4].UserPrincipalName = "twin@contoso.example"
	snap.Users[5].DisplayName = "Ölçer ŞAHİN-Łukasz"
	snap.Users[5].UserPrincipalName = "oelcer.sahin@contoso.example"
	pgtest.Sync(t, store, snap, inventory.SyncOptions{Kind: inventory.KindMixed, Now: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)})
	gone := *snap
	gone.Users = snap.Users[:len(snap.Users)-6]
	pgtest.Sync(t, store, &gone, inventory.SyncOptions{Now: time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)})
	return store, ctx, snap
}

// TestKeysetPagesWalkEveryAccountOnce pages forward through every order
// (ties and nulls included) by the last row's cursor and back by the first
// row's, and finds each account exactly once, in the order one big page
// gives.
func TestKeysetPagesWalkEveryAccountOnce(t *testing.T) {
	store, ctx, snap := keysetTenant(t)
	for _, sort := range pg.AccountSorts {
		for _, s := range []string{sort, "-" + sort} {
			for _, f := range []pg.AccountFilter{
				{Sort: s},
				{Sort: s, IncludeRemoved: true},
				{Sort: s, Compliance: string(inventory.Compliant), Query: "o"},
			} {
				f.TenantID = snap.Tenant.ID
				t.Run(s, func(t *testing.T) {
					whole := f
					whole.Limit = pg.MaxPageSize
					all, err := store.ListAccounts(ctx, whole)
					if err != nil {
						t.Fatal(err)
					}
					want := ids(all.Rows)
					if len(want) < 20 || all.HasNext || all.HasPrev {
						t.Fatalf("one page of %d accounts (next %v, prev %v): the filter should match more", len(want), all.HasNext, all.HasPrev)
					}
					var forward []string
					var pages []pg.AccountPage
					f.Limit = 7
					for p := f; ; {
						page, err := store.ListAccounts(ctx, p)
						if err != nil {
							t.Fatal(err)
						}
						pages = append(pages, page)
						forward = append(forward, ids(page.Rows)...)
						if !page.HasNext {
							break
						}
						if len(pages) > 100 {
							t.Fatal("paging does not end")
						}
						p.After = page.Last
					}
					wantEqual(t, "forward", forward, want)
					backward := ids(pages[len(pages)-1].Rows)
					for i := len(pages) - 1; i > 0; i-- {
						p := f
						p.Before = pages[i].First
						page, err := store.ListAccounts(ctx, p)
						if err != nil {
							t.Fatal(err)
						}
						wantEqual(t, "the page before", ids(page.Rows), ids(pages[i-1].Rows))
						if page.HasPrev != (i > 1) {
							t.Fatalf("page %d: HasPrev %v", i, page.HasPrev)
						}
						backward = append(ids(page.Rows), backward...)
					}
					wantEqual(t, "backward", backward, want)
					// A page number reads the same page as the links.
					p := f
					p.Offset = 2 * f.Limit
					page, err := store.ListAccounts(ctx, p)
					if err != nil {
						t.Fatal(err)
					}
					wantEqual(t, "page 3 by number", ids(page.Rows), ids(pages[2].Rows))
				})
			}
		}
	}
}

func ids(rows []pg.AccountRow) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}

// TestAccountSearch finds an account by any part of its UPN or display
// name, in any case, non-ASCII letters included, and keeps the narrow copy
// current when a sync renames an account.
func TestAccountSearch(t *testing.T) {
	store, ctx, snap := keysetTenant(t)
	target := snap.Users[5].ID
	for _, q := range []string{"OELCER.SAHIN@", "sahin@contoso", "ölçer", "ÖLÇER", "şahİn-ł", "ŁUKASZ", "  Ölçer  "} {
		page, err := store.ListAccounts(ctx, pg.AccountFilter{TenantID: snap.Tenant.ID, Query: q})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(page.Rows); !slices.Equal(got, []string{target}) || page.Total != 1 {
			t.Errorf("search %q: %v (total %d), want only %s", q, got, page.Total, target)
		}
	}
	renamed := *snap
	renamed.Users = slices.Clone(snap.Users[:len(snap.Users)-6])
	renamed.Users[5].DisplayName = "Zoë Renamed"
	pgtest.Sync(t, store, &renamed, inventory.SyncOptions{Now: time.Date(2026, 11, 4, 8, 0, 0, 0, time.UTC)})
	for q, want := range map[string]int{"ölçer": 0, "ZOË": 1} {
		page, err := store.ListAccounts(ctx, pg.AccountFilter{TenantID: snap.Tenant.ID, Query: q})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Rows) != want {
			t.Errorf("after the rename, %q finds %d accounts, want %d", q, len(page.Rows), want)
		}
	}
}

// TestAccountTotals reads a total from the stored counts where the filter
// allows, counts where it does not, and stops counting at the cap.
func TestAccountTotals(t *testing.T) {
	store, ctx, snap := keysetTenant(t)
	exact := func(f pg.AccountFilter) int {
		f.TenantID, f.Limit = snap.Tenant.ID, pg.MaxPageSize
		n := 0
		for {
			page, err := store.ListAccounts(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			n += len(page.Rows)
			if !page.HasNext {
				return n
			}
			f.After = page.Last
		}
	}
	for _, f := range []pg.AccountFilter{
		{}, {Compliance: string(inventory.AtRisk)}, {Category: string(inventory.OfficeWorker)},
		{Path: string(inventory.SecureAppModel)}, {Marker: string(inventory.Privileged)},
		{Compliance: string(inventory.Compliant), Category: string(inventory.OfficeWorker)},
		{Query: "a"}, {IncludeRemoved: true},
	} {
		want := exact(f)
		f.TenantID, f.Limit = snap.Tenant.ID, 1
		page, err := store.ListAccounts(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != want || page.TotalCapped {
			t.Errorf("%+v: total %d (capped %v), want %d", f, page.Total, page.TotalCapped, want)
		}
		f.CountCap = want - 1
		if f.CountCap < 1 {
			continue
		}
		page, err = store.ListAccounts(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		stored := f.Query == "" && !f.IncludeRemoved && (f.Compliance == "" || f.Category == "")
		switch {
		case stored && (page.Total != want || page.TotalCapped):
			t.Errorf("%+v: a stored total is exact: %d (capped %v), want %d", f, page.Total, page.TotalCapped, want)
		case !stored && (page.Total != f.CountCap || !page.TotalCapped):
			t.Errorf("%+v: total %d (capped %v), want %d capped", f, page.Total, page.TotalCapped, f.CountCap)
		}
	}
}

// TestAccountCursorsRefused: a cursor that is not ListAccounts' own, or
// one of another order, is a sentence.
func TestAccountCursorsRefused(t *testing.T) {
	store, ctx, snap := keysetTenant(t)
	page, err := store.ListAccounts(ctx, pg.AccountFilter{TenantID: snap.Tenant.ID, Sort: "compliance", Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []pg.AccountFilter{
		{After: "not-a-cursor"}, {Before: "e30"}, {After: page.Last, Sort: "-compliance"},
		{After: page.Last, Before: page.First, Sort: "compliance"}, {Offset: pg.MaxOffset + 1},
	} {
		f.TenantID = snap.Tenant.ID
		_, err := store.ListAccounts(ctx, f)
		wantCode(t, err, inventory.EINVALID)
	}
}
