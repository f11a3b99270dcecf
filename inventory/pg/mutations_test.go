package pg_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// The mutations of settings, delivery, users and the exports check who may
// and write their audit event in the store's transaction (the card actions'
// tests are in cards_test.go).

// settingsLead is a security lead changing settings: the store checks the
// role the actor holds, not that they are a stored user.
var settingsLead = inventory.Actor{ID: "lead-1", Name: "Dana Lead", Role: inventory.SecurityLead}

// tenantEvents returns the tenant's events of action, oldest first.
func tenantEvents(t *testing.T, store *pg.Store, action string) []pg.AuditEvent {
	t.Helper()
	var out []pg.AuditEvent
	err := store.StreamAudit(t.Context(), pg.AuditFilter{TenantID: tenantID, Action: action}, func(e pg.AuditEvent) error {
		out = append(out, e)
		return nil
	})
	if err != nil {
		t.Fatalf("audit %s: %v", action, err)
	}
	return out
}

func TestSettingsSaveIsCheckedAndRecorded(t *testing.T) {
	store, tm, ctx := newBoard(t)
	before, err := store.TenantSettings(ctx, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	st := before
	st.Kind = inventory.KindCSP
	st.RoomPatterns = []string{"mtr", "boardroom"}
	st.Window = 14 * 24 * time.Hour

	for _, a := range []inventory.Actor{tm.engineer, tm.manager, inventory.SyncActor, inventory.CLIActor, {}} {
		wantCode(t, store.SaveTenantSettings(ctx, a, tenantID, st), inventory.EFORBIDDEN)
	}
	if got, _ := store.TenantSettings(ctx, tenantID); got.Kind != before.Kind || got.Window != before.Window {
		t.Fatalf("a refused save changed the settings to %+v", got)
	}

	if err := store.SaveTenantSettings(ctx, tm.lead, tenantID, st); err != nil {
		t.Fatal(err)
	}
	// The same settings again, and a save without a kind (which keeps it):
	// nothing changes, nothing is recorded.
	if err := store.SaveTenantSettings(ctx, tm.lead, tenantID, st); err != nil {
		t.Fatal(err)
	}
	same := st
	same.Kind = ""
	if err := store.SaveTenantSettings(ctx, tm.lead2, tenantID, same); err != nil {
		t.Fatal(err)
	}
	got := tenantEvents(t, store, inventory.ActionSettings)
	if len(got) != 1 || got[0].ActorID != tm.lead.ID || got[0].ActorName != tm.lead.Name ||
		got[0].From != string(before.Kind) || got[0].To != "csp" ||
		got[0].Reason != "changed kind "+string(before.Kind)+" → csp, room patterns, window" {
		t.Fatalf("settings events: %+v", got)
	}
	if saved, _ := store.TenantSettings(ctx, tenantID); saved.Kind != inventory.KindCSP || saved.Window != st.Window {
		t.Fatalf("saved settings: %+v", saved)
	}
}

func TestDeliveryIsCheckedAndRecorded(t *testing.T) {
	store, tm, ctx := newBoard(t)
	now := time.Now().UTC()
	st := inventory.DeliverySettings{Enabled: true, Schedule: inventory.DeliverySchedule{Weekday: time.Monday, Hour: 8},
		Mail:    inventory.DeliveryMail{Host: "127.0.0.1", Port: 2525, From: "mfaboard@partner.example", To: []string{"ceo@partner.example"}},
		Webhook: "https://hooks.slack.com/services/T/B/SECRETPATH"}

	// Nothing to send before anything is set up.
	if _, _, err := store.DeliveryToSend(ctx, tm.lead, tenantID, now); inventory.ErrorCode(err) != inventory.EINVALID ||
		!strings.Contains(inventory.ErrorMessage(err), "Nothing to send to yet") {
		t.Fatalf("send with nothing set up: %v", err)
	}
	for _, a := range []inventory.Actor{tm.engineer, tm.manager, inventory.CLIActor, {}} {
		wantCode(t, store.SaveDeliverySettings(ctx, a, tenantID, st), inventory.EFORBIDDEN)
		_, _, err := store.DeliveryToSend(ctx, a, tenantID, now)
		wantCode(t, err, inventory.EFORBIDDEN)
		wantCode(t, store.RecordDeliverySent(ctx, a, tenantID, now, inventory.DeliveryOutcome{Sent: []string{"forged"}}), inventory.EFORBIDDEN)
	}
	if got, _ := store.DeliverySettings(ctx, tenantID); got.Enabled || got.Webhook != "" {
		t.Fatalf("a refused save was stored: %+v", got.Enabled)
	}

	if err := store.SaveDeliverySettings(ctx, tm.lead, tenantID, st); err != nil {
		t.Fatal(err)
	}
	saved, r, err := store.DeliveryToSend(ctx, tm.lead, tenantID, now)
	if err != nil || r == nil || saved.Webhook != st.Webhook || saved.UpdatedBy != tm.lead.Name {
		t.Fatalf("to send: %+v %v %v", saved.UpdatedBy, r, err)
	}
	o := inventory.DeliveryOutcome{Sent: []string{"posted the summary to Slack (hooks.slack.com)"}}
	if err := store.RecordDeliverySent(ctx, tm.lead, tenantID, now, o); err != nil {
		t.Fatal(err)
	}
	if got, _ := store.DeliverySettings(ctx, tenantID); got.LastOutcome != o.String() || got.LastFailed {
		t.Fatalf("outcome kept as %q", got.LastOutcome)
	}
	saves, sent := tenantEvents(t, store, inventory.ActionDeliverySettings), tenantEvents(t, store, inventory.ActionDeliverySent)
	if len(saves) != 1 || saves[0].ActorID != tm.lead.ID || saves[0].From != "off" || saves[0].To != "on" ||
		!strings.Contains(saves[0].Reason, "hooks.slack.com") || strings.Contains(saves[0].Reason, "SECRET") {
		t.Errorf("save events: %+v", saves)
	}
	if len(sent) != 1 || sent[0].ActorID != tm.lead.ID || sent[0].Reason != o.String() {
		t.Errorf("send events: %+v", sent)
	}
}

// exportCase is one export, run by actor; rows counts what it handed over.
type exportCase struct {
	what string
	run  func(ctx context.Context, store *pg.Store, actor inventory.Actor) (rows int, err error)
}

var exportCases = []exportCase{
	{pg.ExportReadinessPDF, func(ctx context.Context, store *pg.Store, a inventory.Actor) (int, error) {
		r, err := store.ExportReadiness(ctx, a, tenantID, asOf)
		if r == nil {
			return 0, err
		}
		return 1, err
	}},
	{pg.ExportWorkbook, func(ctx context.Context, store *pg.Store, a inventory.Actor) (int, error) {
		n := 0
		err := store.ExportWorkbook(ctx, a, tenantID, asOf, func(r *inventory.Readiness, accounts func(func(inventory.AccountLine) error) error) error {
			n++
			return accounts(func(inventory.AccountLine) error { n++; return nil })
		})
		return n, err
	}},
	{pg.ExportAccountsCSV, func(ctx context.Context, store *pg.Store, a inventory.Actor) (int, error) {
		n := 0
		err := store.ExportAccountLines(ctx, a, pg.AccountFilter{TenantID: tenantID}, func(inventory.AccountLine) error { n++; return nil })
		return n, err
	}},
	{pg.ExportAuditCSV, func(ctx context.Context, store *pg.Store, a inventory.Actor) (int, error) {
		n := 0
		err := store.ExportAudit(ctx, a, pg.AuditFilter{TenantID: tenantID}, func(pg.AuditEvent) error { n++; return nil })
		return n, err
	}},
	{pg.ExportSplitCSV, func(ctx context.Context, store *pg.Store, a inventory.Actor) (int, error) {
		_, err := store.ExportSplitPlan(ctx, a, tenantID)
		return 0, err
	}},
}

func TestExportsAreCheckedAndRecorded(t *testing.T) {
	store, tm, ctx := newBoard(t)
	for _, ex := range exportCases {
		for _, a := range []inventory.Actor{inventory.SyncActor, {}} {
			if n, err := ex.run(ctx, store, a); inventory.ErrorCode(err) != inventory.EFORBIDDEN || n != 0 {
				t.Errorf("%s by %q: %d rows, %v; want EFORBIDDEN and nothing", ex.what, a.Name, n, err)
			}
		}
		// Management in the dashboard, and the command line (mfaboard
		// report): both are recorded as who they are.
		for _, a := range []inventory.Actor{tm.manager, inventory.CLIActor} {
			if _, err := ex.run(ctx, store, a); err != nil {
				t.Errorf("%s by %s: %v", ex.what, a.Name, err)
			}
		}
	}
	var got []string
	for _, e := range tenantEvents(t, store, inventory.ActionExport) {
		got = append(got, e.ActorID+" "+e.To)
	}
	var want []string
	for _, w := range []string{pg.ExportReadinessPDF, pg.ExportWorkbook, pg.ExportAccountsCSV, pg.ExportAuditCSV, pg.ExportSplitCSV} {
		want = append(want, tm.manager.ID+" "+w, inventory.CLIActor.ID+" "+w)
	}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("exports recorded: %q, want %q", got, want)
	}
}

