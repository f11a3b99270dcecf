package pg_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// The rules of package inventory that the store applies in SQL, run both
// ways on the same rows: the SQL on a real PostgreSQL, the Go rule on the
// rows as the test wrote them. A row on which they differ fails the test by
// name. The rows are written straight into the tables, so each case is
// exactly the one named, whatever a sync would make of it.

const rulesTenant = "rules-tenant"

// rulesDB is a fresh database (newStore's) with one synced tenant and a
// person to have requested exceptions. The tests write their rows through
// the store's pool.
func rulesDB(t *testing.T) (*pg.Store, string) {
	t.Helper()
	store, ctx := newStore(t)
	var requester string
	err := store.Pool().QueryRow(ctx, `
		WITH t AS (INSERT INTO tenants (id, display_name, last_synced_at) VALUES ($1, 'Rules', now()))
		INSERT INTO app_users (email, display_name, role, password_hash)
		VALUES ('lead@example.com', 'Lead', 'security_lead', 'x') RETURNING id`, rulesTenant).Scan(&requester)
	if err != nil {
		t.Fatal(err)
	}
	return store, requester
}

// ruleCard is a card as the rules read it.
type ruleCard struct {
	id         string
	status     inventory.Status
	due        time.Time // zero: none
	compliance inventory.Compliance
	category   inventory.Category
	path       inventory.Path
	markers    []inventory.Marker
	removed    bool // the account is gone from the tenant
}

// insertCards writes the cards, their accounts and their assessments.
func insertCards(t *testing.T, store *pg.Store, requester string, cards []ruleCard) {
	t.Helper()
	ctx := t.Context()
	for _, c := range cards {
		var (
			due       *time.Time
			requested *string
			removed   *time.Time
		)
		if !c.due.IsZero() {
			due = &c.due
		}
		if c.status == inventory.ExceptionRequested || c.status == inventory.ExceptionGranted {
			requested = &requester
		}
		if c.removed {
			now := time.Now()
			removed = &now
		}
		markers := make([]string, len(c.markers))
		for i, m := range c.markers {
			markers[i] = string(m)
		}
		_, err := store.Pool().Exec(ctx, `
			WITH a AS (
				INSERT INTO accounts (tenant_id, id, upn, account_enabled, first_seen_run, last_seen_run, removed_at)
				VALUES ($1, $2, $2 || '@example.com', true, 1, 1, $9)
			), s AS (
				INSERT INTO assessments (tenant_id, account_id, run_id, category, auto_category, markers, path,
				                         auto_path, compliance, assessed_at)
				VALUES ($1, $2, 1, $5, $5, $8, $6, $6, $7, now())
			)
			INSERT INTO cards (tenant_id, account_id, status, due_date, updated_by, exception_requester,
			                   upn, upn_key, category, path, compliance, markers, active)
			VALUES ($1, $2, $3, $4, 'test', $10, $2 || '@example.com', $2, $5, $6, $7, $8, $9::timestamptz IS NULL)`,
			rulesTenant, c.id, string(c.status), due, string(c.category), string(c.path), string(c.compliance),
			markers, removed, requested)
		if err != nil {
			t.Fatalf("insert %s: %v", c.id, err)
		}
	}
}

