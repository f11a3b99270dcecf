package graph

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/mfaboard/mfaboard/inventory"
)

// Sign-in windows: about one per signInsPerWindow accounts, at most one a
// day of the window.
const (
	signInsPerWindow = 2500
	maxSignInWindows = 30
)

// signIns reads the beta sign-in log over the window, interactive and
// non-interactive events both (v1.0 has neither the non-interactive events
// nor authenticationRequirement), in time windows read side by side.
// createdDateTime supports eq, ge and le (not lt), so neighbouring windows
// share their bound; an event exactly on it is kept by the later window
// only. The last window is open at the top, as the one request was.
func (f *fetcher) signIns(ctx context.Context) error {
	const coll = inventory.CollSignIns
	users, err := f.usersCounted(ctx)
	if err != nil {
		return err
	}
	n := 4
	if users >= 0 {
		n = min(max((users+signInsPerWindow-1)/signInsPerWindow, 1), maxSignInWindows)
	}
	since := f.opts.Now.Add(-f.opts.SignInWindow).UTC().Truncate(time.Second)
	span := f.opts.Now.UTC().Sub(since) / time.Duration(n)
	bounds := make([]time.Time, n+1)
	for i := range bounds {
		bounds[i] = since.Add(time.Duration(i) * span).Truncate(time.Second)
	}
	f.prog.update(coll, func(t *track) { t.RequestsTotal, t.lanes = n, n })

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var refusal error // the window that met a refusal, once
	var refusalOnce sync.Once
	g, gctx := errgroup.WithContext(ctx)
	for i := range n {
		g.Go(func() error {
			filter := "createdDateTime ge " + bounds[i].Format(time.RFC3339)
			var upper time.Time
			if i < n-1 {
				upper = bounds[i+1]
				filter += " and createdDateTime le " + upper.Format(time.RFC3339)
			}
			filter += " and signInEventTypes/any(t: t eq 'interactiveUser' or t eq 'nonInteractiveUser')"
			ri := f.c.request("beta", "/auditLogs/signIns", nil, map[string]string{"$filter": filter, "$top": "999"})
			first := true
			err := f.c.walk(gctx, ri, func(items []json.RawMessage, more bool) error {
				if first {
					first = false
					if ok, err := f.beginOnce(coll); err != nil || !ok {
						return cmp.Or(err, errGivenUp)
					}
				}
				if more {
					f.prog.update(coll, func(t *track) { t.RequestsTotal++ })
				}
				if !upper.IsZero() {
					items = before(items, upper)
				}
				return f.add(coll, items...)
			})
			if r, ok := isRefusal(refused(coll, !first, err)); ok {
				if !f.giveUp(coll) {
					return fmt.Errorf("a sign-in window was refused after others were read: %w", r.err)
				}
				refusalOnce.Do(func() { refusal = r })
				cancel()
				return nil
			}
			if err != nil && f.givenUp(coll) {
				return nil // stopped by another window's refusal
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return refusal
}

// errGivenUp stops a part of a collection given up as refused.
var errGivenUp = errors.New("the collection was given up as refused")

// before keeps the events older than at: an event exactly on a window's
// upper bound belongs to the next window (ge), which reads it too. An
// event whose time cannot be read is kept: no other window can have it
// unless it is on a bound, and the decoder judges it.
func before(items []json.RawMessage, at time.Time) []json.RawMessage {
	kept := items[:0]
	for _, it := range items {
		if t, err := time.Parse(time.RFC3339Nano, topString(it, "createdDateTime")); err == nil && !t.Before(at) {
			continue
		}
		kept = append(kept, it)
	}
	return kept
}
