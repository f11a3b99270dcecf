package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web/deliver/delivertest"
)

// The scheduled delivery runs as River runs it: the periodic job enqueued
// on start, the worker sending the report that is due to a local SMTP
// relay and a local webhook, once.
func TestDeliveryJobSendsTheDueReport(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	ctx := context.Background()
	now := time.Now().UTC()
	snap := demo.Generate(demo.Options{Users: 150, Seed: 21, AsOf: now})
	if _, err := inventory.Sync(ctx, store, export.SnapshotSource(pg.SourceDemo, snap), inventory.SyncOptions{Kind: inventory.KindMixed, Now: now}); err != nil {
		t.Fatal(err)
	}
	relay := delivertest.NewSMTPServer(t, false, "")
	var posts atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		posts.Add(1)
	}))
	defer hook.Close()
	st := inventory.DeliverySettings{Enabled: true, Schedule: inventory.DeliverySchedule{Every: time.Hour},
		Mail:    inventory.DeliveryMail{Host: "127.0.0.1", Port: relay.Port, From: "mfaboard@partner.example", To: []string{"ceo@partner.example"}},
		Webhook: hook.URL + "/hook"}
	if err := store.SaveDeliverySettings(ctx, inventory.Actor{ID: "u-lead", Name: "lead", Role: inventory.SecurityLead}, snap.Tenant.ID, st); err != nil {
		t.Fatal(err)
	}
	// Saved two hours ago: an hourly report is due.
	if _, err := store.Pool().Exec(ctx, `UPDATE delivery_settings SET updated_at = now() - interval '2 hours'`); err != nil {
		t.Fatal(err)
	}

	var logs bytes.Buffer
	env := &cliEnv{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" },
		log: slog.New(slog.NewTextHandler(&logs, nil))}
	driver := riverpgxv5.New(store.Pool())
	migrator, err := rivermigrate.New(driver, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		t.Fatal(err)
	}
	workers := river.NewWorkers()
	rc, err := river.NewClient(driver, &river.Config{
		Logger: quietLogger(env.log), Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 1}},
		Workers: workers, PeriodicJobs: []*river.PeriodicJob{periodically(workers, deliveryJob(store, env), deliveryCheckEvery)},
	})
	if err != nil {
		t.Fatal(err)
	}
	completed, cancel := rc.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer cancel()
	if err := rc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rc.Stop(context.Background()) }()

	select {
	case ev := <-completed:
		if ev.Kind != river.EventKindJobCompleted || ev.Job.Kind != "delivery_check" {
			t.Fatalf("job %s ended as %s", ev.Job.Kind, ev.Kind)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the periodic delivery check never ran")
	}
	if len(relay.Messages()) != 1 || posts.Load() != 1 {
		t.Fatalf("the job sent %d e-mails and %d posts, want 1 each", len(relay.Messages()), posts.Load())
	}
	if !strings.Contains(logs.String(), "readiness report delivered") {
		t.Errorf("the delivery is not logged:\n%s", logs.String())
	}
	after, err := store.DeliverySettings(ctx, snap.Tenant.ID)
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
