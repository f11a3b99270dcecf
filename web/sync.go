package web

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views"
)

// syncShow serves GET /sync: the latest sync and, while one runs, its
// progress per resource; a security lead's "Sync now", or the sentence why
// this server cannot sync.
func (s *Server) syncShow(c echo.Context) error {
	var notice views.Notice
	switch c.QueryParam("started") {
	case "1":
		notice = views.Notice{Text: syncQueued, Tone: "ok"}
	case "already":
		notice = views.Notice{Text: syncAlready, Tone: "info"}
	}
	return s.renderSync(c, http.StatusOK, notice, false)
}

// syncStatus serves GET /sync/status: the status fragment the sync page
// polls every 2 s while a sync waits or runs.
func (s *Server) syncStatus(c echo.Context) error {
	return s.renderSync(c, http.StatusOK, views.Notice{}, true)
}

// renderSync renders the sync page, or only its status fragment.
func (s *Server) renderSync(c echo.Context, status int, notice views.Notice, fragment bool) error {
	v, err := s.syncStatusView(c)
	if err != nil {
		return err
	}
	v.Notice = notice
	if fragment {
		return render(c, status, views.SyncStatusSection(v))
	}
	return render(c, status, views.SyncPage(views.Sync{Page: pageOf(c, "Sync", "sync"), Status: v}))
}

// syncStatusView is the latest run (of any tenant: a sync may bring a new
// one) with its progress, and what the viewer may do.
func (s *Server) syncStatusView(c echo.Context) (views.SyncStatus, error) {
	ctx := c.Request().Context()
	v := views.SyncStatus{CanStart: inventory.CanStartSync(actorOf(c)) == nil, Unavailable: s.syncUnavailable()}
	if s.sync != nil && v.Unavailable == "" {
		pending, err := s.sync.Pending(ctx)
		if err != nil {
			return v, err
		}
		v.Pending = pending
	}
	runs, err := s.store.Runs(ctx, "", 1)
	if err != nil {
		return v, err
	}
	if len(runs) == 0 {
		v.Poll = v.Pending
		return v, nil
	}
	r := runs[0]
	run := runView(r, "")
	v.Run = &run
	v.Poll = v.Pending || r.Status == pg.RunRunning
	if r.Status != pg.RunRunning {
		return v, nil
	}
	p, ok, err := s.store.RunProgressOf(ctx, r.ID)
	if err != nil || !ok {
		return v, err
	}
	v.Progress = progressView(p)
	return v, nil
}

// progressView is a run's progress in words and percentages.
func progressView(p pg.RunProgress) *views.SyncProgress {
	out := &views.SyncProgress{Elapsed: roundWords(p.Elapsed), Requests: p.Requests, Throttled: p.Throttled, Read: p.Read}
	if p.Remaining >= time.Second && !p.Read {
		out.Remaining = "about " + roundWords(p.Remaining) + " left"
	}
	for _, r := range p.Resources {
		line := views.SyncResource{Name: r.Name, State: r.State, Items: r.Items, Total: r.ItemsTotal, Note: r.Note}
		switch {
		case r.State == "done" || r.State == "refused":
			line.Percent = 100
		case r.ItemsTotal > 0:
			line.Percent = min(99, r.Items*100/r.ItemsTotal)
		}
		out.Resources = append(out.Resources, line)
	}
	return out
}

// roundWords writes a duration as a person reads it: "45 s", "3 min 20 s",
// "1 h 5 min".
func roundWords(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min %d s", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
}

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

// runList serves GET /runs: every sync run with its counts, warnings and
// errors, failed runs included.
func (s *Server) runList(c echo.Context) error {
	ctx := c.Request().Context()
	runs, err := s.store.Runs(ctx, "", 100)
	if err != nil {
		return err
	}
	names := map[string]string{}
	if tenants, err := s.store.Tenants(ctx); err == nil {
		for _, tn := range tenants {
			names[tn.ID] = tn.DisplayName
		}
	}
	v := views.Runs{Page: pageOf(c, "Sync history", "runs")}
	for _, r := range runs {
		v.Runs = append(v.Runs, runView(r, names[r.TenantID]))
	}
	return render(c, http.StatusOK, views.SyncHistory(v))
}

func runView(r pg.Run, tenantName string) views.Run {
	v := views.Run{ID: r.ID, Source: r.Source, Status: r.Status, Started: r.StartedAt, Finished: r.FinishedAt,
		Warnings: r.Warnings, Error: r.Error, TenantName: tenantName}
	if !r.FinishedAt.IsZero() {
		v.Duration = r.FinishedAt.Sub(r.StartedAt).Round(10 * time.Millisecond).String()
	}
	keys := make([]string, 0, len(r.Counts))
	for k := range r.Counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v.Counts = append(v.Counts, views.Count{Label: k, N: r.Counts[k]})
	}
	return v
}
