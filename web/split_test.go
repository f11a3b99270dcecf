package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// syncSnapshot stores snap as a sync of kind would, with the real rules.
func syncSnapshot(t *testing.T, store *pg.Store, snap *inventory.Snapshot, kind inventory.TenantKind) inventory.Result {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	out, err := inventory.Sync(ctx, store, inventory.StaticSource{SourceName: pg.SourceFolder, Snapshot: snap}, inventory.SyncOptions{Kind: kind, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return out.Result
}

// splitTenants stores a mixed demo tenant with a room whose name a
// spreadsheet would run as a formula, and returns it with its rooms on the
// tenant_split path.
func splitTenants(t *testing.T, store *pg.Store) (*inventory.Snapshot, []inventory.User) {
	t.Helper()
	mixed := demo.Generate(demo.Options{Users: 300, Seed: 11, AsOf: time.Now().UTC()})
	mixed.Users = append(mixed.Users, inventory.User{ID: "evil-room", DisplayName: "=HYPERLINK(\"http://x\")", UserPrincipalName: "mtr-evil@contoso-partners.com",
		Mail: "mtr-evil@contoso-partners.com", UserType: "Member", AccountEnabled: true})
	res := syncSnapshot(t, store, mixed, inventory.KindMixed)
	var rooms []inventory.User
	for i, a := range res.Accounts {
		if a.Path == inventory.TenantSplit {
			rooms = append(rooms, mixed.Users[i])
		}
	}
	if len(rooms) < 3 || !slices.ContainsFunc(rooms, func(u inventory.User) bool { return u.ID == "evil-room" }) {
		t.Fatalf("%d rooms on the tenant_split path; the test needs the demo's rooms and the formula room", len(rooms))
	}
	return mixed, rooms
}

func TestSplitPlannerAndTenantSwitcher(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeApp(t, web.Config{})
	mixed, rooms := splitTenants(t, store)
	c := webtest.Login(t, srv, store, inventory.Management)

	// One tenant: no switcher, the moves, and no production tenant yet.
	doc := getDoc(t, c, srv.URL+"/split")
	if doc.Find(`[data-testid="tenant-switch"]`).Length() != 0 {
		t.Error("a switcher is shown with one tenant")
	}
	if n := doc.Find(`[data-testid="split-move"]`).Length(); n != len(rooms) {
		t.Errorf("%d moves listed, want %d", n, len(rooms))
	}
	if doc.Find(`[data-testid="split-no-production"]`).Length() != 1 {
		t.Error("no notice that no production tenant is synced")
	}
	boardroom := doc.Find(`[data-testid="split-move"][data-upn$="mtr-boardroom4@contoso-partners.com"]`)
	if !strings.Contains(boardroom.Text(), "Microsoft Teams Rooms Pro") || !strings.Contains(boardroom.Text(), "Meeting Room Devices") ||
		!strings.Contains(boardroom.Text(), "excludes it through group") {
		t.Errorf("the boardroom's licences, groups and policies are not shown: %q", boardroom.Text())
	}

	// A production tenant holding two of the rooms, one by UPN, one by mail.
	prod := &inventory.Snapshot{Tenant: inventory.Tenant{ID: "prod-tenant", DisplayName: "Contoso Production"},
		Users: []inventory.User{
			{ID: "p1", UserPrincipalName: strings.ToUpper(rooms[0].UserPrincipalName), AccountEnabled: true, UserType: "Member"},
			{ID: "p2", UserPrincipalName: "room2@contosoprod.onmicrosoft.com", Mail: rooms[1].Mail, AccountEnabled: true, UserType: "Member"},
		}, Present: map[string]bool{inventory.CollUsers: true}}
	syncSnapshot(t, store, prod, inventory.KindProduction)

	// The production tenant is the latest synced, so it is shown first.
	doc = getDoc(t, c, srv.URL+"/split")
	sw := doc.Find(`[data-testid="tenant-switch"]`)
	if sw.Length() != 1 || sw.Find("option").Length() != 2 {
		t.Fatalf("the switcher is missing or incomplete: %d", sw.Find("option").Length())
	}
	if sel, _ := sw.Find("option[selected]").Attr("value"); sel != "prod-tenant" {
		t.Errorf("selected tenant %q, want the latest synced, prod-tenant", sel)
	}
	if doc.Find(`[data-testid="split-production"]`).Length() != 1 {
		t.Error("the production tenant's planner does not say it is a production tenant")
	}

	// Switch: the choice holds on every page of the session.
	resp, _ := send(t, c, http.MethodPost, srv.URL+"/tenant", url.Values{"tenant": {mixed.Tenant.ID}, "next": {"/split"}}, browser)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/split" {
		t.Fatalf("switch: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	doc = getDoc(t, c, srv.URL+"/split")
	if got := doc.Find(`[data-testid="split-in-production"]`).Text(); got != "2" {
		t.Errorf("already in production: %q, want 2", got)
	}
	for i, room := range rooms {
		row := doc.Find(`[data-testid="split-move"][data-upn="` + room.UserPrincipalName + `"] [data-testid="split-exists"]`)
		exists := strings.Contains(row.Text(), "exists")
		if exists != (i < 2) {
			t.Errorf("%s: exists shown %v, want %v (%q)", room.UserPrincipalName, exists, i < 2, row.Text())
		}
	}
	if !strings.Contains(doc.Text(), "(same mail)") || !strings.Contains(doc.Text(), "(same UPN)") {
		t.Error("the planner does not say how each counterpart matched")
	}
	for _, path := range []string{"/accounts", "/runs", "/tools/token"} {
		d := getDoc(t, c, srv.URL+path)
		if name := strings.TrimSpace(d.Find(".tenant-name").Text()); name != mixed.Tenant.DisplayName {
			t.Errorf("%s shows tenant %q, want the chosen %q", path, name, mixed.Tenant.DisplayName)
		}
	}
	// ?tenant= chooses too, and is remembered.
	getDoc(t, c, srv.URL+"/runs?tenant=prod-tenant")
	if name := strings.TrimSpace(getDoc(t, c, srv.URL+"/accounts").Find(".tenant-name").Text()); name != "Contoso Production" {
		t.Errorf("after ?tenant=prod-tenant the accounts show %q", name)
	}

	// Refusals and safe returns.
	resp, body := send(t, c, http.MethodPost, srv.URL+"/tenant", url.Values{"tenant": {"nope"}, "next": {"/split"}}, browser)
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "That tenant is not in the database") {
		t.Errorf("unknown tenant: %d", resp.StatusCode)
	}
	for next, want := range map[string]string{"//evil.example/x": "/", "/accounts/p1": "/accounts", "/board?q=x": "/board?q=x", "": "/"} {
		resp, _ := send(t, c, http.MethodPost, srv.URL+"/tenant", url.Values{"tenant": {mixed.Tenant.ID}, "next": {next}}, browser)
		if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != want {
			t.Errorf("switch with next %q: %d to %q, want %q", next, resp.StatusCode, got, want)
		}
	}
}

func TestSplitMoveListCSV(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeApp(t, web.Config{})
	mixed, rooms := splitTenants(t, store)
	prod := &inventory.Snapshot{Tenant: inventory.Tenant{ID: "prod-tenant", DisplayName: "Contoso Production"},
		Users:   []inventory.User{{ID: "p1", UserPrincipalName: rooms[0].UserPrincipalName, AccountEnabled: true, UserType: "Member"}},
		Present: map[string]bool{inventory.CollUsers: true}}
	syncSnapshot(t, store, prod, inventory.KindProduction)
	c := webtest.Login(t, srv, store, inventory.Management)

	resp, body := send(t, c, http.MethodGet, srv.URL+"/split/moves.csv?tenant="+url.QueryEscape(mixed.Tenant.ID), nil, browser)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("CSV: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != len(rooms)+1 || records[0][0] != "category" || records[0][11] != "in_production" {
		t.Fatalf("%d records, want a header and %d moves; header %v", len(records), len(rooms), records[0])
	}
	byUPN := map[string][]string{}
	for _, r := range records[1:] {
		byUPN[r[1]] = r
	}
	first := byUPN[rooms[0].UserPrincipalName]
	if first == nil || first[11] != "yes" || !strings.Contains(first[12], "Contoso Production (same UPN)") {
		t.Errorf("the room in production: %v", first)
	}
	boardroom := byUPN["mtr-boardroom4@contoso-partners.com"]
	if boardroom == nil || boardroom[0] != "room_device" || boardroom[6] != "Microsoft Teams Rooms Pro" ||
		boardroom[7] != "4cde982a-ede4-4409-9ae6-b003453c8ea6" || boardroom[8] != "Microsoft Teams Rooms Pro" ||
		!strings.Contains(boardroom[9], "Meeting Room Devices") || !strings.Contains(boardroom[10], "excludes it through group") {
		t.Errorf("the boardroom's row: %v", boardroom)
	}
	if evil := byUPN["mtr-evil@contoso-partners.com"]; evil == nil || evil[2] != `'=HYPERLINK("http://x")` {
		t.Errorf("a formula in a name is not defused: %v", evil)
	}
}

func getDoc(t *testing.T, c *http.Client, u string) *goquery.Document {
	t.Helper()
	resp, body := send(t, c, http.MethodGet, u, nil, browser)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", u, resp.StatusCode, body)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
