package main

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph"
	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web/deliver/delivertest"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// serve's job queue (schedule.go) as River runs it: the sync a lead starts,
// the scheduled delivery and the daily trend snapshot.

// TestLeadStartsASyncFromTheDashboard: the request the sync page makes
// (pg.Store.RequestSync with syncQueue.Enqueue) runs the graph_sync job,
// which syncs from Graph (the emulator) and leaves its progress per
// resource; a request while it waits is told so, and one after it
// finishes starts another.
func TestLeadStartsASyncFromTheDashboard(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t) // no command runs: the job queue gets the store
	ctx := t.Context()
	emu, _, snap := demoGraph(t, 60, emulator.Options{})
	rc, stop, err := startJobQueue(ctx, quietEnv(), store, graphClient(t, emu.URL), 0) // no schedule: only a lead starts it
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	q := &syncQueue{rc: rc}
	if q.Unavailable() != "" {
		t.Fatalf("a queue with Graph says it cannot sync: %s", q.Unavailable())
	}
	lead := inventory.Actor{ID: "lead-1", Name: "Dana Lead", Role: inventory.SecurityLead}
	if queued, err := store.RequestSync(ctx, lead, q.Enqueue); err != nil || !queued {
		t.Fatalf("the first request: queued %v, %v", queued, err)
	}
	var run pg.Run
	eventually(t, "no sync finished within a minute", func() bool {
		runs, err := store.Runs(ctx, "", 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) == 1 && runs[0].Status != pg.RunRunning {
			run = runs[0]
			return true
		}
		return false
	})
	if run.Status != pg.RunSucceeded {
		t.Fatalf("the sync started from the dashboard ended %s: %s", run.Status, run.Error)
	}
	// The job writes its last progress after the run is stored, and River
	// records the job done after that.
	eventually(t, "the job is still pending a minute after its run finished", func() bool {
		pending, err := q.Pending(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return !pending
	})
	p, ok, err := store.RunProgressOf(ctx, run.ID)
	if err != nil || !ok {
		t.Fatalf("the run left no progress: %v", err)
	}
	users := -1
	for _, r := range p.Resources {
		if r.Name == inventory.CollUsers && r.State == string(graph.CollectionDone) {
			users = r.Items
		}
	}
	if !p.Read || users != len(snap.Users) {
		t.Errorf("the last progress: read %v, users %d done, want %d: %+v", p.Read, users, len(snap.Users), p)
	}
	// Finished, a sync does not block the next (River's default unique
	// states would, for a day).
	if queued, err := store.RequestSync(ctx, lead, q.Enqueue); err != nil || !queued {
		t.Errorf("a request after the sync finished: queued %v, %v", queued, err)
	}
	if queued, err := store.RequestSync(ctx, lead, q.Enqueue); err != nil || queued {
		t.Errorf("a request while one waits: queued %v, %v; want told it is already queued", queued, err)
	}
	// A server without Graph says why, and refuses in the transaction.
	none := &syncQueue{why: noGraphSentence}
	if _, err := store.RequestSync(ctx, lead, none.Enqueue); inventory.ErrorCode(err) != inventory.EINVALID {
		t.Errorf("a request without Graph: %v, want EINVALID with the sentence", err)
	}
}

// The scheduled delivery runs as River runs it: the periodic job enqueued
// on start, the worker sending the report that is due to a local SMTP
// relay and a local webhook, once.
func TestDeliveryJobSendsTheDueReport(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	ctx := t.Context()
	out, err := pgtest.SyncDemo(ctx, store, demo.Options{Users: 150, Seed: 21})
	if err != nil {
		t.Fatal(err)
	}
	tenantID := out.Result.Tenant.TenantID
	relay := delivertest.NewSMTPServer(t, false, "")
	hook := delivertest.NewWebhook(t)
	st := inventory.DeliverySettings{Enabled: true, Schedule: inventory.DeliverySchedule{Every: time.Hour},
		Mail:    inventory.DeliveryMail{Host: "127.0.0.1", Port: relay.Port, From: "mfaboard@partner.example", To: []string{"ceo@partner.example"}},
		Webhook: hook.URL + "/hook"}
	if err := store.SaveDeliverySettings(ctx, inventory.Actor{ID: "u-lead", Name: "lead", Role: inventory.SecurityLead}, tenantID, st); err != nil {
		t.Fatal(err)
	}
	// Saved two hours ago: an hourly report is due.
	if _, err := store.Pool().Exec(ctx, `UPDATE delivery_settings SET updated_at = now() - interval '2 hours'`); err != nil {
		t.Fatal(err)
	}

	var logs webtest.LockedBuffer
	env := quietEnv()
	env.log = slog.New(slog.NewTextHandler(&logs, nil))
	stop, err := startScheduler(ctx, env, store, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	var state string
	eventually(t, "the periodic delivery check never ran", func() bool {
		err := store.Pool().QueryRow(ctx, `SELECT state FROM river_job WHERE kind = 'delivery_check'`).Scan(&state)
		return err == nil && (state == "completed" || state == "discarded" || state == "cancelled")
	})
	if state != "completed" {
		t.Fatalf("job delivery_check ended as %s", state)
	}
	if len(relay.Messages()) != 1 || len(hook.Posts()) != 1 {
		t.Fatalf("the job sent %d e-mails and %d posts, want 1 each", len(relay.Messages()), len(hook.Posts()))
	}
	if !strings.Contains(logs.String(), "readiness report delivered") {
		t.Errorf("the delivery is not logged:\n%s", logs.String())
	}
	after, err := store.DeliverySettings(ctx, tenantID)
	if err != nil || after.LastFailed || after.LastSent.IsZero() {
		t.Fatalf("recorded: %+v %v", after, err)
	}

	// Run again by hand: nothing more is due this hour.
	if err := deliveryJob(store, env).Work(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if len(relay.Messages()) != 1 {
		t.Fatal("the same moment was delivered twice")
	}
}

// serve's job queue takes the day's trend snapshot when it starts, Graph
// credentials or not.
func TestSchedulerTakesTheTrendSnapshotWithoutGraph(t *testing.T) {
	t.Parallel()
	store := useDatabase(t)
	syncedDemo(t, "40")
	ctx := t.Context()
	// Forget the sync's point: the snapshot must write it again.
	if _, err := store.Pool().Exec(ctx, `DELETE FROM tenant_counts_daily`); err != nil {
		t.Fatal(err)
	}
	stop, err := startScheduler(ctx, quietEnv(), store, nil, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	tenants, err := store.Tenants(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var points []inventory.TrendPoint
	eventually(t, "no trend point a minute after start", func() bool { // the job runs on start
		if points, err = store.Trend(ctx, tenants[0].ID, time.Now().AddDate(0, 0, -1)); err != nil {
			t.Fatal(err)
		}
		return len(points) > 0
	})
	sum, err := store.Summary(ctx, tenants[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 1 || points[0].Open() != inventory.OpenCount(sum.Counts) {
		t.Fatalf("trend after start = %+v, want today's point with %d open", points, inventory.OpenCount(sum.Counts))
	}
	var graphJobs int
	if err := store.Pool().QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'graph_sync'`).Scan(&graphJobs); err != nil {
		t.Fatal(err)
	}
	if graphJobs != 0 {
		t.Errorf("%d Graph syncs queued without credentials", graphJobs)
	}
}
