package main

import (
	"strings"
	"testing"

	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web/deliver/delivertest"
)

// `mfaboard sync` alerts at once when the sync finds an account that lost
// coverage: Ann joins the group CA001 excludes between two syncs from
// Graph, and the tenant's webhook gets her, the cause and her link.
func TestSyncAlertsOnRegressions(t *testing.T) {
	t.Parallel()
	store := useDatabase(t)
	useToken(t)
	setEnv(t, "MFABOARD_BASE_URL", "https://mfaboard.partner.example")
	syncFrom := func(snap *inventory.Snapshot) {
		t.Helper()
		emu := emulator.New(export.EncodeSnapshot(snap), emulator.Options{RequireToken: "test-token"})
		defer emu.Close()
		if code, out, errOut := runCLI(t, "sync", "--graph-url", emu.URL); code != exitOK {
			t.Fatalf("sync: exit %d\n%s%s", code, out, errOut)
		}
	}
	syncFrom(pgtest.ExcludedGroupTenant())

	hook := delivertest.NewWebhook(t)
	lead := inventory.Actor{ID: "u-lead", Name: "lead@partner.example", Role: inventory.SecurityLead}
	if err := store.SaveDeliverySettings(t.Context(), lead, "changes-tenant", inventory.DeliverySettings{
		Schedule: inventory.WeeklyDelivery, Mail: inventory.DeliveryMail{Port: 587}, Webhook: hook.URL + "/hook", ChangeAlerts: true}); err != nil {
		t.Fatal(err)
	}
	snap := pgtest.ExcludedGroupTenant()
	snap.Groups[0].MemberUserIDs = []string{"ann"}
	syncFrom(snap)
	posts := hook.Posts()
	if len(posts) != 1 {
		t.Fatalf("%d posts to the webhook, want the alert", len(posts))
	}
	for _, want := range []string{"ann@changes.example", "joined group *Contractors*, which *CA001* excludes",
		"https://mfaboard.partner.example/accounts/ann?tenant=changes-tenant"} {
		if !strings.Contains(posts[0], want) {
			t.Errorf("the alert lacks %q:\n%s", want, posts[0])
		}
	}
}
