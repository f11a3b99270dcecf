package pg_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

func TestListAccounts(t *testing.T) {
	store, ctx, full := syncedFixture(t)
	applySync(t, store, without(full, "u-carol"), "") // carol leaves

	cases := []struct {
		name  string
		f     pg.AccountFilter
		ids   []string // the page, in order
		total int
	}{
		{"all, by upn", pg.AccountFilter{}, []string{"u-alice", "u-boardroom", "u-bob", "u-scanner", "u-sync"}, 5},
		{"removed included", pg.AccountFilter{IncludeRemoved: true, Sort: "name"},
			[]string{"u-alice", "u-boardroom", "u-bob", "u-carol", "u-sync", "u-scanner"}, 6},
		{"category", pg.AccountFilter{Category: "service_account"}, []string{"u-scanner", "u-sync"}, 2},
		{"path", pg.AccountFilter{Path: "tenant_split"}, []string{"u-boardroom"}, 1},
		{"compliance", pg.AccountFilter{Compliance: "at_risk"}, []string{"u-bob", "u-scanner"}, 2},
		{"marker", pg.AccountFilter{Marker: "privileged"}, []string{"u-alice", "u-sync"}, 2},
		{"marker and category", pg.AccountFilter{Marker: "privileged", Category: "service_account"}, []string{"u-sync"}, 1},
		{"search upn, any case", pg.AccountFilter{Query: "SVC-"}, []string{"u-scanner"}, 1},
		{"search display name", pg.AccountFilter{Query: "board"}, []string{"u-boardroom"}, 1},
		{"search mail", pg.AccountFilter{Query: "fabrikam.COM"}, []string{"u-bob"}, 1},
		{"search is literal", pg.AccountFilter{Query: "100%"}, []string{"u-scanner"}, 1},
		{"underscore is literal", pg.AccountFilter{Query: "o_"}, nil, 0},
		{"search and filter", pg.AccountFilter{Query: "contoso.com", Compliance: "non_compliant"}, []string{"u-boardroom"}, 1},
		{"nothing matches", pg.AccountFilter{Query: "zzz"}, nil, 0},
		{"page 1", pg.AccountFilter{Limit: 2}, []string{"u-alice", "u-boardroom"}, 5},
		{"page 3", pg.AccountFilter{Limit: 2, Offset: 4}, []string{"u-sync"}, 5},
		{"past the end", pg.AccountFilter{Limit: 2, Offset: 10}, nil, 5},
		{"compliance order", pg.AccountFilter{Sort: "compliance"}, []string{"u-boardroom", "u-sync", "u-bob", "u-scanner", "u-alice"}, 5},
		{"descending", pg.AccountFilter{Sort: "-upn", Limit: 1}, []string{"u-sync"}, 5},
		{"last sign-in, newest first", pg.AccountFilter{Sort: "-last_sign_in", Limit: 2}, []string{"u-alice", "u-scanner"}, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.f.TenantID = tenantID
			page, err := store.ListAccounts(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, r := range page.Rows {
				ids = append(ids, r.ID)
			}
			wantEqual(t, "page", ids, c.ids)
			if page.Total != c.total {
				t.Fatalf("total %d, want %d", page.Total, c.total)
			}
		})
	}

	page, err := store.ListAccounts(ctx, pg.AccountFilter{TenantID: tenantID, Query: "sync_dc01"})
	if err != nil {
		t.Fatal(err)
	}
	row := page.Rows[0]
	if row.Category != inventory.ServiceAccount || row.Path != inventory.SecureAppModel ||
		row.Compliance != inventory.NonCompliant || row.FirstReason != "excluded from policy *Require MFA* by group *ServiceAccounts*" ||
		len(row.Markers) != 2 || row.Markers[1] != inventory.DirectorySync || !row.Enabled || row.Removed() {
		t.Fatalf("row = %+v", row)
	}
}

