package graph

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// Progress is how a fetch goes, as FetchOptions.Progress is told after
// every answer: per collection what has arrived and what is still
// expected, and an estimate of the time left. A terminal prints it
// (String), a UI can show it as it is.
type Progress struct {
	Elapsed time.Duration
	// Remaining is the estimated time left; 0 when not known yet.
	Remaining time.Duration
	// Requests is how many requests Graph has answered; Throttled how many
	// answers (and $batch steps) were 429, 503 or 504 and sent again.
	Requests, Throttled int
	// InFlight and Window: requests under way, and how many may be (the
	// window widens while Graph answers and halves when it throttles).
	InFlight, Window int
	// Collections are in the order of inventory.Collections.
	Collections []CollectionProgress
}

// CollectionProgress is one collection's part of a fetch.
type CollectionProgress struct {
	Collection string
	State      CollectionState
	// Items is how many objects have arrived; ItemsTotal how many are
	// expected (0: not known, as for sign-ins).
	Items, ItemsTotal int
	// Requests is how many of its requests were answered; RequestsTotal an
	// estimate of how many it needs in all (at least Requests).
	Requests, RequestsTotal int
	// Note says what the collection is doing or why it ended, e.g. "3,812
	// per-user reads skipped: MFA is enforced anyway".
	Note string
}

// CollectionState is where a collection of a fetch is.
type CollectionState string

const (
	CollectionWaiting CollectionState = "waiting" // not started, or waiting for others
	CollectionReading CollectionState = "reading"
	CollectionDone    CollectionState = "done"
	CollectionRefused CollectionState = "refused" // Graph refused it: a warning says why
)

// String is the progress in one line, for a terminal: the collections
// still being read, the request count and the time left.
func (p Progress) String() string {
	var parts []string
	all := true
	for _, c := range p.Collections {
		if c.State != CollectionReading {
			all = all && c.State != CollectionWaiting
			continue
		}
		all = false
		s := c.Collection + " " + count(c.Items)
		if c.ItemsTotal > 0 {
			s += "/" + count(c.ItemsTotal)
		}
		parts = append(parts, s)
	}
	switch {
	case all:
		parts = append(parts, "every collection read")
	case len(parts) == 0:
		parts = append(parts, "starting")
	}
	s := strings.Join(parts, " · ") + fmt.Sprintf(" · %s requests", count(p.Requests))
	if p.Throttled > 0 {
		s += fmt.Sprintf(" (%s throttled)", count(p.Throttled))
	}
	s += fmt.Sprintf(" · %s elapsed", p.Elapsed.Round(time.Second))
	if p.Remaining >= time.Second {
		s += fmt.Sprintf(", about %s left", p.Remaining.Round(time.Second))
	}
	return s
}

// count writes n with thousands separators.
func count(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// tracker gathers a fetch's progress and tells FetchOptions.Progress.
type tracker struct {
	mu      sync.Mutex
	report  func(Progress)
	pace    *pacer
	started time.Time
	cols    map[string]*track
	// latency is the mean time Graph takes to answer, for the estimate.
	latency   time.Duration
	latencies int
}

// track is one collection's progress and how many chains of requests it
// runs side by side (a plain listing is one: each page needs the last).
type track struct {
	CollectionProgress
	lanes int
}

func newTracker(report func(Progress), pace *pacer) *tracker {
	t := &tracker{report: report, pace: pace, started: time.Now(), cols: map[string]*track{}}
	for _, c := range inventory.Collections {
		t.cols[c] = &track{CollectionProgress: CollectionProgress{Collection: c, State: CollectionWaiting}, lanes: 1}
	}
	return t
}

// update changes a collection's progress and reports.
func (t *tracker) update(collection string, change func(*track)) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if c := t.cols[collection]; c != nil {
		change(c)
		c.RequestsTotal = max(c.RequestsTotal, c.Requests)
	}
	if t.report != nil {
		t.report(t.progress())
	}
}

// answered records one answered request of a collection and how long it
// took.
func (t *tracker) answered(collection string, took time.Duration) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.latencies++
	t.latency += (took - t.latency) / time.Duration(t.latencies)
	t.mu.Unlock()
	t.update(collection, func(c *track) { c.Requests++ })
}

// progress is the report; call with mu held. The time left is the larger
// of two estimates: the requests still expected at the pace answers come
// in, and the longest chain of requests that must follow one another
// (pages of one listing) at Graph's mean answer time.
func (t *tracker) progress() Progress {
	p := Progress{Elapsed: time.Since(t.started)}
	p.InFlight, p.Window, p.Requests, p.Throttled = t.pace.stats()
	left, chain := 0, time.Duration(0)
	for _, name := range inventory.Collections {
		c := t.cols[name]
		p.Collections = append(p.Collections, c.CollectionProgress)
		if c.State == CollectionDone || c.State == CollectionRefused {
			continue
		}
		rest := max(c.RequestsTotal-c.Requests, 1)
		left += rest
		chain = max(chain, time.Duration((rest+c.lanes-1)/max(c.lanes, 1))*t.latency)
	}
	if p.Requests >= 5 && left > 0 {
		rate := float64(p.Requests) / p.Elapsed.Seconds()
		p.Remaining = max(time.Duration(float64(left)/rate*float64(time.Second)), chain)
	}
	return p
}

// requestCollection is the collection a request is for, so send can
// count it.
var requestCollection = contextKey[string]{"collection"}

// fetchTracker is the progress tracker of the fetch a request is part of.
var fetchTracker = contextKey[*tracker]{"tracker"}
