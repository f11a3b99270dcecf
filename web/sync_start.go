package web

import (
	"context"
	"net/http"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
)

// SyncQueue starts syncs from the dashboard. cmd supplies it: a River job
// that calls inventory.Sync, the one sync use case, like the schedule.
type SyncQueue interface {
	// Unavailable is "" when this server can sync, else the sentence why
	// it cannot (no Graph credentials, the demo).
	Unavailable() string
	// Enqueue queues a sync in tx (pg.Enqueue): queued is false when one
	// was already waiting or running.
	Enqueue(ctx context.Context, tx pgx.Tx) (jobID int64, queued bool, err error)
	// Pending reports whether a sync waits or runs.
	Pending(ctx context.Context) (bool, error)
}

// noQueueSentence is why a server started without a job queue cannot sync.
const noQueueSentence = "This server was started without a job queue, so it cannot sync from here: run mfaboard sync."

// Sentences of a sync started by hand.
const (
	syncQueued  = "Sync started. It reads the whole tenant from Microsoft Graph; this page shows how far it has got."
	syncAlready = "A sync is already waiting or running: this page shows it."
)

// syncUnavailable is the sentence shown instead of "Sync now", "" when the
// server can sync.
func (s *Server) syncUnavailable() string {
	if s.sync == nil {
		return noQueueSentence
	}
	return s.sync.Unavailable()
}

// syncStart serves POST /sync: a security lead starts a sync. The store
// checks who may (inventory.CanStartSync) and records the request in the
// transaction that queues the job. Refused, the sync page shows the
// sentence (the htmx fragment or the whole page); done, a plain form goes
// back to the sync page (PRG).
func (s *Server) syncStart(c echo.Context) error {
	enqueue := func(ctx context.Context, tx pgx.Tx) (int64, bool, error) {
		if why := s.syncUnavailable(); why != "" {
			return 0, false, inventory.Errorf(inventory.EINVALID, "%s", why)
		}
		return s.sync.Enqueue(ctx, tx)
	}
	a := actorOf(c)
	a.Address = clientIP(c)
	queued, err := s.store.RequestSync(c.Request().Context(), a, enqueue)
	status, notice, ok := refusalOf(err)
	if !ok {
		return err
	}
	if err == nil {
		notice.Text, notice.Tone = syncAlready, "info"
		if queued {
			notice.Text, notice.Tone = syncQueued, "ok"
		}
		if !isHTMX(c) {
			started := "already"
			if queued {
				started = "1"
			}
			return c.Redirect(http.StatusSeeOther, "/sync?started="+started)
		}
	}
	return s.renderSync(c, status, notice, isHTMX(c))
}
