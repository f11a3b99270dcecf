package web

import (
	"fmt"
	"net/http"
	"time"

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
