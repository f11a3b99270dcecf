package inventory

import (
	"slices"
	"strings"
	"testing"
)

// TestWorkflowVerifyNeedsACompliantVerdict: verified means the last sync
// found the account compliant, so a person's verify of an open account is
// refused (ECONFLICT) with the account, the verdict and its cause; the
// move is still offered, so that trying it tells why.
func TestWorkflowVerifyNeedsACompliantVerdict(t *testing.T) {
	t.Parallel()
	card := func(c Compliance, cause string) Card {
		bc := boardCard(Remediated)
		bc.UserPrincipalName, bc.Compliance, bc.Cause = "alice@contoso.com", c, cause
		return bc
	}
	tests := []struct {
		name  string
		actor Actor
		card  Card
		code  string // "" allowed
		words []string
	}{
		{"non-compliant", leadAlex, card(NonCompliant, "CA001 excludes group Contractors."), ECONFLICT,
			[]string{"Can't verify alice@contoso.com: the last sync found it non-compliant — CA001 excludes group Contractors."}},
		{"at risk", leadAlex, card(AtRisk, "not registered for MFA"), ECONFLICT,
			[]string{"Can't verify alice@contoso.com: the last sync found it at risk — not registered for MFA."}},
		{"open without a cause on record", leadAlex, card(AtRisk, ""), ECONFLICT,
			[]string{"Can't verify alice@contoso.com: the last sync found it at risk."}},
		{"compliant", leadAlex, card(Compliant, ""), "", nil},
		{"excepted", leadAlex, card(Excepted, ""), "", nil},
		{"not yet assessed", leadAlex, card("", ""), "", nil},
		// The role's refusal comes first: it is the one that helps an engineer.
		{"engineer on an open account", engDana, card(NonCompliant, "x"), EFORBIDDEN, []string{"Only a security lead can verify"}},
		// The sync verifies only what it found compliant, and never by this rule.
		{"the sync", SyncActor, card(Compliant, ""), "", nil},
	}
	for _, tt := range tests {
		err := CanMove(tt.actor, tt.card, Verified)
		if ErrorCode(err) != tt.code || (tt.code == "" && err != nil) {
			t.Errorf("%s: CanMove = %v (code %q), want code %q", tt.name, err, ErrorCode(err), tt.code)
			continue
		}
		for _, w := range tt.words {
			if !strings.Contains(ErrorMessage(err), w) {
				t.Errorf("%s: %q does not say %q", tt.name, ErrorMessage(err), w)
			}
		}
		if _, perr := PlanMove(tt.actor, tt.card, Verified, ""); ErrorCode(perr) != tt.code {
			t.Errorf("%s: PlanMove = %v, want code %q", tt.name, perr, tt.code)
		}
	}
	if got := MovesFor(leadAlex, card(NonCompliant, "x")); !slices.Contains(got, Verified) {
		t.Errorf("MovesFor offers the lead %v on a non-compliant remediated card, want Verified among them", got)
	}
}

// TestWorkflowBlockedNeedsAReason: a move to blocked names what blocks
// the work; no other move needs a reason.
func TestWorkflowBlockedNeedsAReason(t *testing.T) {
	t.Parallel()
	c := boardCard(InProgress)
	c.UserPrincipalName = "bob@contoso.com"
	for _, reason := range []string{"", "   "} {
		_, err := PlanMove(engDana, c, Blocked, reason)
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "Say what blocks the work on bob@contoso.com") {
			t.Errorf("blocked with reason %q: %v, want EINVALID asking for the reason", reason, err)
		}
	}
	p, err := PlanMove(engDana, c, Blocked, "waiting for the new phone")
	if err != nil || p.Reason != "waiting for the new phone" || p.To != Blocked {
		t.Errorf("blocked with a reason: %+v, %v", p, err)
	}
	if _, err := PlanMove(engDana, c, Remediated, ""); err != nil {
		t.Errorf("remediated without a reason: %v, want allowed", err)
	}
}