// TestRulesAgreeOverdue runs the board's overdue filter (SQL) and
// inventory.Overdue (Go) on a card of every status due yesterday, today,
// tomorrow and never, at a moment in the middle of a UTC day and at one
// just before its end seen from a zone east of UTC.
func TestRulesAgreeOverdue(t *testing.T) {
	store, requester := rulesDB(t)
	day := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	dues := []struct {
		name string
		day  time.Time
	}{{"due yesterday", day.AddDate(0, 0, -1)}, {"due today", day}, {"due tomorrow", day.AddDate(0, 0, 1)}, {"no due date", time.Time{}}}
	var cards []ruleCard
	for _, s := range inventory.Statuses {
		for i, d := range dues {
			cards = append(cards, ruleCard{id: fmt.Sprintf("%s-%d", s, i), status: s, due: d.day,
				compliance: inventory.NonCompliant, category: inventory.OfficeWorker, path: inventory.MFAEnrolment})
		}
	}
	insertCards(t, store, requester, cards)
	name := map[string]string{}
	for _, c := range cards {
		name[c.id] = fmt.Sprintf("%s, %s", c.status, dues[c.id[len(c.id)-1]-'0'].name)
	}

	for _, now := range []time.Time{
		day.Add(9*time.Hour + 30*time.Minute),
		time.Date(2026, 11, 3, 0, 30, 0, 0, time.FixedZone("CET", 3600)), // 23:30 UTC on the 2nd
	} {
		t.Run(now.Format(time.RFC3339), func(t *testing.T) {
			filtered := boardIDs(t, store, pg.BoardFilter{TenantID: rulesTenant, Overdue: true, Now: now})
			all, err := store.Board(t.Context(), pg.BoardFilter{TenantID: rulesTenant, Now: now}, 100, nil)
			if err != nil {
				t.Fatal(err)
			}
			shown := map[string]bool{} // the board's Overdue mark, set by the Go rule
			for _, col := range all.Columns {
				for _, bc := range col.Cards {
					shown[bc.AccountID] = bc.Overdue
				}
			}
			late := 0
			for _, c := range cards {
				want := inventory.Overdue(c.status, c.due, now)
				if filtered[c.id] != want {
					t.Errorf("%s: the SQL filter keeps it: %v, inventory.Overdue: %v", name[c.id], filtered[c.id], want)
				}
				if shown[c.id] != want {
					t.Errorf("%s: the board marks it overdue: %v, inventory.Overdue: %v", name[c.id], shown[c.id], want)
				}
				if want {
					late++
				}
			}
			if late != 4 { // triage, planned, in progress, blocked, due yesterday
				t.Errorf("%d cards are late, want 4: the table does not cover the rule", late)
			}
		})
	}
}

// boardIDs is the set of cards a board filter keeps.
func boardIDs(t *testing.T, store *pg.Store, f pg.BoardFilter) map[string]bool {
	t.Helper()
	b, err := store.Board(t.Context(), f, 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, col := range b.Columns {
		for _, c := range col.Cards {
			ids[c.AccountID] = true
		}
	}
	return ids
}

// countCases are accounts of every verdict, with no marker, each
// privileged marker alone and together, and other markers only, in
// categories and paths taken in turn; every seventh is gone from the
// tenant and counts nowhere.
func countCases() []ruleCard {
	markerSets := [][]inventory.Marker{nil, {inventory.Privileged}, {inventory.BreakGlass},
		{inventory.Privileged, inventory.BreakGlass}, {inventory.LegacyAuth, inventory.SMSVoiceOnly},
		{inventory.DirectorySync, inventory.Privileged}}
	var cards []ruleCard
	for _, c := range inventory.Compliances {
		for _, ms := range markerSets {
			i := len(cards)
			cards = append(cards, ruleCard{id: fmt.Sprintf("acct-%02d", i), status: inventory.Statuses[i%len(inventory.Statuses)],
				compliance: c, category: inventory.Categories[i%len(inventory.Categories)],
				path: inventory.Paths[i%len(inventory.Paths)], markers: ms, removed: i%7 == 3})
		}
	}
	return cards
}

// countInGo counts the accounts still in the tenant with the Go rules.
func countInGo(cards []ruleCard) inventory.TenantVerdict {
	v := inventory.NewTenantVerdict(rulesTenant)
	for _, c := range cards {
		if !c.removed {
			v.Count(c.compliance, c.category, c.path, c.markers, 1)
		}
	}
	return v
}

// TestRulesAgreeCounts counts the same accounts four ways: in Go
// (TenantVerdict.Count), in the summary's SQL (countVerdicts), in the
// readiness figures (groups read in SQL, counted in Go) and in the daily
// trend's SQL (SnapshotTrends), privileged accounts apart.
func TestRulesAgreeCounts(t *testing.T) {
	store, requester := rulesDB(t)
	ctx := t.Context()
	cards := countCases()
	insertCards(t, store, requester, cards)
	want := countInGo(cards)
	if inventory.OpenCount(want.PrivilegedCounts) == 0 || want.PrivilegedReady || want.ByMarker[inventory.BreakGlass] == 0 {
		t.Fatalf("the cases miss a privileged account still open: %+v", want)
	}

	summary, err := pg.CountVerdicts(ctx, store, rulesTenant)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "summary SQL: by verdict", summary.Counts, want.Counts)
	wantEqual(t, "summary SQL: by category", summary.ByCategory, want.ByCategory)
	wantEqual(t, "summary SQL: by path", summary.ByPath, want.ByPath)
	wantEqual(t, "summary SQL: by marker", summary.ByMarker, want.ByMarker)

	r, err := store.Readiness(ctx, rulesTenant, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "readiness: by verdict", r.Tenant.Counts, want.Counts)
	wantEqual(t, "readiness: by category", r.Tenant.ByCategory, want.ByCategory)
	wantEqual(t, "readiness: by path", r.Tenant.ByPath, want.ByPath)
	wantEqual(t, "readiness: by marker", r.Tenant.ByMarker, want.ByMarker)
	wantEqual(t, "readiness: privileged by verdict", r.Tenant.PrivilegedCounts, want.PrivilegedCounts)
	wantEqual(t, "readiness: privileged ready", r.Tenant.PrivilegedReady, want.PrivilegedReady)
	wantEqual(t, "readiness: ready", r.Tenant.Ready, inventory.Ready(want.Counts))

	if _, err := store.SnapshotTrends(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	var day struct{ nc, ar, ex, ok, na, app, pnc, par, papp int }
	err = store.Pool().QueryRow(ctx, `
		SELECT non_compliant, at_risk, excepted, compliant, not_applicable, applicable,
		       privileged_non_compliant, privileged_at_risk, privileged_applicable
		FROM tenant_counts_daily WHERE tenant_id = $1`, rulesTenant).
		Scan(&day.nc, &day.ar, &day.ex, &day.ok, &day.na, &day.app, &day.pnc, &day.par, &day.papp)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "trend SQL: by verdict", map[inventory.Compliance]int{inventory.NonCompliant: day.nc, inventory.AtRisk: day.ar,
		inventory.Excepted: day.ex, inventory.Compliant: day.ok, inventory.NotApplicable: day.na}, want.Counts)
	wantEqual(t, "trend SQL: applicable", day.app, inventory.ApplicableCount(want.Counts))
	p := want.PrivilegedCounts
	wantEqual(t, "trend SQL: privileged", [3]int{day.pnc, day.par, day.papp},
		[3]int{p[inventory.NonCompliant], p[inventory.AtRisk], inventory.ApplicableCount(p)})
	wantEqual(t, "trend SQL: privileged ready", day.pnc+day.par == 0, want.PrivilegedReady)
}

