package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// whatIfServer serves the What-If tenant with the emulator's double
// (webtest.ServeWhatIf) to a signed-in lead and engineer.
func whatIfServer(t *testing.T, opts emulator.Options) (srvURL string, lead, engineer *http.Client, store *pg.Store) {
	t.Helper()
	srv, store := webtest.ServeWhatIf(t, opts)
	return srv.URL, webtest.Login(t, srv, store, inventory.SecurityLead), webtest.Login(t, srv, store, inventory.Engineer), store
}

func whatIfForm() url.Values { return url.Values{"tenant": {pgtest.WhatIfTenantID}} }

func accountURL(base, id string) string {
	return base + "/accounts/" + id + "?tenant=" + url.QueryEscape(pgtest.WhatIfTenantID)
}

func TestWhatIfButtonFlagsDisagreementWithEmulatorDouble(t *testing.T) {
	t.Parallel()
	base, lead, engineer, store := whatIfServer(t, emulator.Options{})

	doc := page(t, lead, accountURL(base, pgtest.WhatIfBob), http.StatusOK)
	if doc.Find(`[data-testid="whatif-form"]`).Length() != 1 || doc.Find(`[data-testid="whatif-flag"]`).Length() != 0 {
		t.Fatal("before asking, a lead sees the button and no flag")
	}
	resp, body := send(t, lead, http.MethodPost, base+"/accounts/"+pgtest.WhatIfBob+"/whatif", whatIfForm(), nil)
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "/accounts/"+pgtest.WhatIfBob) || !strings.HasSuffix(loc, "#whatif") {
		t.Fatalf("asking: status %d to %q, want 303 back to the account's What-If part\n%s", resp.StatusCode, loc, body)
	}
	doc = page(t, lead, accountURL(base, pgtest.WhatIfBob), http.StatusOK)
	if doc.Find(`[data-testid="whatif-flag"]`).Length() != 1 {
		t.Fatal("the account is not flagged after Microsoft disagreed")
	}
	got := doc.Find(`[data-testid="whatif-disagreements"]`).Text()
	if !strings.Contains(got, "mfaboard counts CA001 as enforcing MFA") {
		t.Fatalf("the disagreement is not shown: %q", got)
	}
	if v := strings.TrimSpace(doc.Find(`[data-testid="whatif-verdict"]`).Text()); v != inventory.Compliant.Label() {
		t.Fatalf("mfaboard's verdict beside Microsoft's answer is %q", v)
	}

	// Alice (nested group) agrees.
	send(t, lead, http.MethodPost, base+"/accounts/"+pgtest.WhatIfAlice+"/whatif", whatIfForm(), nil)
	doc = page(t, lead, accountURL(base, pgtest.WhatIfAlice), http.StatusOK)
	if doc.Find(`[data-testid="whatif-agrees"]`).Length() != 1 || !strings.Contains(doc.Find(`[data-testid="whatif-applied"]`).Text(), "CA001") {
		t.Fatal("alice: Microsoft applies CA001 and agrees, the page should say so")
	}

	// An engineer may not ask: 403 and nothing kept.
	resp, body = send(t, engineer, http.MethodPost, base+"/accounts/"+pgtest.WhatIfCarol+"/whatif", whatIfForm(), nil)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "security lead") {
		t.Fatalf("engineer: status %d\n%s", resp.StatusCode, body)
	}
	if c, err := store.LatestWhatIf(t.Context(), pgtest.WhatIfTenantID, pgtest.WhatIfCarol); err != nil || c != nil {
		t.Fatalf("a refused question kept an answer: %+v %v", c, err)
	}

	doc = page(t, lead, base+"/readiness?tenant="+url.QueryEscape(pgtest.WhatIfTenantID), http.StatusOK)
	if got := strings.Join(strings.Fields(doc.Find(`[data-testid="readiness-whatif"]`).Text()), " "); !strings.Contains(got, "disagrees with the verdict of 1 of the 2 accounts") {
		t.Fatalf("readiness says %q", got)
	}
}

func TestWhatIfMissingPermissionSentenceOnPage(t *testing.T) {
	t.Parallel()
	base, lead, _, _ := whatIfServer(t, emulator.Options{Forbidden: []string{emulator.ForbiddenEvaluate}})
	resp, body := send(t, lead, http.MethodPost, base+"/accounts/"+pgtest.WhatIfBob+"/whatif", whatIfForm(), nil)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Policy.Read.All") {
		t.Fatalf("status %d, want 403 and a sentence naming Policy.Read.All\n%s", resp.StatusCode, body)
	}
}

func TestWhatIfWithoutGraphSaysSo(t *testing.T) {
	t.Parallel()
	srv, store := webtest.ServeApp(t, web.Config{})
	synced, _ := pgtest.WhatIfTenant(time.Now().UTC())
	pgtest.Sync(t, store, synced, inventory.SyncOptions{})
	lead := webtest.Login(t, srv, store, inventory.SecurityLead)
	doc := page(t, lead, accountURL(srv.URL, pgtest.WhatIfBob), http.StatusOK)
	if doc.Find(`[data-testid="whatif-form"]`).Length() != 0 || !strings.Contains(doc.Find(`[data-testid="whatif-unavailable"]`).Text(), "Graph app registration") {
		t.Fatal("without Graph the page should say why instead of offering the button")
	}
	resp, body := send(t, lead, http.MethodPost, srv.URL+"/accounts/"+pgtest.WhatIfBob+"/whatif", whatIfForm(), nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Graph app registration") {
		t.Fatalf("status %d, want 409 and the sentence\n%s", resp.StatusCode, body)
	}
}
