package demo_test

import (
	"strings"
	"testing"

	"github.com/mfaboard/mfaboard/graph/demo"
)

// The large tenants keep the demo's proportions: the named accounts stay
// once each and the rest scale.
func TestGenerateScalesInProportion(t *testing.T) {
	t.Parallel()
	s := demo.Generate(demo.Options{Users: 20000, Groups: 500, Policies: 50, Seed: 5, AsOf: asOf})

	count := func(match func(upn string) bool) int {
		n := 0
		for _, u := range s.Users {
			if match(strings.ToLower(u.UserPrincipalName)) {
				n++
			}
		}
		return n
	}
	for _, prefix := range []string{"breakglass01@", "emergency-admin@", "sync_", "ticketing@", "scanner-3rdfloor@", "svc-automation@", "pc-api-integration@", "invoicing@", "mtr-boardroom4@", "surfacehub-lobby@", "jane.doe_fabrikam.com#ext#@"} {
		if n := count(func(upn string) bool { return strings.HasPrefix(upn, prefix) }); n != 1 {
			t.Errorf("%d accounts %s…, want exactly one", n, prefix)
		}
	}

	var guests, disabled, rooms, people, unregistered, phoneOnly int
	phone := map[string]bool{"mobilePhone": true, "alternateMobilePhone": true, "officePhone": true}
	for _, u := range s.Users {
		if u.UserType == "Guest" {
			guests++
		}
		if !u.AccountEnabled {
			disabled++
		}
		if strings.HasPrefix(u.UserPrincipalName, "mtr-") {
			rooms++
		}
		if u.JobTitle == "" || u.UserType != "Member" {
			continue
		}
		people++
		reg := s.Registrations[u.ID]
		if !reg.IsMfaRegistered {
			unregistered++
			continue
		}
		only := true
		for _, m := range reg.MethodsRegistered {
			only = only && phone[m]
		}
		if only {
			phoneOnly++
		}
	}
	within := func(what string, n, total, lowPct, highPct int) {
		if n*100 < total*lowPct || n*100 > total*highPct {
			t.Errorf("%s: %d of %d, want %d–%d%%", what, n, total, lowPct, highPct)
		}
	}
	within("guests", guests, len(s.Users), 3, 8)
	within("disabled accounts", disabled, len(s.Users), 2, 5)
	within("Teams Rooms", rooms, len(s.Users), 0, 1)
	within("people not MFA-registered", unregistered, people, 3, 10)
	within("people with SMS or voice only", phoneOnly, people, 4, 12)
}
