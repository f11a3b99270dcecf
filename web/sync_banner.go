package web

import (
	"context"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views"
)

// Every page's frame says when the last sync failed or is stale, and shows
// a lead how many exception requests wait: the frame (viewerPage) asks
// withShell, which the shell middleware (middleware.go) gives the server.

// staleWithoutSchedule is how old a last sync may be, with no schedule,
// before the banner calls it stale: a day, and two hours' grace for a sync
// run by hand each morning.
const staleWithoutSchedule = 26 * time.Hour

// staleAfter is how old a last sync may be before it is stale: twice the
// schedule's interval (one missed run is not yet news), or a day.
func staleAfter(every time.Duration) time.Duration {
	if every > 0 {
		return 2 * every
	}
	return staleWithoutSchedule
}

// shellKey is where the shell middleware leaves the server for withShell.
const shellKey = "mfaboard.shell"

// withShell fills the frame's banner and the lead's count of open requests;
// an htmx fragment has no frame, so it is spared the queries. A failure to
// read them is logged: the page is still worth showing without them.
func withShell(c echo.Context, p views.Page) views.Page {
	s, ok := c.Get(shellKey).(*Server)
	if !ok || isHTMX(c) {
		return p
	}
	ctx := c.Request().Context()
	banner, err := s.syncBanner(ctx, p.TenantID, p.LastSync, time.Now())
	if err != nil {
		s.log.Warn("the sync banner could not be read", "err", err)
	}
	p.Banner = banner
	if p.TenantID != "" && p.Role == string(inventory.SecurityLead) {
		if p.OpenRequests, err = s.store.OpenRequestCount(ctx, p.TenantID); err != nil {
			s.log.Warn("the count of open exception requests could not be read", "err", err)
		}
	}
	return p
}

// syncBanner is the banner of a tenant's last sync (tenantID "" before the
// first): failed, with the run's own sentence, or stale, saying how old it
// is; nil when the last sync is fresh and went well.
func (s *Server) syncBanner(ctx context.Context, tenantID string, lastSync, now time.Time) (*views.Banner, error) {
	runs, err := s.store.Runs(ctx, tenantID, 5)
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		if r.Status == pg.RunRunning {
			continue
		}
		if r.Status == pg.RunFailed {
			return &views.Banner{Tone: "bad", ActionText: "Sync history", ActionHref: "/runs",
				Text: "The last sync failed (" + views.DateTime(r.FinishedAt) + "): " + strings.TrimRight(r.Error, ". ") + ". " + keptSentence(lastSync)}, nil
		}
		break
	}
	if !lastSync.IsZero() && now.Sub(lastSync) > s.staleAfter {
		return &views.Banner{Tone: "warn", ActionText: "Sync", ActionHref: "/sync",
			Text: "The last sync was " + views.Ago(lastSync) + " (" + views.DateTime(lastSync) +
				"): accounts and verdicts may have changed in the tenant since."}, nil
	}
	return nil, nil
}

// keptSentence says what the pages show after a failed sync.
func keptSentence(lastSync time.Time) string {
	if lastSync.IsZero() {
		return "Nothing has been synced yet."
	}
	return "The pages show the tenant as the sync of " + views.DateTime(lastSync) + " left it."
}
