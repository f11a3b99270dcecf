package pg_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

func TestReassessShowsSettingsAndOverridesAtOnce(t *testing.T) {
	store, ctx, tenant := seededDemo(t, 120)

	rooms := func() []pg.AccountRow {
		page, err := store.ListAccounts(ctx, pg.AccountFilter{TenantID: tenant, Category: string(inventory.RoomDevice), Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return page.Rows
	}
	before := rooms()
	if len(before) == 0 {
		t.Fatal("the demo tenant has no room devices")
	}
	for _, r := range before {
		if r.Path != inventory.TenantSplit {
			t.Fatalf("%s: path %s in a mixed tenant, want tenant_split", r.UserPrincipalName, r.Path)
		}
	}

	// A CSP-only tenant has nowhere to split rooms to: technical exception.
	setTenantKind(t, store, tenant, inventory.KindCSP)
	if _, err := inventory.Reassess(ctx, store, tenant, inventory.ReassessOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, r := range rooms() {
		if r.Path != inventory.TechnicalException {
			t.Fatalf("%s: path %s after the tenant became csp, want technical_exception", r.UserPrincipalName, r.Path)
		}
	}

	// An override wins and is shown as such.
	target := before[0].ID
	if err := store.SetOverride(ctx, tenant, target, inventory.Override{Category: inventory.ServiceAccount, Author: "lead@demo.local", Reason: "it is a kiosk script", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := inventory.Reassess(ctx, store, tenant, inventory.ReassessOptions{}); err != nil {
		t.Fatal(err)
	}
	d, err := store.Account(ctx, tenant, target)
	if err != nil {
		t.Fatal(err)
	}
	if d.Assessment == nil || d.Assessment.Category != inventory.ServiceAccount || !d.Assessment.CategoryOverride || d.Assessment.AutoCategory != inventory.RoomDevice {
		t.Fatalf("override not applied: %+v", d.Assessment)
	}
}

// roomPaths returns the path of every room device of the tenant.
func roomPaths(t *testing.T, store *pg.Store, tenant string) []inventory.Path {
	t.Helper()
	page, err := store.ListAccounts(t.Context(), pg.AccountFilter{TenantID: tenant, Category: string(inventory.RoomDevice), Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Rows) == 0 {
		t.Fatal("the demo tenant has no room devices")
	}
	out := make([]inventory.Path, len(page.Rows))
	for i, r := range page.Rows {
		out[i] = r.Path
	}
	return out
}

func allPaths(paths []inventory.Path, want inventory.Path) bool {
	for _, p := range paths {
		if p != want {
			return false
		}
	}
	return true
}

// waitUntilReassessWaits returns once a session that holds no lock has
// asked for a tenant lock, which is Reassess waiting for it; it fails the
// test if Reassess returns first.
func waitUntilReassessWaits(t *testing.T, store *pg.Store, done <-chan error) {
	t.Helper()
	for range 600 {
		select {
		case err := <-done:
			t.Fatalf("Reassess finished (err %v) while a sync held the tenant lock", err)
		default:
		}
		var waiting int
		err := store.Pool().QueryRow(t.Context(), `
			SELECT count(*) FROM pg_stat_activity a
			WHERE a.datname = current_database() AND a.query LIKE '%pg_try_advisory_lock%'
			  AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted)`).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("Reassess never asked for the tenant lock")
}

func TestReassessWaitsForASyncAndReadsWhatItLeft(t *testing.T) {
	store, url, ctx, tenant := seededDemoAt(t, 120)
	if !allPaths(roomPaths(t, store, tenant), inventory.TenantSplit) {
		t.Fatal("room devices of a mixed tenant are not all tenant_split")
	}

	// A sync in another process holds the tenant's lock.
	replica, unlock := lockedElsewhere(t, url, tenant)
	defer unlock()
	done := make(chan error, 1)
	var res inventory.Result
	go func() {
		var err error
		res, err = inventory.Reassess(ctx, store, tenant, inventory.ReassessOptions{})
		done <- err
	}()
	waitUntilReassessWaits(t, store, done)

	// What the sync commits while Reassess waits is what Reassess must
	// assess: here the tenant becomes CSP-only, where rooms have nowhere to
	// split to. Nothing is written until the lock is free.
	setTenantKind(t, replica, tenant, inventory.KindCSP)
	waitUntilReassessWaits(t, store, done)
	if !allPaths(roomPaths(t, store, tenant), inventory.TenantSplit) {
		t.Fatal("Reassess wrote verdicts while a sync held the tenant lock")
	}

	unlock()
	if err := <-done; err != nil {
		t.Fatalf("Reassess after the sync: %v", err)
	}
	if !allPaths(roomPaths(t, store, tenant), inventory.TechnicalException) {
		t.Fatal("Reassess stored verdicts drawn from before the sync it waited for")
	}
	if len(res.Accounts) == 0 {
		t.Fatal("Reassess returned no verdicts")
	}
}

func TestReassessCancelledWhileWaitingLeavesNoLock(t *testing.T) {
	store, url, ctx, tenant := seededDemoAt(t, 60)
	setTenantKind(t, store, tenant, inventory.KindCSP)

	replica, unlock := lockedElsewhere(t, url, tenant)
	defer unlock() // a second call does nothing; a failed test must not hang the cleanup
	waiting, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := inventory.Reassess(waiting, store, tenant, inventory.ReassessOptions{})
		done <- err
	}()
	waitUntilReassessWaits(t, store, done)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Reassess after its context was cancelled: %v, want context.Canceled", err)
	}
	unlock()

	// Nothing was written, and the next sync takes the lock at once.
	if !allPaths(roomPaths(t, store, tenant), inventory.TenantSplit) {
		t.Fatal("a cancelled Reassess wrote verdicts")
	}
	again, err := replica.LockTenantSync(ctx, tenant)
	if err != nil {
		t.Fatalf("a sync after a cancelled Reassess: %v", err)
	}
	again()
	var held int
	if err := store.Pool().QueryRow(ctx, `
		SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
		WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()`).Scan(&held); err != nil {
		t.Fatal(err)
	}
	if held != 0 {
		t.Fatalf("%d advisory locks still held after a cancelled Reassess", held)
	}
}

func TestReassessAfterAnOverride(t *testing.T) {
	store, ctx := newStore(t)
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
	wantCode(t, store.ApplyReassessment(ctx, tenantID, res, nil), inventory.ENOTFOUND)
}

// setTenantKind saves the tenant's settings with kind, as a security lead.
func setTenantKind(t *testing.T, store *pg.Store, tenant string, kind inventory.TenantKind) {
	t.Helper()
	changeSettings(t, store, tenant, func(st *inventory.Settings) { st.Kind = kind })
}

// changeSettings saves the tenant's settings as change leaves them, as a
// security lead.
func changeSettings(t *testing.T, store *pg.Store, tenant string, change func(*inventory.Settings)) {
	t.Helper()
	ctx := t.Context()
	settings, err := store.TenantSettings(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	change(&settings)
	if err := store.SaveTenantSettings(ctx, settingsLead, tenant, settings); err != nil {
		t.Fatal(err)
	}
}

// lockedElsewhere holds the tenant's sync lock from another process's
// store, as a running sync does, until unlock.
func lockedElsewhere(t *testing.T, url, tenant string) (replica *pg.Store, unlock func()) {
	t.Helper()
	replica = openAs(t, url, "syncing")
	unlock, err := replica.LockTenantSync(t.Context(), tenant)
	if err != nil {
		t.Fatal(err)
	}
	return replica, unlock
}

func TestOverridesSurviveSyncs(t *testing.T) {
	store, ctx, snap := syncedFixture(t)

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

func TestTenantSettings(t *testing.T) {
	store, ctx := newStore(t)
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

// A settings change made through Reassess lands with the verdicts it
// causes: refused before it waits when the actor may not, written nowhere
// while a sync holds the tenant, and then saved, recorded and assessed in
// one transaction.
func TestSettingsChangeLandsWithItsVerdicts(t *testing.T) {
	store, url, ctx, tenant := seededDemoAt(t, 120)
	before, err := store.TenantSettings(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	csp := before
	csp.Kind = inventory.KindCSP
	change := func(a inventory.Actor) inventory.ReassessOptions {
		return inventory.ReassessOptions{Change: inventory.SettingsChange{Actor: a, Settings: csp}}
	}

	// An engineer is refused at once; an empty list entry is refused too.
	_, err = inventory.Reassess(ctx, store, tenant, change(inventory.Actor{ID: "eng", Name: "eng", Role: inventory.Engineer}))
	wantCode(t, err, inventory.EFORBIDDEN)
	empty := csp
	empty.RoomPatterns = []string{"room", " "}
	_, err = inventory.Reassess(ctx, store, tenant, inventory.ReassessOptions{Change: inventory.SettingsChange{Actor: settingsLead, Settings: empty}})
	wantCode(t, err, inventory.EINVALID)

	// While a sync holds the tenant nothing is saved: neither the settings
	// nor verdicts drawn from them.
	_, unlock := lockedElsewhere(t, url, tenant)
	defer unlock()
	done := make(chan error, 1)
	go func() {
		_, err := inventory.Reassess(ctx, store, tenant, change(settingsLead))
		done <- err
	}()
	waitUntilReassessWaits(t, store, done)
	if got, err := store.TenantSettings(ctx, tenant); err != nil || got.Kind != before.Kind {
		t.Fatalf("settings saved while the sync held the tenant: kind %s (%v)", got.Kind, err)
	}
	settingsEvents := func() []pg.AuditEvent {
		var out []pg.AuditEvent
		if err := store.StreamAudit(ctx, pg.AuditFilter{TenantID: tenant, Action: inventory.ActionSettings}, func(e pg.AuditEvent) error {
			out = append(out, e)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if len(settingsEvents()) != 0 {
		t.Fatal("the settings change was recorded before it landed")
	}

	unlock()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got, err := store.TenantSettings(ctx, tenant); err != nil || got.Kind != inventory.KindCSP {
		t.Fatalf("settings after the change: kind %s (%v)", got.Kind, err)
	}
	if !allPaths(roomPaths(t, store, tenant), inventory.TechnicalException) {
		t.Fatal("the verdicts did not land with the settings: rooms of a CSP tenant are not technical exceptions")
	}
	if got := settingsEvents(); len(got) != 1 || got[0].ActorID != settingsLead.ID {
		t.Fatalf("settings events: %+v", got)
	}
}
