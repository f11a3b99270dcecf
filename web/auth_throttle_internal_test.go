package web

import (
	"fmt"
	"testing"
	"time"
)

func TestHoldAfter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		failures int
		want     time.Duration
	}{
		{0, 0},
		{accountFreeFailures - 1, 0},
		{accountFreeFailures, accountBaseHold},
		{accountFreeFailures + 1, 2 * accountBaseHold},
		{accountFreeFailures + 3, 8 * accountBaseHold},
		{accountFreeFailures + 9, 512 * accountBaseHold},
		{accountFreeFailures + 10, accountMaxHold},
		{accountFreeFailures + 63, accountMaxHold},
		{accountFreeFailures + 1_000_000, accountMaxHold},
	} {
		if got := holdAfter(tc.failures); got != tc.want {
			t.Errorf("holdAfter(%d) = %v, want %v", tc.failures, got, tc.want)
		}
	}
}

func TestAccountThrottle(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	th := newAccountThrottle()
	const victim = "lead@partner.example"

	// Strangers fail at the account from many addresses, each a few times.
	for i := range 2 * accountFreeFailures {
		th.fail(victim, fmt.Sprintf("198.51.100.%d", i/suspectAfter), at)
	}
	// An address that has failed suspectAfter times is not heard while the
	// account is held; one that failed less, and a clean one, are.
	if w := th.wait(victim, "198.51.100.0", at); w <= 0 {
		t.Error("a suspect address is heard at a held account")
	}
	if w := th.wait(victim, "203.0.113.7", at); w != 0 {
		t.Errorf("a clean address waits %v at a held account: the owner would be locked out", w)
	}
	th2 := newAccountThrottle()
	for i := range accountFreeFailures + 5 {
		th2.fail(victim, fmt.Sprintf("198.51.100.%d", i), at) // once each
	}
	for range suspectAfter - 2 {
		th2.fail(victim, "198.51.100.0", at) // suspectAfter-1 failures in all
	}
	if w := th2.wait(victim, "198.51.100.0", at); w != 0 {
		t.Errorf("an address that failed %d times waits %v: a person who mistyped is not heard", suspectAfter-1, w)
	}
	// Another account is not held, even for the suspect address.
	if w := th.wait("someone@partner.example", "198.51.100.0", at); w != 0 {
		t.Errorf("a suspect address waits %v at an account nobody attacks", w)
	}
	// The hold ends, and grows with every further failure.
	hold := holdAfter(2 * accountFreeFailures)
	if w := th.wait(victim, "198.51.100.0", at.Add(hold-time.Second)); w != time.Second {
		t.Errorf("a second before the hold ends, the wait is %v", w)
	}
	if w := th.wait(victim, "198.51.100.0", at.Add(hold)); w != 0 {
		t.Errorf("the hold has ended, but the wait is %v", w)
	}
	// An address's failures are forgotten after suspectWindow, an
	// account's after accountForget.
	later := at.Add(suspectWindow)
	th.fail("other@partner.example", "192.0.2.1", later)
	if _, ok := th.addrs["198.51.100.0"]; ok {
		t.Error("an address's failures are kept past suspectWindow")
	}
	th.fail("other@partner.example", "192.0.2.1", at.Add(accountForget+2*time.Minute))
	if _, ok := th.accounts[victim]; ok {
		t.Error("an account's failures are kept past accountForget")
	}
}