// A change whose audit event cannot be written is not made: the event and
// the change commit together or not at all. The test's own database gets a
// trigger that refuses every new event; each mutation must then fail with
// the trigger's refusal and leave everything as it was.
func TestAFailedAuditWriteRollsTheChangeBack(t *testing.T) {
	store, tm, ctx := newBoard(t)
	if err := store.SaveDeliverySettings(ctx, tm.lead, tenantID, inventory.DeliverySettings{Schedule: inventory.WeeklyDelivery,
		Mail: inventory.DeliveryMail{Port: 587}, Webhook: "https://hooks.slack.com/services/T/B/X"}); err != nil {
		t.Fatal(err)
	}
	eng, err := store.UserByID(ctx, tm.engineer.ID)
	if err != nil {
		t.Fatal(err)
	}
	settings, _ := store.TenantSettings(ctx, tenantID)
	delivery, _ := store.DeliverySettings(ctx, tenantID)
	c := card(t, store, "u-bob")
	_, eventsBefore, err := store.Audit(ctx, pg.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}

	if _, err := store.Pool().Exec(ctx, `
		CREATE FUNCTION refuse_events() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'the test refuses audit events'; END $$;
		CREATE TRIGGER refuse_events BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_events();`); err != nil {
		t.Fatal(err)
	}
	changed := settings
	changed.Kind, changed.Window = inventory.KindCSP, 7*24*time.Hour
	newDelivery := delivery
	newDelivery.Enabled, newDelivery.Schedule.Hour = true, 6
	cases := []struct {
		name      string
		change    func() error
		unchanged func() bool
	}{
		{"settings", func() error { return store.SaveTenantSettings(ctx, tm.lead, tenantID, changed) }, func() bool {
			got, err := store.TenantSettings(ctx, tenantID)
			return err == nil && got.Kind == settings.Kind && got.Window == settings.Window
		}},
		{"settings with the verdicts they cause", func() error {
			_, err := inventory.Reassess(ctx, store, tenantID, inventory.ReassessOptions{Change: inventory.SettingsChange{Actor: tm.lead, Settings: changed}})
			return err
		}, func() bool {
			got, err := store.TenantSettings(ctx, tenantID)
			return err == nil && got.Kind == settings.Kind && got.Window == settings.Window
		}},
		{"delivery settings", func() error { return store.SaveDeliverySettings(ctx, tm.lead, tenantID, newDelivery) }, func() bool {
			got, err := store.DeliverySettings(ctx, tenantID)
			return err == nil && !got.Enabled && got.Schedule == delivery.Schedule && got.UpdatedAt.Equal(delivery.UpdatedAt)
		}},
		{"delivery sent", func() error {
			return store.RecordDeliverySent(ctx, tm.lead, tenantID, asOf, inventory.DeliveryOutcome{Sent: []string{"posted"}})
		}, func() bool {
			got, err := store.DeliverySettings(ctx, tenantID)
			return err == nil && got.LastSent.IsZero() && got.LastOutcome == ""
		}},
		{"add a user", addUser(ctx, store, tm.lead, "new@example.com"), noUser(ctx, store, "new@example.com")},
		{"add a user at the command line", addUser(ctx, store, inventory.CLIActor, "cli@example.com"), noUser(ctx, store, "cli@example.com")},
		{"reset a password", func() error { _, err := store.SetPassword(ctx, tm.lead, eng.ID, "stolen"); return err }, userIs(ctx, store, eng)},
		{"change a role", func() error { return store.SetUserRole(ctx, tm.lead, eng.ID, inventory.SecurityLead) }, userIs(ctx, store, eng)},
		{"disable a user", func() error { return store.SetUserDisabled(ctx, tm.lead, eng.ID, true) }, userIs(ctx, store, eng)},
		{"move a card", func() error {
			_, err := store.MoveCard(ctx, tm.lead, tenantID, c.AccountID, inventory.Planned, c.Version, "")
			return err
		}, func() bool { return card(t, store, c.AccountID).Version == c.Version }},
		{"set the deadline", func() error { return store.SetDeadline(ctx, tm.lead, tenantID, asOf.AddDate(1, 0, 0)) }, func() bool {
			d, err := store.Deadline(ctx, tenantID)
			return err == nil && d.IsZero()
		}},
	}
	for _, ex := range exportCases {
		rows := 0
		cases = append(cases, struct {
			name      string
			change    func() error
			unchanged func() bool
		}{"export " + ex.what, func() error {
			var err error
			rows, err = ex.run(ctx, store, tm.manager)
			return err
		}, func() bool { return rows == 0 }})
	}
	for _, tc := range cases {
		err := tc.change()
		if err == nil || !strings.Contains(err.Error(), "the test refuses audit events") {
			t.Errorf("%s: %v, want the trigger's refusal", tc.name, err)
		}
		if !tc.unchanged() {
			t.Errorf("%s: changed (or exported) although its audit event was refused", tc.name)
		}
	}
	if _, n, err := store.Audit(ctx, pg.AuditFilter{}); err != nil || n != eventsBefore {
		t.Fatalf("%d events, want %d (%v)", n, eventsBefore, err)
	}

	// Without the trigger, the same change goes through: it was the refused
	// event that stopped it.
	if _, err := store.Pool().Exec(ctx, `DROP TRIGGER refuse_events ON audit_events`); err != nil {
		t.Fatal(err)
	}
	if err := store.SaveTenantSettings(ctx, tm.lead, tenantID, changed); err != nil {
		t.Fatal(err)
	}
	if got := tenantEvents(t, store, inventory.ActionSettings); len(got) != 1 {
		t.Fatalf("settings events after the trigger went: %+v", got)
	}
}

// addUser adds an engineer with the e-mail as actor.
func addUser(ctx context.Context, store *pg.Store, actor inventory.Actor, email string) func() error {
	return func() error {
		_, err := store.CreateUser(ctx, actor, email, "", inventory.Engineer, fakeHash)
		return err
	}
}

// noUser reports whether nobody has the e-mail.
func noUser(ctx context.Context, store *pg.Store, email string) func() bool {
	return func() bool {
		_, _, err := store.UserByEmail(ctx, email)
		return inventory.ErrorCode(err) == inventory.ENOTFOUND
	}
}

// userIs reports whether the user is still as u was.
func userIs(ctx context.Context, store *pg.Store, u pg.User) func() bool {
	return func() bool {
		got, err := store.UserByID(ctx, u.ID)
		return err == nil && got == u
	}
}
