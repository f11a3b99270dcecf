package pg_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

func TestOverridesSurviveSyncs(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	ctx := context.Background()
	snap := fixtureSnapshot()
	applySync(t, store, snap, "")

	at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	scanner := inventory.Override{Category: inventory.RoomDevice, Path: inventory.TechnicalException,
		Author: "lead@partner.com", Reason: "it is the Surface Hub's mail relay", At: at}
	if err := store.SetOverride(ctx, tenantID, "u-scanner", scanner); err != nil {
		t.Fatal(err)
	}
	bob := inventory.Override{Path: inventory.TechnicalException, Author: "lead@partner.com", Reason: "vendor cannot do MFA"}
	if err := store.SetOverride(ctx, tenantID, "u-bob", bob); err != nil {
		t.Fatal(err)
	}
	// The next syncs (one without bob, one with him back) leave them alone.
	applySync(t, store, without(snap, "u-bob"), "")
	applySync(t, store, snap, "")

	got, err := store.Overrides(ctx, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("overrides = %+v, want scanner's and bob's", got)
	}
	wantEqual(t, "scanner's override", got["u-scanner"], scanner)
	if got["u-bob"].Path != inventory.TechnicalException || got["u-bob"].Category != "" || got["u-bob"].At.IsZero() {
		t.Fatalf("bob's override = %+v", got["u-bob"])
	}
	d, err := store.Account(ctx, tenantID, "u-scanner")
	if err != nil {
		t.Fatal(err)
	}
	if d.Override == nil || *d.Override != scanner {
		t.Fatalf("account page override = %+v, want %+v", d.Override, scanner)
	}

	// Replacing, then clearing.
	scanner.Category, scanner.Path = inventory.ServiceAccount, ""
	if err := store.SetOverride(ctx, tenantID, "u-scanner", scanner); err != nil {
		t.Fatal(err)
	}
	if err := store.SetOverride(ctx, tenantID, "u-bob", inventory.Override{}); err != nil {
		t.Fatal(err)
	}
	got, err = store.Overrides(ctx, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got["u-scanner"].Category != inventory.ServiceAccount || got["u-scanner"].Path != "" {
		t.Fatalf("after replace and clear: %+v", got)
	}

	bad := []struct {
		account string
		o       inventory.Override
		code    string
		says    string
	}{
		{"u-alice", inventory.Override{Category: "robot", Author: "a", Reason: "r"}, inventory.EINVALID, `unknown category "robot"`},
		{"u-alice", inventory.Override{Path: "prayer", Author: "a", Reason: "r"}, inventory.EINVALID, `unknown path "prayer"`},
		{"u-alice", inventory.Override{Path: inventory.AppPassword, Reason: "r"}, inventory.EINVALID, "author"},
		{"u-alice", inventory.Override{Path: inventory.AppPassword, Author: "a", Reason: "  "}, inventory.EINVALID, "reason"},
		{"u-nobody", inventory.Override{Path: inventory.AppPassword, Author: "a", Reason: "r"}, inventory.ENOTFOUND, "account u-nobody is not in tenant"},
		{"u-nobody", inventory.Override{}, inventory.ENOTFOUND, "account u-nobody is not in tenant"},
	}
	for _, b := range bad {
		err := store.SetOverride(ctx, tenantID, b.account, b.o)
		wantCode(t, err, b.code)
		if !strings.Contains(err.Error(), b.says) {
			t.Errorf("override %+v: error %q does not say %q", b.o, err, b.says)
		}
	}
}

func TestReassessAfterAnOverride(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	ctx := context.Background()
	snap := fixtureSnapshot()
	runID := applySync(t, store, snap, "")
	o := inventory.Override{Category: inventory.RoomDevice, Path: inventory.TechnicalException,
		Author: "lead@partner.com", Reason: "it is the Surface Hub's mail relay"}
	if err := store.SetOverride(ctx, tenantID, "u-scanner", o); err != nil {
		t.Fatal(err)
	}
	if _, err := inventory.Reassess(ctx, store, tenantID, inventory.ReassessOptions{Now: asOf}); err != nil {
		t.Fatal(err)
	}
	d, err := store.Account(ctx, tenantID, "u-scanner")
	if err != nil {
		t.Fatal(err)
	}
	if d.Assessment.Category != inventory.RoomDevice || !d.Assessment.CategoryOverride ||
		d.Assessment.AutoCategory != inventory.ServiceAccount || d.Assessment.Path != inventory.TechnicalException {
		t.Fatalf("assessment after the reassessment = %+v", d.Assessment)
	}
	var filed int64
	if err := store.Pool().QueryRow(ctx, `SELECT run_id FROM assessments WHERE account_id = 'u-scanner'`).Scan(&filed); err != nil {
		t.Fatal(err)
	}
	if filed != runID {
		t.Fatalf("reassessed verdict filed under run %d, want the last sync %d", filed, runID)
	}
	_, err = inventory.Reassess(ctx, store, "other-tenant", inventory.ReassessOptions{})
	wantCode(t, err, inventory.ENOTFOUND)
	// The store refuses a verdict on an account the tenant does not have,
	// whoever calls it: a reassessment of the stored tenant never makes one.
	res := inventory.Result{Accounts: []inventory.Assessment{*d.Assessment}}
	res.Accounts[0].UserID = "u-nobody"
	wantCode(t, store.ApplyReassessment(ctx, tenantID, res), inventory.ENOTFOUND)
}

func TestRunsNewestFirst(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	ctx := context.Background()
	ok1 := applySync(t, store, fixtureSnapshot(), "")

	lost, err := store.StartRun(ctx, pg.SourceGraph) // fails before it knows its tenant
	if err != nil {
		t.Fatal(err)
	}
	if err := store.FailRun(ctx, lost, errors.New("token expired")); err != nil {
		t.Fatal(err)
	}
	known, err := store.StartRun(ctx, pg.SourceGraph)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SetRunTenant(ctx, known, tenantID); err != nil {
		t.Fatal(err)
	}
	if err := store.FailRun(ctx, known, errors.New("users: 429 too many requests")); err != nil {
		t.Fatal(err)
	}
	other, err := store.StartRun(ctx, pg.SourceDemo)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SetRunTenant(ctx, other, "another-tenant"); err != nil {
		t.Fatal(err)
	}
	running, err := store.StartRun(ctx, pg.SourceFolder)
	if err != nil {
		t.Fatal(err)
	}

	runs, err := store.Runs(ctx, tenantID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range runs {
		ids = append(ids, r.ID)
	}
	// The other tenant's run is not listed; runs with no tenant are.
	wantEqual(t, "tenant runs", ids, []int64{running, known, lost, ok1})
	if runs[0].Status != pg.RunRunning || !runs[0].FinishedAt.IsZero() {
		t.Fatalf("running run = %+v", runs[0])
	}
	if runs[1].Error != "users: 429 too many requests" || runs[1].TenantID != tenantID || runs[1].Status != pg.RunFailed {
		t.Fatalf("failed run = %+v", runs[1])
	}
	if runs[2].TenantID != "" || runs[2].Error != "token expired" || runs[2].Source != pg.SourceGraph {
		t.Fatalf("run without tenant = %+v", runs[2])
	}
	all, err := store.Runs(ctx, "", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != running || all[1].ID != other {
		t.Fatalf("all runs, limit 2 = %+v", all)
	}
	wantCode(t, store.SetRunTenant(ctx, lost, tenantID), inventory.ECONFLICT)
}

func TestTenantSettings(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	ctx := context.Background()
	_, err := store.TenantSettings(ctx, tenantID)
	wantCode(t, err, inventory.ENOTFOUND)
	applySync(t, store, fixtureSnapshot(), inventory.KindCSP)

	got, err := store.TenantSettings(ctx, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "defaults", got, inventory.DefaultSettings(inventory.KindCSP))

	st := inventory.DefaultSettings(inventory.KindProduction)
	st.ServicePatterns = append(st.ServicePatterns, "robot")
	st.BreakGlassAccounts = []string{"bg1@contoso.com"}
	st.RoomDeviceGroups = []string{"Teams Rooms"}
	st.Window = 14 * 24 * time.Hour
	if err := store.SaveTenantSettings(ctx, settingsLead, tenantID, st); err != nil {
		t.Fatal(err)
	}
	got, err = store.TenantSettings(ctx, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "saved settings", got, st)
	// A sync without a kind keeps the settings and the kind.
	applySync(t, store, fixtureSnapshot(), "")
	got, err = store.TenantSettings(ctx, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "settings after a sync", got, st)

	bad := []struct {
		change func(*inventory.Settings)
		code   string
	}{
		{func(s *inventory.Settings) { s.Kind = "hybrid" }, inventory.EINVALID},
		{func(s *inventory.Settings) { s.Window = 0 }, inventory.EINVALID},
		{func(s *inventory.Settings) { s.Window = 400 * 24 * time.Hour }, inventory.EINVALID},
		{func(s *inventory.Settings) { s.RoomPatterns = []string{"room", " "} }, inventory.EINVALID},
	}
	for i, b := range bad {
		s := inventory.DefaultSettings(inventory.KindMixed)
		b.change(&s)
		if err := store.SaveTenantSettings(ctx, settingsLead, tenantID, s); inventory.ErrorCode(err) != b.code {
			t.Errorf("bad settings %d: %v, want %s", i+1, err, b.code)
		}
	}
	wantCode(t, store.SaveTenantSettings(ctx, settingsLead, "other-tenant", st), inventory.ENOTFOUND)
}

func TestSummary(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	ctx := context.Background()
	_, err := store.Summary(ctx, tenantID)
	wantCode(t, err, inventory.ENOTFOUND)
	full := fixtureSnapshot()
	applySync(t, store, full, "")
	applySync(t, store, without(full, "u-alice"), "")

	v, err := store.Summary(ctx, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "compliance", v.Counts, map[inventory.Compliance]int{
		inventory.NonCompliant: 2, inventory.AtRisk: 2, inventory.NotApplicable: 1, inventory.Compliant: 0, inventory.Excepted: 0})
	wantEqual(t, "categories", v.ByCategory, map[inventory.Category]int{
		inventory.OfficeWorker: 1, inventory.ServiceAccount: 2, inventory.RoomDevice: 1, inventory.GuestAccount: 1})
	wantEqual(t, "paths", v.ByPath, map[inventory.Path]int{inventory.MFAEnrolment: 2, inventory.AppPassword: 1,
		inventory.SecureAppModel: 1, inventory.TenantSplit: 1, inventory.TechnicalException: 0})
	wantEqual(t, "markers", v.ByMarker, map[inventory.Marker]int{inventory.Privileged: 1, inventory.DirectorySync: 1,
		inventory.LegacyAuth: 1, inventory.SMSVoiceOnly: 1, inventory.Disabled: 1, inventory.BreakGlass: 0})
	if v.Ready || v.DisplayName != "Contoso Partner" || v.Kind != inventory.KindMixed || len(v.Gaps) != 1 || !v.AsOf.Equal(asOf) {
		t.Fatalf("summary = %+v", v)
	}
}
