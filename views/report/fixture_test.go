package report

import (
	"fmt"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

var fixtureNow = time.Date(2026, time.November, 20, 9, 30, 0, 0, time.UTC)

// Names from the tenant: accents, a letter Windows-1252 lacks, punctuation
// it has, a formula, and a script it cannot show at all.
var fixtureNames = []struct{ upn, name string }{
	{"lukasz.muller@contoso.test", "Łukasz Müller — Ops…"},
	{"formula@contoso.test", "=HYPERLINK(\"http://evil.test\",\"click\")"},
	{"+plus@contoso.test", "+Plus"},
	{"-minus@contoso.test", "-Minus"},
	{"@at@contoso.test", "@SUM(1,1)"},
	{"zhang.wei@contoso.test", "张伟"},
	{"bg-emergency@contoso.test", "Break Glass Émergency"},
}

// account is the i-th account of a generated tenant: a pure function of i,
// so a benchmark can stream 100,000 of them without holding any.
func account(i int) inventory.AccountLine {
	a := inventory.AccountLine{
		ID:                fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
		UserPrincipalName: fmt.Sprintf("user%06d@contoso.test", i),
		DisplayName:       fmt.Sprintf("User %d", i),
		Category:          inventory.Categories[i%len(inventory.Categories)],
		Compliance:        inventory.Compliant,
		EnforcedBy:        []string{"CA001 Require MFA for all users"},
		Reasons:           []string{"MFA is enforced by CA001 Require MFA for all users, and the account is registered"},
	}
	if i < len(fixtureNames) {
		a.UserPrincipalName, a.DisplayName = fixtureNames[i].upn, fixtureNames[i].name
	}
	switch a.Category {
	case inventory.ServiceAccount:
		a.Path = inventory.SecureAppModel
	case inventory.RoomDevice:
		a.Path = inventory.TenantSplit
	default:
		a.Path = inventory.MFAEnrolment
	}
	switch {
	case i%83 == 3:
		a.Compliance, a.Markers = inventory.NotApplicable, []inventory.Marker{inventory.Disabled}
	case i%40 == 0:
		a.Compliance, a.EnforcedBy = inventory.NonCompliant, nil
		a.Reasons = []string{"excluded by group ServiceAccounts in policy CA001 Require MFA for all users", "policy CA007 is report-only"}
	case i%17 == 1 || i == 6:
		a.Compliance = inventory.AtRisk
		a.Reasons = []string{"not registered for MFA", "MFA is enforced by CA001 Require MFA for all users"}
	case i%250 == 2:
		a.Compliance, a.EnforcedBy = inventory.Excepted, nil
		a.ExceptionExpiry = fixtureNow.AddDate(0, 6, 0)
		a.Status = inventory.ExceptionGranted
	}
	if i%50 == 0 || i == 6 {
		a.Markers = append(a.Markers, inventory.Privileged)
	}
	if i == 6 {
		a.Markers = append(a.Markers, inventory.BreakGlass)
	}
	if a.Compliance == inventory.NonCompliant || a.Compliance == inventory.AtRisk {
		a.Status = inventory.Statuses[1+i%3] // planned, in progress, blocked
		a.Assignee = []string{"Ada Lovelace", "Bożena Nowak", "Chen Li"}[i%3]
		a.DueDate = fixtureNow.AddDate(0, 0, i%21-7)
	}
	return a
}

// accounts streams the first n generated accounts.
func accounts(n int) func(yield func(inventory.AccountLine) error) error {
	return func(yield func(inventory.AccountLine) error) error {
		for i := range n {
			if err := yield(account(i)); err != nil {
				return err
			}
		}
		return nil
	}
}

// fixture is the readiness of a generated tenant of n accounts, its verdict
// tallied from the same accounts.
func fixture(n int) inventory.Readiness {
	v := inventory.TenantVerdict{
		TenantID:         "7f3c2a10-0000-4000-8000-000000000001",
		DisplayName:      "Contoso Łódź Partners",
		Kind:             inventory.KindMixed,
		AsOf:             fixtureNow.Add(-time.Hour),
		Counts:           map[inventory.Compliance]int{},
		ByCategory:       map[inventory.Category]int{},
		ByPath:           map[inventory.Path]int{},
		PrivilegedCounts: map[inventory.Compliance]int{},
		Gaps: []inventory.Gap{
			{Policy: "CA001 Require MFA for all users", Accounts: n / 40, Description: fmt.Sprintf("CA001 Require MFA for all users excludes %d accounts through 3 groups", n/40)},
			{Policy: "CA007 Legacy block", Accounts: 12, Description: "CA007 Legacy block is report-only (would cover 12 accounts)"},
		},
		Unchecked: []string{"rooms were not available: room accounts were recognised by group and name only"},
	}
	for i := range n {
		a := account(i)
		v.Counts[a.Compliance]++
		v.ByCategory[a.Category]++
		v.ByPath[a.Path]++
		if a.Has(inventory.Privileged) {
			v.PrivilegedCounts[a.Compliance]++
		}
	}
	v.Ready = inventory.OpenCount(v.Counts) == 0
	var trend []inventory.TrendPoint
	for d := 8; d >= 0; d-- { // a steady burn-down over the last 8 weeks
		day := fixtureNow.AddDate(0, 0, -7*d)
		counts := map[inventory.Compliance]int{
			inventory.NonCompliant: v.Counts[inventory.NonCompliant] + 3*d,
			inventory.AtRisk:       v.Counts[inventory.AtRisk] + 2*d,
			inventory.Compliant:    v.Counts[inventory.Compliant] - 5*d,
		}
		trend = append(trend, inventory.TrendPoint{Day: time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC),
			Counts: counts, Applicable: inventory.ApplicableCount(counts)})
	}
	r := inventory.NewReadiness(v, trend, time.Date(2027, time.March, 1, 0, 0, 0, 0, time.UTC), fixtureNow)
	_ = accounts(n)(func(a inventory.AccountLine) error { r.Add(a); return nil })
	r.Exceptions = []inventory.ExceptionLine{
		{UserPrincipalName: "room-boardroom4@contoso.test", DisplayName: "Boardroom 4 — Teams Room", Status: "Granted",
			Justification:        "Teams Rooms devices cannot perform MFA; the room runs on a shared console.",
			CompensatingControls: "Conditional Access: compliant managed device and the named location HQ only.",
			DecidedBy:            "Zoë Security-Lead", Expiry: fixtureNow.AddDate(0, 5, 0)},
		{UserPrincipalName: "hub-łódź@contoso.test", DisplayName: "Surface Hub Łódź", Status: "Requested",
			Justification: "Surface Hub 2S cannot register MFA methods.", CompensatingControls: "Named location Łódź office only."},
	}
	r.Finish()
	return *r
}
