package main

import (
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// whatIfSetup syncs the What-If tenant as it was and starts the emulator on
// the tenant as it is now. The emulator's evaluate is a TEST DOUBLE of
// Microsoft's What-If engine: it proves the plumbing (the SDK's request,
// the answer read, the comparison, the store, the audit trail), not
// Microsoft's semantics.
func whatIfSetup(t *testing.T, opts emulator.Options) (*pg.Store, *emulator.Server) {
	t.Helper()
	store := useDatabase(t)
	useToken(t)
	synced, drifted := pgtest.WhatIfTenant(time.Now().UTC())
	pgtest.Sync(t, store, synced, inventory.SyncOptions{})
	opts.RequireToken = "test-token"
	return store, emulate(t, drifted, opts)
}

func TestWhatIfAgainstEmulatorDoubleFindsBothDisagreements(t *testing.T) {
	t.Parallel()
	store, emu := whatIfSetup(t, emulator.Options{})
	code, out, errOut := runCLI(t, "whatif", "--all", "--graph-url", emu.URL)
	if code != exitOK {
		t.Fatalf("whatif --all exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if !strings.Contains(out, "1 of 1 accounts") {
		t.Fatalf("--all should ask about the one open account (carol):\n%s", out)
	}
	code, out, errOut = runCLI(t, "whatif", "--upn", "BOB@fabrikam.example", "--graph-url", emu.URL)
	if code != exitOK {
		t.Fatalf("whatif --upn exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if !strings.Contains(out, "mfaboard counts CA001 as enforcing MFA") || !strings.Contains(out, "the account is not among the policy's users") {
		t.Fatalf("bob's disagreement (mfaboard counts CA001, the double does not apply it) is missing:\n%s", out)
	}
	code, out, _ = runCLI(t, "whatif", "--upn", "alice@fabrikam.example", "--graph-url", emu.URL)
	if code != exitOK || !strings.Contains(out, "0 of 1 accounts") || !strings.Contains(out, "CA001 (mfa)") {
		t.Fatalf("alice (nested group) should agree, CA001 applied:\n%s", out)
	}

	ctx := t.Context()
	carol, err := store.LatestWhatIf(ctx, pgtest.WhatIfTenantID, pgtest.WhatIfCarol)
	if err != nil || carol == nil {
		t.Fatalf("carol's answer was not kept: %v", err)
	}
	if carol.Agrees() || !carol.Disagreements[0].MicrosoftApplies || !strings.Contains(carol.Disagreements[0].Text, "does not include this account") {
		t.Fatalf("carol: want Microsoft applying CA001 that mfaboard says does not include her, got %+v", carol.Disagreements)
	}
	if carol.At.IsZero() || carol.Verdict != inventory.NonCompliant {
		t.Fatalf("carol's answer lacks its time or verdict: %+v", carol)
	}
	disagree, asked, err := store.WhatIfDisagreements(ctx, pgtest.WhatIfTenantID)
	if err != nil || disagree != 2 || asked != 3 {
		t.Fatalf("disagreements = %d of %d (%v), want 2 of 3", disagree, asked, err)
	}
	events, _, err := store.Audit(ctx, pg.AuditFilter{TenantID: pgtest.WhatIfTenantID, Action: inventory.ActionWhatIf})
	if err != nil || len(events) != 3 {
		t.Fatalf("want 3 what-if events on the audit trail, got %d (%v)", len(events), err)
	}
}

func TestWhatIfMissingPermissionNamesIt(t *testing.T) {
	t.Parallel()
	store, emu := whatIfSetup(t, emulator.Options{Forbidden: []string{emulator.ForbiddenEvaluate}})
	code, out, errOut := runCLI(t, "whatif", "--upn", "bob@fabrikam.example", "--graph-url", emu.URL)
	if code != exitFailed || !strings.Contains(errOut, "Policy.Read.All") || strings.Contains(errOut, "panic") {
		t.Fatalf("exit %d, want %d and a sentence naming Policy.Read.All\nstdout: %s\nstderr: %s", code, exitFailed, out, errOut)
	}
	if c, err := store.LatestWhatIf(t.Context(), pgtest.WhatIfTenantID, pgtest.WhatIfBob); err != nil || c != nil {
		t.Fatalf("a refused question kept an answer: %+v %v", c, err)
	}
}
