package inventory

import (
	"testing"
	"time"
)

func TestEvidenceCountsOnlySuccessfulSignInsInTheWindow(t *testing.T) {
	t.Parallel()
	w := window{from: asOf.Add(-DefaultWindow), to: asOf}
	inWindow := asOf.Add(-4 * 24 * time.Hour)
	tooOld := asOf.Add(-31 * 24 * time.Hour)
	failed := fold(inWindow, "Office 365 Exchange Online", "IMAP4", false, singleReq)
	failed.Success = false
	tests := []struct {
		name                        string
		folds                       []SignInFold
		legacy, single              int
		nonInteractive, interactive bool
	}{
		{name: "single-factor in the window", folds: []SignInFold{fold(inWindow, "SharePoint Online", "Browser", true, singleReq)},
			single: 1, interactive: true},
		{name: "single-factor outside the window is ignored", folds: []SignInFold{fold(tooOld, "SharePoint Online", "Browser", true, singleReq)},
			interactive: true},
		{name: "a failed sign-in is no evidence", folds: []SignInFold{failed}},
		{name: "MFA sign-in is no single-factor evidence", folds: []SignInFold{fold(inWindow, "Teams", "Browser", true, mfaReq)},
			interactive: true},
		{name: "legacy client, any case", folds: []SignInFold{fold(inWindow, "Exchange", "imap4", false, singleReq)},
			legacy: 1, single: 1, nonInteractive: true},
		{name: "modern clients are not legacy", folds: []SignInFold{
			fold(inWindow, "Teams", "Mobile Apps and Desktop clients", false, mfaReq), fold(inWindow, "Teams", "Browser", false, mfaReq)},
			nonInteractive: true},
		{name: "same client folds into one use", folds: []SignInFold{
			fold(inWindow, "Exchange", "Authenticated SMTP", false, singleReq), fold(inWindow.Add(-24*time.Hour), "Exchange", "Authenticated SMTP", false, singleReq)},
			legacy: 1, single: 1, nonInteractive: true},
		{name: "the window's first moment counts", folds: []SignInFold{fold(asOf.Add(-DefaultWindow), "App", "Browser", false, singleReq)},
			single: 1, nonInteractive: true},
		{name: "after the moment of assessment does not count", folds: []SignInFold{fold(asOf.Add(time.Hour), "App", "Browser", false, singleReq)}},
	}
	for _, tt := range tests {
		ev := evidenceOf(tt.folds, w)
		if len(ev.legacy) != tt.legacy || len(ev.singleFactor) != tt.single || ev.nonInteractive != tt.nonInteractive || ev.interactive != tt.interactive {
			t.Errorf("%s: legacy %d single %d nonInteractive %v interactive %v; want %d %d %v %v", tt.name,
				len(ev.legacy), len(ev.singleFactor), ev.nonInteractive, ev.interactive, tt.legacy, tt.single, tt.nonInteractive, tt.interactive)
		}
	}
}

func TestEvidenceFoldSpanningTheWindowEdge(t *testing.T) {
	t.Parallel()
	w := window{from: asOf.Add(-DefaultWindow), to: asOf}
	f := fold(asOf.Add(-DefaultWindow-time.Hour), "App", "POP3", false, singleReq)
	f.Last = asOf.Add(-DefaultWindow + time.Hour) // the day's last sign-in is inside
	f.Count = 3
	ev := evidenceOf([]SignInFold{f}, w)
	if len(ev.legacy) != 1 || ev.legacy[0].client != "POP3" || ev.legacy[0].count != 3 || !ev.legacy[0].last.Equal(f.Last) {
		t.Fatalf("legacy = %+v", ev.legacy)
	}
	// A fold with only its day known still counts by its day.
	ev = evidenceOf([]SignInFold{{Day: asOf.Truncate(24 * time.Hour), ClientAppUsed: "POP3", Success: true}}, w)
	if len(ev.legacy) != 1 || ev.legacy[0].count != 1 {
		t.Fatalf("day-only fold: %+v", ev.legacy)
	}
}

func TestLegacyClientList(t *testing.T) {
	t.Parallel()
	for _, c := range []string{"AutoDiscover", "Exchange ActiveSync", "Exchange Online PowerShell", "Exchange Web Services",
		"IMAP4", "MAPI Over HTTP", "Offline Address Book", "Other clients", "Outlook Anywhere (RPC over HTTP)",
		"POP3", "Reporting Web Services", "Authenticated SMTP", "Universal Outlook", "authenticated smtp"} {
		if !IsLegacyClient(c) {
			t.Errorf("%q should be legacy", c)
		}
	}
	for _, c := range []string{"Browser", "Mobile Apps and Desktop clients", "", "IMAP"} {
		if IsLegacyClient(c) {
			t.Errorf("%q should not be legacy", c)
		}
	}
}

func TestDayFormat(t *testing.T) {
	t.Parallel()
	if got := day(time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC), asOf); got != "16 Nov" {
		t.Errorf("same year: %q", got)
	}
	if got := day(time.Date(2025, 12, 30, 9, 0, 0, 0, time.UTC), asOf); got != "30 Dec 2025" {
		t.Errorf("other year: %q", got)
	}
}
