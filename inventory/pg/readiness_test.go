package pg_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// workedDemo stores a demo tenant of n accounts with work on its board: two
// open accounts assigned to the engineer, one of them overdue, one to the
// second engineer on time, and a granted exception on a third (reassessed,
// so it is excepted). It returns the tenant id, the team and the
// exception's account.
func workedDemo(t *testing.T, store *pg.Store, n int, now time.Time) (string, team, string) {
	t.Helper()
	ctx := t.Context()
	tm := newTeam(t, store)
	tenant := pgtest.SeedDemo(t, store, n).Tenant.ID
	res, err := inventory.Reassess(ctx, store, tenant, inventory.ReassessOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var open []string
	for _, a := range res.Accounts {
		if a.Compliance == inventory.NonCompliant || a.Compliance == inventory.AtRisk {
			open = append(open, a.UserID)
		}
	}
	if len(open) < 4 {
		t.Fatalf("the demo tenant has %d open accounts, want at least 4", len(open))
	}
	work := func(account string, who inventory.Actor, due time.Time) {
		c, err := store.Card(ctx, tenant, account)
		if err != nil {
			t.Fatal(err)
		}
		if c, err = store.MoveCard(ctx, tm.lead, tenant, account, inventory.Planned, c.Version, ""); err != nil {
			t.Fatal(err)
		}
		if c, err = store.Assign(ctx, tm.lead, tenant, account, who.ID, c.Version); err != nil {
			t.Fatal(err)
		}
		if _, err = store.SetDueDate(ctx, tm.lead, tenant, account, due, c.Version); err != nil {
			t.Fatal(err)
		}
	}
	work(open[0], tm.engineer, day(now).AddDate(0, 0, -3))
	work(open[1], tm.engineer, day(now).AddDate(0, 0, 5))
	work(open[2], tm.engineer2, day(now).AddDate(0, 0, 1))
	excepted := open[3]
	c, err := store.Card(ctx, tenant, excepted)
	if err != nil {
		t.Fatal(err)
	}
	if c, err = store.RequestException(ctx, tm.lead, tenant, excepted, exceptionRequest(now, 90), c.Version, now); err != nil {
		t.Fatal(err)
	}
	if _, err = store.DecideException(ctx, tm.lead2, tenant, excepted, true, "agreed", c.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := inventory.Reassess(ctx, store, tenant, inventory.ReassessOptions{Now: now}); err != nil {
		t.Fatal(err)
	}
	return tenant, tm, excepted
}

// The readiness figures equal the assessment's counts for the same moment:
// the rules run again on the stored tenant give the same verdict, the same
// cross-tabulations and the same privileged accounts still open.
func TestReadinessEqualsTheAssessmentOfTheStoredTenant(t *testing.T) {
	store, ctx := newStore(t)
	now := time.Now().UTC()
	tenant, tm, excepted := workedDemo(t, store, 1500, now)

	snap, err := store.LoadSnapshot(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	in, _, err := store.AssessInputs(ctx, tenant, "", now)
	if err != nil {
		t.Fatal(err)
	}
	res := inventory.Assess(snap, in)
	r, err := store.Readiness(ctx, tenant, now)
	if err != nil {
		t.Fatal(err)
	}

	v, want := r.Tenant, res.Tenant
	wantEqual(t, "counts", nonZero(v.Counts), nonZero(want.Counts))
	wantEqual(t, "privileged counts", nonZero(v.PrivilegedCounts), nonZero(want.PrivilegedCounts))
	wantEqual(t, "by category", nonZero(v.ByCategory), nonZero(want.ByCategory))
	wantEqual(t, "by path", nonZero(v.ByPath), nonZero(want.ByPath))
	wantEqual(t, "by marker", nonZero(v.ByMarker), nonZero(want.ByMarker))
	wantEqual(t, "ready", [2]bool{v.Ready, v.PrivilegedReady}, [2]bool{want.Ready, want.PrivilegedReady})
	wantEqual(t, "gaps", v.Gaps, want.Gaps)
	if v.Counts[inventory.Excepted] != 1 {
		t.Errorf("%d accounts excepted, want the 1 with a granted exception", v.Counts[inventory.Excepted])
	}
	sum, err := store.Summary(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "counts against Summary", v.Counts, sum.Counts)

	// The cross-tabulations and the open privileged accounts, built from
	// the assessment itself.
	built := inventory.NewReadiness(want, nil, time.Time{}, now)
	for _, a := range res.Accounts {
		built.Add(inventory.LineFrom(a, inventory.Card{}, time.Time{}))
	}
	built.Finish()
	wantEqual(t, "by category and verdict", nonZeroRows(r.ByCategory), nonZeroRows(built.ByCategory))
	wantEqual(t, "by path and verdict", nonZeroRows(r.ByPath), nonZeroRows(built.ByPath))
	ids := func(lines []inventory.AccountLine) []string {
		out := make([]string, len(lines))
		for i, l := range lines {
			out[i] = l.ID
		}
		slices.Sort(out)
		return out
	}
	if len(r.PrivilegedOpen) == 0 {
		t.Fatal("the demo tenant has no privileged account open; the comparison would prove nothing")
	}
	wantEqual(t, "privileged accounts open", ids(r.PrivilegedOpen), ids(built.PrivilegedOpen))
	for _, l := range r.PrivilegedOpen {
		if l.UserPrincipalName == "" || len(l.Reasons) == 0 {
			t.Fatalf("privileged line %+v lacks its UPN or reasons", l)
		}
	}

	// The board's work: the engineer has two open, one late; the second
	// engineer one, on time.
	wantEqual(t, "overdue by assignee", r.Overdue, []inventory.AssigneeOverdue{
		{Assignee: tm.engineer.Name, Overdue: 1, Open: 2}, {Assignee: tm.engineer2.Name, Overdue: 0, Open: 1}})
	// The exception register.
	if len(r.Exceptions) != 1 || r.Exceptions[0].Status != "Granted" || r.Exceptions[0].DecidedBy != tm.lead2.Name ||
		r.Exceptions[0].Expiry.IsZero() || r.Exceptions[0].UserPrincipalName == "" {
		t.Fatalf("exception register = %+v, want the one granted by %s", r.Exceptions, tm.lead2.Name)
	}
	for _, u := range snap.Users {
		if u.ID == excepted && r.Exceptions[0].UserPrincipalName != u.UserPrincipalName {
			t.Errorf("the register names %s, want %s", r.Exceptions[0].UserPrincipalName, u.UserPrincipalName)
		}
	}
	// The trend ends with today's counts; the projection has been made.
	if n := len(r.Trend); n == 0 || !r.Trend[n-1].Day.Equal(day(now)) || r.Trend[n-1].Open() != inventory.OpenCount(want.Counts) {
		t.Fatalf("trend = %+v, want it to end today with %d open", r.Trend, inventory.OpenCount(want.Counts))
	}
	if r.Projection.Note == "" {
		t.Error("the readiness was not finished: no projection")
	}
}

func nonZeroRows[K comparable](tab map[K]map[inventory.Compliance]int) map[K]map[inventory.Compliance]int {
	out := map[K]map[inventory.Compliance]int{}
	for k, row := range tab {
		if r := nonZero(row); len(r) > 0 {
			out[k] = r
		}
	}
	return out
}

func TestReadinessOfAnUnknownTenant(t *testing.T) {
	store, ctx := newStore(t)
	_, err := store.Readiness(ctx, "no-such-tenant", time.Now())
	wantCode(t, err, inventory.ENOTFOUND)
}

// The deadline and the stored trend reach the readiness: the projection is
// made from them.
func TestReadinessProjectsFromTheStoredTrend(t *testing.T) {
	store, tm, ctx := newBoard(t)
	now := asOf.AddDate(0, 0, 21)
	deadline := time.Date(2027, time.June, 30, 0, 0, 0, 0, time.UTC)
	if err := store.SetDeadline(ctx, tm.lead, tenantID, deadline); err != nil {
		t.Fatal(err)
	}
	// Two weeks ago 12 were open, a week ago 8; today the fixture's 4.
	for i, open := range []int{12, 8} {
		v := inventory.TenantVerdict{Counts: map[inventory.Compliance]int{inventory.NonCompliant: open, inventory.Compliant: 1}}
		if err := store.RecordTrend(ctx, tenantID, now.AddDate(0, 0, -14+7*i), v); err != nil {
			t.Fatal(err)
		}
	}
	r, err := store.Readiness(ctx, tenantID, now)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Deadline.Equal(deadline) {
		t.Errorf("deadline = %v, want %v", r.Deadline, deadline)
	}
	if len(r.Trend) != 4 { // the sync's day, the two recorded, and today
		t.Fatalf("trend = %+v, want 4 points", r.Trend)
	}
	want := inventory.ProjectCompletion(r.Trend, deadline, now)
	if !r.Projection.OK || r.Projection != want || !r.Projection.BeforeDeadline {
		t.Fatalf("projection = %+v, want %+v, before the deadline", r.Projection, want)
	}
}

func TestStreamAccountLinesHonoursTheListsFilters(t *testing.T) {
	store, ctx := newStore(t)
	now := time.Now().UTC()
	tenant, tm, excepted := workedDemo(t, store, 400, now)

	for _, f := range []pg.AccountFilter{
		{},
		{Sort: "-name"},
		{Compliance: string(inventory.NonCompliant)},
		{Category: string(inventory.ServiceAccount), Sort: "compliance"},
		{Path: string(inventory.TenantSplit)},
		{Marker: string(inventory.Privileged)},
		{Query: "son", Sort: "last_sign_in"},
		{Query: "nobody-matches-this"},
	} {
		f.TenantID = tenant
		page := f
		page.Limit = pg.MaxPageSize
		list, err := store.ListAccounts(ctx, page)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		err = store.StreamAccountLines(ctx, f, func(l inventory.AccountLine) error {
			got = append(got, l.ID)
			return nil
		})
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		var want []string
		for _, row := range list.Rows {
			want = append(want, row.ID)
		}
		if list.Total > pg.MaxPageSize {
			t.Fatalf("%+v matches %d accounts, more than a page to compare", f, list.Total)
		}
		wantEqual(t, "accounts streamed for "+f.Query+f.Category+f.Path+f.Compliance+f.Marker+f.Sort, got, want)
	}

	// Every field of a line: the card's work and the exception.
	lines := map[string]inventory.AccountLine{}
	err := store.StreamAccountLines(ctx, pg.AccountFilter{TenantID: tenant}, func(l inventory.AccountLine) error {
		lines[l.ID] = l
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if l := lines[excepted]; l.Compliance != inventory.Excepted || l.Status != inventory.ExceptionGranted ||
		l.ExceptionExpiry.Sub(now.AddDate(0, 0, 90)).Abs() > time.Millisecond {
		t.Errorf("excepted account's line = %+v, want excepted, granted, expiring in 90 days", l)
	}
	assigned := 0
	for _, l := range lines {
		if l.Assignee == tm.engineer.Name {
			assigned++
			if l.Status != inventory.Planned || l.DueDate.IsZero() {
				t.Errorf("assigned line %+v lacks its status or due date", l)
			}
		}
	}
	if assigned != 2 {
		t.Errorf("%d lines assigned to %s, want 2", assigned, tm.engineer.Name)
	}

	// The caller's error stops the stream and comes back as it is.
	stop := errors.New("the client went away")
	n := 0
	err = store.StreamAccountLines(ctx, pg.AccountFilter{TenantID: tenant}, func(inventory.AccountLine) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 || err.Error() != stop.Error() {
		t.Errorf("stream stopped after %d rows with %v, want 1 row and the caller's error", n, err)
	}
	err = store.StreamAccountLines(ctx, pg.AccountFilter{TenantID: tenant, Sort: "shoe size"}, func(inventory.AccountLine) error { return nil })
	wantCode(t, err, inventory.EINVALID)
}

// An account gone from the tenant is streamed only when the list would show
// it, and in the list's place.
func TestStreamAccountLinesOfRemovedAccounts(t *testing.T) {
	store, ctx, full := syncedFixture(t)
	applySync(t, store, without(full, "u-carol"), "")
	for _, f := range []pg.AccountFilter{
		{TenantID: tenantID},
		{TenantID: tenantID, IncludeRemoved: true, Sort: "name"},
		{TenantID: tenantID, IncludeRemoved: true, Sort: "-upn"},
	} {
		var got []string
		err := store.StreamAccountLines(ctx, f, func(l inventory.AccountLine) error {
			got = append(got, l.ID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		page, err := store.ListAccounts(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, r := range page.Rows {
			want = append(want, r.ID)
		}
		wantEqual(t, "accounts streamed, removed included "+f.Sort, got, want)
		if f.IncludeRemoved != slices.Contains(got, "u-carol") {
			t.Errorf("%+v: carol, who left, streamed: %v", f, slices.Contains(got, "u-carol"))
		}
	}
}