func TestListAccountsRefusesUnknownValues(t *testing.T) {
	store, ctx := newStore(t)
	cases := []struct {
		f    pg.AccountFilter
		says string
	}{
		{pg.AccountFilter{}, "choose a tenant"},
		{pg.AccountFilter{TenantID: tenantID, Category: "robot"}, `unknown category "robot"`},
		{pg.AccountFilter{TenantID: tenantID, Path: "pray"}, `unknown path "pray"`},
		{pg.AccountFilter{TenantID: tenantID, Compliance: "fine"}, `unknown compliance "fine"`},
		{pg.AccountFilter{TenantID: tenantID, Marker: "vip"}, `unknown marker "vip"`},
		{pg.AccountFilter{TenantID: tenantID, Sort: "upn; DROP TABLE accounts"}, "unknown sort"},
		{pg.AccountFilter{TenantID: tenantID, Limit: -1}, "a page holds"},
		{pg.AccountFilter{TenantID: tenantID, Limit: pg.MaxPageSize + 1}, "a page holds"},
		{pg.AccountFilter{TenantID: tenantID, Offset: -5}, "a page holds"},
	}
	for _, c := range cases {
		_, err := store.ListAccounts(ctx, c.f)
		wantCode(t, err, inventory.EINVALID)
		if !strings.Contains(err.Error(), c.says) {
			t.Errorf("filter %+v: error %q does not say %q", c.f, err, c.says)
		}
	}
}

func TestAccountDetail(t *testing.T) {
	store, ctx := newStore(t)
	snap := fixtureSnapshot()
	synced := pgtest.Sync(t, store, snap, inventory.SyncOptions{Now: asOf})
	runID := synced.RunID

	d, err := store.Account(ctx, tenantID, "u-alice")
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "user", d.User, snap.Users[0])
	wantEqual(t, "registration", *d.Registration, snap.Registrations["u-alice"])
	wantEqual(t, "sign-ins", d.SignIns, snap.SignIns["u-alice"])
	wantEqual(t, "groups", d.Groups, []pg.ObjectRef{{ID: "g-admins", DisplayName: "AdminAgents"}})
	wantEqual(t, "roles", d.Roles, []pg.ObjectRef{{ID: "r-ga", DisplayName: "Global Administrator"}})
	if d.PerUserMFA != "disabled" || d.FirstSeenRun != runID || d.LastSeenRun != runID || !d.RemovedAt.IsZero() {
		t.Fatalf("detail = %+v", d)
	}
	want := synced.Result.Accounts[0]
	wantEqual(t, "assessment", *d.Assessment, want)
	if !d.AssessedAt.Equal(asOf) {
		t.Fatalf("assessed at %v, want the result's moment %v", d.AssessedAt, asOf)
	}
	if d.Override != nil {
		t.Fatalf("override = %+v, want none", d.Override)
	}

	scanner, err := store.Account(ctx, tenantID, "u-scanner")
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "scanner groups", scanner.Groups, []pg.ObjectRef{{ID: "g-service", DisplayName: "ServiceAccounts"}})
	if scanner.Roles != nil || scanner.PerUserMFA != "enforced" || !scanner.Registration.IsMfaRegistered || scanner.Registration.DefaultMethod != "sms" {
		t.Fatalf("scanner detail = %+v", scanner)
	}
	bob, err := store.Account(ctx, tenantID, "u-bob")
	if err != nil {
		t.Fatal(err)
	}
	if bob.Registration != nil || bob.SignIns != nil || bob.PerUserMFA != "" {
		t.Fatalf("bob has no registration, sign-ins or per-user state, got %+v", bob)
	}

	_, err = store.Account(ctx, tenantID, "u-nobody")
	wantCode(t, err, inventory.ENOTFOUND)
	if err.Error() != "account u-nobody is not in tenant "+tenantID {
		t.Fatalf("not found says %q", err)
	}
}

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
