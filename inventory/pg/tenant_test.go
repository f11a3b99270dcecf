package pg_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

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
