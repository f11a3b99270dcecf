package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// A sync asks Graph for per-user MFA states only where they can change a
// verdict (inventory.PerUserMFASkips). The account page says why a state
// was not asked ("not read — CA001 … enforces MFA"), and shows the state
// where it was (issue 12).
func TestAccountPageSaysWhyPerUserMFAWasNotRead(t *testing.T) {
	t.Parallel()
	srv, store := authServer(t, web.Config{})
	asOf := time.Now().UTC()
	snap := demo.Generate(demo.Options{Users: 300, Seed: 1, AsOf: asOf})
	notReadSnapshot(snap)
	pgtest.Sync(t, store, snap, inventory.SyncOptions{Kind: inventory.KindMixed, Now: asOf})
	lead := webtest.Login(t, srv, store, inventory.SecurityLead)

	var skipped, read string
	for _, u := range snap.Users {
		_, isSkipped := snap.PerUserMFANotRead[u.ID]
		_, isRead := snap.PerUserMFA[u.ID]
		switch {
		case isSkipped && skipped == "" && u.AccountEnabled:
			skipped = u.ID
		case isRead && read == "":
			read = u.ID
		}
	}
	if skipped == "" || read == "" {
		t.Fatal("the demo has no skipped or no read per-user state: the test proves nothing")
	}
	for id, want := range map[string]string{
		skipped: "not read — " + snap.PerUserMFANotRead[skipped],
		read:    snap.PerUserMFA[read],
	} {
		doc := page(t, lead, srv.URL+"/accounts/"+url.PathEscape(id)+"?tenant="+url.QueryEscape(snap.Tenant.ID), http.StatusOK)
		got := strings.Join(strings.Fields(doc.Find(`[data-testid="per-user-mfa"]`).Text()), " ")
		if !strings.HasPrefix(got, want) {
			t.Errorf("%s: the page says Per-user MFA %q, want %q", id, got, want)
		}
	}
	if want := "CA001 - Require MFA for all users enforces MFA"; snap.PerUserMFANotRead[skipped] != want {
		t.Errorf("the skip says %q, want %q", snap.PerUserMFANotRead[skipped], want)
	}
	stored, err := store.LoadSnapshot(t.Context(), snap.Tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.PerUserMFANotRead) != len(snap.PerUserMFANotRead) || stored.PerUserMFANotRead[skipped] != snap.PerUserMFANotRead[skipped] {
		t.Errorf("the store keeps %d reasons a state was not read, the sync gave %d", len(stored.PerUserMFANotRead), len(snap.PerUserMFANotRead))
	}
}

// notReadSnapshot leaves out the per-user states a live sync would not ask
// for, and says why, as graph's fetch does.
func notReadSnapshot(snap *inventory.Snapshot) {
	snap.PerUserMFANotRead = inventory.PerUserMFASkips(snap)
	for id := range snap.PerUserMFANotRead {
		delete(snap.PerUserMFA, id)
	}
}
