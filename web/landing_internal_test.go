package web

import (
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

func TestLandingPathPerRole(t *testing.T) {
	for role, want := range map[inventory.Role]string{
		inventory.SecurityLead: "/plan", inventory.Engineer: "/work", inventory.Management: "/readiness", "": "/accounts",
	} {
		if got := landingPath(role); got != want {
			t.Errorf("landingPath(%q) = %s, want %s", role, got, want)
		}
	}
}

func TestStaleAfter(t *testing.T) {
	for every, want := range map[time.Duration]time.Duration{0: 26 * time.Hour, 6 * time.Hour: 12 * time.Hour, 24 * time.Hour: 48 * time.Hour} {
		if got := staleAfter(every); got != want {
			t.Errorf("staleAfter(%s) = %s, want %s", every, got, want)
		}
	}
}
