package graph

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	khttp "github.com/microsoft/kiota-http-go"
)

// pacer keeps a fetch's requests in flight within a window that adapts to
// Graph's throttling, as TCP does to a congested link (AIMD): every answer
// that is not throttled widens the window by 1/window (about one request
// more per round trip), up to max; a 429 (or 503/504) halves it, at most
// once per Retry-After, and no request starts before the Retry-After has
// passed. The throttled request itself is retried by the SDK's retry
// handler (a $batch step by requirements), so nothing is lost; the pacer
// only makes the others wait and send fewer at a time.
type pacer struct {
	mu        sync.Mutex
	limit     float64 // the window; requests start while inFlight < int(limit)
	max       float64
	inFlight  int
	queue     []waiter    // waiting requests, most urgent first
	seq       uint64      // arrival order, among requests as urgent
	pauseEnd  time.Time   // no request starts before this
	cutUntil  time.Time   // the window is not halved again before this
	timer     *time.Timer // wakes the queue when a pause ends
	answered  int         // requests answered (their retries included once)
	throttled int         // 429/503/504 answers seen, batch steps included
	peak      int         // highest window reached, for the log
}

func newPacer(start, most int) *pacer {
	most = max(most, 1)
	start = min(max(start, 1), most)
	return &pacer{limit: float64(start), max: float64(most), peak: start}
}

// waiter is a request waiting to start.
type waiter struct {
	ch      chan struct{}
	urgency int
	seq     uint64
}

// acquire waits until a request may start. The more urgent go first (see
// urgency), then the first come.
func (p *pacer) acquire(ctx context.Context) error {
	p.mu.Lock()
	if len(p.queue) == 0 && p.mayStart(time.Now()) {
		p.inFlight++
		p.mu.Unlock()
		return nil
	}
	w := waiter{ch: make(chan struct{}), urgency: urgency.of(ctx), seq: p.seq}
	p.seq++
	i, _ := slices.BinarySearchFunc(p.queue, w, func(a, b waiter) int {
		if a.urgency != b.urgency {
			return b.urgency - a.urgency
		}
		return int(a.seq) - int(b.seq)
	})
	p.queue = slices.Insert(p.queue, i, w)
	p.wakeLater(time.Now())
	p.mu.Unlock()
	select {
	case <-w.ch:
		return nil
	case <-ctx.Done():
		p.mu.Lock()
		if i := slices.IndexFunc(p.queue, func(q waiter) bool { return q.ch == w.ch }); i >= 0 {
			p.queue = slices.Delete(p.queue, i, i+1)
			p.mu.Unlock()
			return ctx.Err()
		}
		// It was let in meanwhile: give the place back.
		p.inFlight--
		p.dispatch()
		p.mu.Unlock()
		return ctx.Err()
	}
}

// release ends a request; ok widens the window.
func (p *pacer) release(ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inFlight--
	p.answered++
	if ok && p.limit < p.max {
		p.limit = min(p.max, p.limit+1/p.limit)
		p.peak = max(p.peak, int(p.limit))
	}
	p.dispatch()
}

// throttledFor records a throttled answer that asks to wait for d.
func (p *pacer) throttledFor(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.throttled++
	now := time.Now()
	if !now.Before(p.cutUntil) {
		p.limit = max(1, p.limit/2)
		p.cutUntil = now.Add(max(d, time.Second))
	}
	if end := now.Add(d); end.After(p.pauseEnd) {
		p.pauseEnd = end
	}
}

func (p *pacer) mayStart(now time.Time) bool {
	return !now.Before(p.pauseEnd) && p.inFlight < int(p.limit)
}

// dispatch lets waiting requests start while the window allows.
func (p *pacer) dispatch() {
	now := time.Now()
	for len(p.queue) > 0 && p.mayStart(now) {
		close(p.queue[0].ch)
		p.queue = p.queue[1:]
		p.inFlight++
	}
	p.wakeLater(now)
}

// wakeLater dispatches again when a pause ends, if requests wait for it.
func (p *pacer) wakeLater(now time.Time) {
	if len(p.queue) == 0 || !now.Before(p.pauseEnd) || p.timer != nil {
		return
	}
	p.timer = time.AfterFunc(p.pauseEnd.Sub(now), func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.timer = nil
		p.dispatch()
	})
}

// stats reads the counters.
func (p *pacer) stats() (inFlight, limit, answered, throttled int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.inFlight, int(p.limit), p.answered, p.throttled
}

// fetchPacer is the pacer a fetch's requests wait on.
var fetchPacer = contextKey[*pacer]{"pacer"}

// urgency ranks a request among those waiting: a listing is a chain of
// requests, each waiting for the last, and the longest chain bounds the
// whole fetch, so the next page of a listing gets the number of pages it
// still expects (at least 1), and requests that start something new get 0.
// Longest chain first keeps the end of the fetch from waiting on one
// listing read alone.
var urgency = contextKey[int]{"urgency"}

// throttleWatch tells the fetch's pacer of every throttled answer, retries
// included, before the SDK's retry handler waits and sends it again.
type throttleWatch struct{}

func (throttleWatch) Intercept(pl khttp.Pipeline, i int, req *http.Request) (*http.Response, error) {
	resp, err := pl.Next(req, i)
	if err == nil && resp != nil && throttledStatus(resp.StatusCode) {
		if p := fetchPacer.of(req.Context()); p != nil {
			p.throttledFor(retryAfter(resp.Header.Get("Retry-After"), 1))
		}
	}
	return resp, err
}

func throttledStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryAfter reads a Retry-After value (seconds or an HTTP date), capped at
// maxStepWait; without one, a doubling delay for the attempt.
func retryAfter(v string, attempt int) time.Duration {
	v = strings.TrimSpace(v)
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return min(time.Duration(s*float64(time.Second)), maxStepWait)
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(time.Until(t), 0), maxStepWait)
	}
	return min(defaultStepDelay<<(max(attempt, 1)-1), maxStepWait)
}
