package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web/deliver/delivertest"
)

// Done when (issue 13 §4): sync a tenant, add a member to an excluded
// group, sync again, and find the change in `mfaboard changes --format json`.
func TestChangesJSON(t *testing.T) {
	t.Parallel()
	store := useDatabase(t)
	second := pgtest.SyncAnnJoinsContractors(t, store)
	code, out, errOut := runCLI(t, "changes", "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// Decoded into the contract's shape only, so a renamed field fails.
	var got struct {
		Changes []struct {
			Sync    *int64   `json:"sync"`
			At      *string  `json:"at"`
			Account string   `json:"account"`
			From    *string  `json:"from"`
			To      *string  `json:"to"`
			Causes  []string `json:"causes"`
		} `json:"changes"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(got.Changes) != 1 {
		t.Fatalf("%d changes, want 1:\n%s", len(got.Changes), out)
	}
	c := got.Changes[0]
	if c.Sync == nil || *c.Sync != second.RunID || c.At == nil || c.Account != "ann@changes.example" ||
		c.From == nil || *c.From != "compliant" || c.To == nil || *c.To != "non_compliant" ||
		!slices.Equal(c.Causes, []string{"joined group *Contractors*, which *CA001* excludes"}) {
		t.Errorf("change:\n%s", out)
	}

	code, out, _ = runCLI(t, "changes", "--tenant", "changes-tenant")
	if code != exitOK || !strings.Contains(out, "ann@changes.example") || !strings.Contains(out, "non_compliant") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "changes", "--since", "2999-01-01T00:00:00Z", "--format", "json")
	if code != exitOK || strings.TrimSpace(out) != "{\n  \"changes\": []\n}" {
		t.Errorf("--since the future: exit %d\n%s", code, out)
	}
}

// `mfaboard sync` alerts at once when the sync finds an account that lost
// coverage: Ann joins the group CA001 excludes between two syncs from
// Graph, and the tenant's webhook gets her, the cause and her link.
func TestSyncAlertsOnRegressions(t *testing.T) {
	t.Parallel()
	store := useDatabase(t)
	useToken(t)
	setEnv(t, "MFABOARD_BASE_URL", "https://mfaboard.partner.example")
	syncGraph := func(snap *inventory.Snapshot) {
		t.Helper()
		syncFrom(t, emulate(t, snap, emulator.Options{RequireToken: "test-token"}))
	}
	syncGraph(pgtest.ExcludedGroupTenant())

	hook := delivertest.NewWebhook(t)
	lead := inventory.Actor{ID: "u-lead", Name: "lead@partner.example", Role: inventory.SecurityLead}
	if err := store.SaveDeliverySettings(t.Context(), lead, "changes-tenant", inventory.DeliverySettings{
		Schedule: inventory.WeeklyDelivery, Mail: inventory.DeliveryMail{Port: 587}, Webhook: hook.URL + "/hook", ChangeAlerts: true}); err != nil {
		t.Fatal(err)
	}
	snap := pgtest.ExcludedGroupTenant()
	snap.Groups[0].MemberUserIDs = []string{"ann"}
	syncGraph(snap)
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