// TestRulesAgreePrivilegedOpen runs the readiness report's selection of the
// privileged accounts still open (SQL) and inventory.IsPrivilegedOpen (Go)
// on every verdict with every kind of marker, row by row, and checks the
// report lists exactly those.
func TestRulesAgreePrivilegedOpen(t *testing.T) {
	store, requester := rulesDB(t)
	ctx := t.Context()
	cards := countCases()
	insertCards(t, store, requester, cards)

	rows, err := store.Pool().Query(ctx, `SELECT c.account_id FROM cards c WHERE c.tenant_id = $1 AND `+pg.PrivilegedOpenSQL, rulesTenant)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	r, err := store.Readiness(ctx, rulesTenant, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, l := range r.PrivilegedOpen {
		listed[l.ID] = true
	}
	open := 0
	for _, c := range cards {
		want := inventory.IsPrivilegedOpen(c.markers, c.compliance)
		if got := slices.Contains(ids, c.id); got != want {
			t.Errorf("%s (%s, markers %v): the SQL selects it: %v, inventory.IsPrivilegedOpen: %v", c.id, c.compliance, c.markers, got, want)
		}
		if want = want && !c.removed; listed[c.id] != want {
			t.Errorf("%s (%s, markers %v, removed %v): the readiness report lists it: %v, want %v",
				c.id, c.compliance, c.markers, c.removed, listed[c.id], want)
		}
		if want {
			open++
		}
	}
	if open == 0 || open == len(cards) {
		t.Errorf("%d of %d accounts are privileged and open: the table does not cover the rule", open, len(cards))
	}
}

// TestRulesAgreeMovePlan checks that the store writes each kind of move as
// inventory.PlanMove names it: the audit action, and what becomes of the
// card's exception (the SQL of applyMoves special-cases a rejection, which
// records the decision).
func TestRulesAgreeMovePlan(t *testing.T) {
	store, leadID := rulesDB(t)
	ctx := t.Context()
	var engID string
	err := store.Pool().QueryRow(ctx, `INSERT INTO app_users (email, display_name, role, password_hash)
		VALUES ('eng@example.com', 'Eng', 'engineer', 'x') RETURNING id`).Scan(&engID)
	if err != nil {
		t.Fatal(err)
	}
	lead := inventory.Actor{ID: leadID, Name: "Lead", Role: inventory.SecurityLead}
	eng := inventory.Actor{ID: engID, Name: "Eng", Role: inventory.Engineer}
	tests := []struct {
		name      string
		status    inventory.Status
		exception string // the exception on record before the move, "" for none
		actor     inventory.Actor
		to        inventory.Status
	}{
		{"an ordinary move", inventory.Planned, "", lead, inventory.InProgress},
		{"the requester withdraws", inventory.ExceptionRequested, inventory.ExceptionStateRequested, eng, inventory.Planned},
		{"a lead rejects", inventory.ExceptionRequested, inventory.ExceptionStateRequested, lead, inventory.Planned},
		{"a lead revokes", inventory.ExceptionGranted, inventory.ExceptionStateGranted, lead, inventory.Planned},
		{"the expiry expires", inventory.ExceptionGranted, inventory.ExceptionStateGranted, inventory.ExpiryActor, inventory.Planned},
	}
	for i, tt := range tests {
		id := fmt.Sprintf("move-%d", i)
		_, err := store.Pool().Exec(ctx, `
			WITH c AS (
				INSERT INTO cards (tenant_id, account_id, status, updated_by, exception_requester, assignee_id)
				VALUES ($1, $2, $3, 'test', CASE WHEN $4 <> '' THEN $5::uuid END, $5::uuid)
			)
			INSERT INTO exceptions (tenant_id, account_id, requested_by, justification, compensating_controls,
			                        expiry_requested, status, decided_at)
			SELECT $1, $2, $5::uuid, 'a room device cannot do MFA', 'a named location', now() - interval '1 day', $4,
			       CASE WHEN $4 = 'granted' THEN now() END
			WHERE $4 <> ''`, rulesTenant, id, string(tt.status), tt.exception, engID)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		before, err := store.Card(ctx, rulesTenant, id)
		if err != nil {
			t.Fatal(err)
		}
		want, err := inventory.PlanMove(tt.actor, before, tt.to, "why "+tt.name)
		if err != nil {
			t.Fatalf("%s: the plan refuses it: %v", tt.name, err)
		}
		if tt.actor.System {
			_, err = store.ExpireExceptions(ctx, time.Now())
		} else {
			_, err = store.MoveCard(ctx, tt.actor, rulesTenant, id, tt.to, before.Version, want.Reason)
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}

		var action, from, to, reason string
		err = store.Pool().QueryRow(ctx, `SELECT action, from_value, to_value, reason FROM audit_events
			WHERE account_id = $1 ORDER BY id DESC LIMIT 1`, id).Scan(&action, &from, &to, &reason)
		if err != nil {
			t.Fatalf("%s: the audit event: %v", tt.name, err)
		}
		if action != want.Action || from != string(want.From) || to != string(want.To) || (!tt.actor.System && reason != want.Reason) {
			t.Errorf("%s: recorded %s %s → %s (%q), the plan says %s %s → %s (%q)",
				tt.name, action, from, to, reason, want.Action, want.From, want.To, want.Reason)
		}
		if tt.exception == "" {
			continue
		}
		var status, decidedBy, note string
		var ended bool
		err = store.Pool().QueryRow(ctx, `SELECT status, coalesce(decided_by::text, ''), decision_note, ended_at IS NOT NULL
			FROM exceptions WHERE account_id = $1`, id).Scan(&status, &decidedBy, &note, &ended)
		if err != nil {
			t.Fatalf("%s: the exception: %v", tt.name, err)
		}
		rejected := want.ExceptionEnd == inventory.ExceptionStateRejected
		if status != want.ExceptionEnd || ended == rejected || (rejected && (decidedBy != lead.ID || note != want.Reason)) {
			t.Errorf("%s: the exception is %s (ended %v, decided by %q, note %q), the plan ends it %s",
				tt.name, status, ended, decidedBy, note, want.ExceptionEnd)
		}
	}
}

// TestRulesAgreeBoardOrder runs the board's order (cardRankSQL into
// cards.rank, then the columns' ORDER BY, walked and gathered) and
// inventory.CompareCards (Go) on cards of every verdict, with and without
// a privileged marker, due or not, whose UPNs differ in case, and checks
// each column lists them in the same order.
func TestRulesAgreeBoardOrder(t *testing.T) {
	store, requester := rulesDB(t)
	ctx := t.Context()
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	markerSets := [][]inventory.Marker{nil, {inventory.BreakGlass}, {inventory.LegacyAuth}, {inventory.Privileged, inventory.DirectorySync}}
	var cards []ruleCard
	for i := range 60 {
		c := ruleCard{id: fmt.Sprintf("ord-%02d", i), status: []inventory.Status{inventory.Triage, inventory.Planned}[i%2],
			compliance: inventory.Compliances[i%len(inventory.Compliances)], markers: markerSets[i/3%len(markerSets)],
			category: inventory.OfficeWorker, path: inventory.MFAEnrolment}
		if i%4 != 0 {
			c.due = day.AddDate(0, 0, (i*7)%5)
		}
		cards = append(cards, c)
	}
	insertCards(t, store, requester, cards)
	// Mixed case: the order ignores it.
	if _, err := store.Pool().Exec(ctx, `UPDATE cards SET upn = CASE WHEN account_id < 'ord-30' THEN upper(upn) ELSE upn END,
		upn_key = lower(upn) WHERE tenant_id = $1`, rulesTenant); err != nil {
		t.Fatal(err)
	}
	rows, err := store.Pool().Query(ctx, `SELECT s.account_id, `+pg.CardRankSQL+` FROM assessments s WHERE s.tenant_id = $1`, rulesTenant)
	if err != nil {
		t.Fatal(err)
	}
	ranks := map[string]int{}
	for rows.Next() {
		var (
			id   string
			rank int
		)
		if err := rows.Scan(&id, &rank); err != nil {
			t.Fatal(err)
		}
		ranks[id] = rank
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	seen := map[int]bool{}
	for _, c := range cards {
		want := inventory.BoardRank(c.markers, c.compliance)
		if ranks[c.id] != want {
			t.Errorf("%s (%s, markers %v): the SQL ranks it %d, inventory.BoardRank %d", c.id, c.compliance, c.markers, ranks[c.id], want)
		}
		seen[want] = true
	}
	if len(seen) != 6 {
		t.Fatalf("the cases reach %d of the 6 ranks", len(seen))
	}
	if _, err := store.Pool().Exec(ctx, `UPDATE cards c SET rank = `+pg.CardRankSQL+` FROM assessments s
		WHERE s.tenant_id = c.tenant_id AND s.account_id = c.account_id`); err != nil {
		t.Fatal(err)
	}

	want := map[inventory.Status][]string{}
	byStatus := map[inventory.Status][]inventory.Card{}
	for _, c := range cards {
		byStatus[c.status] = append(byStatus[c.status], inventory.Card{AccountID: c.id, DueDate: c.due,
			UserPrincipalName: c.id + "@example.com", Compliance: c.compliance, Markers: c.markers})
	}
	for st, cs := range byStatus {
		slices.SortFunc(cs, inventory.CompareCards)
		for _, c := range cs {
			want[st] = append(want[st], c.AccountID)
		}
	}
	for _, how := range []string{"walk", "gather"} {
		restore := pg.ReadBoardBy(how)
		b, err := store.Board(ctx, pg.BoardFilter{TenantID: rulesTenant}, 100, nil)
		restore()
		if err != nil {
			t.Fatal(err)
		}
		for _, col := range b.Columns {
			var got []string
			for _, c := range col.Cards {
				got = append(got, c.AccountID)
			}
			if !slices.Equal(got, want[col.Status]) {
				t.Errorf("read by %s, %s in the store's order:\n %v\ninventory.CompareCards:\n %v", how, col.Status, got, want[col.Status])
			}
		}
	}
}
