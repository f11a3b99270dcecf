package pg_test

import (
	"strings"
	"testing"

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
