package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// Done when (issue 13 §4): sync a tenant, add a member to an excluded
// group, sync again, and find the change in /changes, for every role.
func TestChangesShowsAnAccountThatJoinedAnExcludedGroup(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeApp(t, web.Config{})
	second := pgtest.SyncAnnJoinsContractors(t, store)
	for _, role := range []inventory.Role{inventory.SecurityLead, inventory.Engineer, inventory.Management} {
		c := webtest.Login(t, srv, store, role)
		doc := page(t, c, srv.URL+"/changes", http.StatusOK)
		syncs := doc.Find(`[data-testid="change-sync"]`)
		if syncs.Length() != 1 || !strings.Contains(syncs.Find("h2").Text(), "Sync "+itoa(second.RunID)) {
			t.Fatalf("%s sees %d syncs: %q", role, syncs.Length(), syncs.Find("h2").Text())
		}
		if got := strings.Join(strings.Fields(syncs.Find(`[data-testid="change-counts"]`).Text()), " "); !strings.HasPrefix(got, "1 account lost coverage") {
			t.Errorf("%s: counts %q", role, got)
		}
		ch := doc.Find(`[data-testid="change"]`)
		link := ch.Find(`[data-testid="change-account"]`)
		if ch.Length() != 1 || link.Text() != "ann@changes.example" || link.AttrOr("href", "") != "/accounts/ann?tenant=changes-tenant" {
			t.Fatalf("%s: change %q → %q", role, link.Text(), link.AttrOr("href", ""))
		}
		verdicts := ch.Find(`[data-testid="change-verdict"]`)
		if verdicts.First().Text() != inventory.Compliant.Label() || verdicts.Last().Text() != inventory.NonCompliant.Label() {
			t.Errorf("%s: from %q to %q", role, verdicts.First().Text(), verdicts.Last().Text())
		}
		if cause := strings.TrimSpace(ch.Find(`[data-testid="change-causes"] li`).Text()); cause != "joined group Contractors, which CA001 excludes" {
			t.Errorf("%s: cause %q", role, cause)
		}
		if n := ch.Find(`[data-testid="change-causes"] strong`).Length(); n != 2 {
			t.Errorf("%s: %d names emphasised in the cause, want 2", role, n)
		}
	}
}

// Before a second sync the page says what it will show.
func TestChangesBeforeASecondSync(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeApp(t, web.Config{})
	pgtest.Sync(t, store, pgtest.ExcludedGroupTenant(), inventory.SyncOptions{})
	doc := page(t, webtest.Login(t, srv, store, inventory.Management), srv.URL+"/changes", http.StatusOK)
	if doc.Find(`[data-testid="no-changes"]`).Length() != 1 || doc.Find(`nav a[aria-current="page"]`).AttrOr("href", "") != "/changes" {
		t.Error("the page before a second sync is not the empty list with its nav link marked")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A lead switches the alert off and on with the delivery page's checkbox;
// it is on until then.
func TestChangeAlertsSwitch(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeApp(t, web.Config{})
	pgtest.Sync(t, store, pgtest.ExcludedGroupTenant(), inventory.SyncOptions{})
	lead := webtest.Login(t, srv, store, inventory.SecurityLead)
	box := func() bool {
		doc := page(t, lead, srv.URL+"/settings/delivery", http.StatusOK)
		_, checked := doc.Find(`[data-testid="change-alerts"]`).Attr("checked")
		return checked
	}
	if !box() {
		t.Fatal("alerts are not on before anyone saved the settings")
	}
	form := url.Values{"tenant": {"changes-tenant"}, "schedule": {"weekly"}, "weekday": {"1"}, "hour": {"8"},
		"time_zone": {"UTC"}, "interval_hours": {"168"}, "smtp_port": {"587"}}
	for _, on := range []bool{false, true} {
		if on {
			form.Set("change_alerts", "on")
		}
		if resp, body := send(t, lead, http.MethodPost, srv.URL+"/settings/delivery", form, browser); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", resp.StatusCode, body)
		}
		if st, err := store.DeliverySettings(t.Context(), "changes-tenant"); err != nil || st.ChangeAlerts != on || box() != on {
			t.Errorf("saved with the box %v: stored %v, shown %v (%v)", on, st.ChangeAlerts, box(), err)
		}
	}
}

// The readiness page says what the last sync found had moved.
func TestReadinessSaysWhatTheLastSyncChanged(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeApp(t, web.Config{})
	pgtest.Sync(t, store, pgtest.ExcludedGroupTenant(), inventory.SyncOptions{})
	c := webtest.Login(t, srv, store, inventory.Management)
	if n := page(t, c, srv.URL+"/readiness", http.StatusOK).Find(`[data-testid="readiness-changes"]`).Length(); n != 0 {
		t.Error("the readiness page reports changes after the first sync")
	}
	pgtest.SyncAnnJoinsContractors(t, store)
	line := page(t, c, srv.URL+"/readiness", http.StatusOK).Find(`[data-testid="readiness-changes"] a`)
	if line.Text() != "Since the last sync: 1 account lost coverage" || line.AttrOr("href", "") != "/changes?tenant=changes-tenant" {
		t.Errorf("readiness says %q, linking to %q", line.Text(), line.AttrOr("href", ""))
	}
}
