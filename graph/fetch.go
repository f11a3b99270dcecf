package graph

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
	"golang.org/x/sync/errgroup"

	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
)

// FetchOptions tune one read of the tenant.
type FetchOptions struct {
	Now          time.Time     // the moment of assessment; default time.Now()
	SignInWindow time.Duration // how far back sign-ins are read; default 30 days
	// Progress, if set, is told after every answer how the read goes: per
	// collection what has arrived and what is still expected, and an
	// estimate of the time left. It is called one call at a time, from the
	// fetch's goroutines, and must return quickly.
	Progress func(Progress)
	// Concurrency is how many requests are in flight at first (default 8).
	// The window widens by about one request per round trip while Graph
	// answers, up to MaxConcurrency (default 16), and halves on a 429.
	Concurrency    int
	MaxConcurrency int
}

// DefaultSignInWindow is DOMAIN.md's window of sign-in evidence.
const DefaultSignInWindow = 30 * 24 * time.Hour

func (o FetchOptions) withDefaults() FetchOptions {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.SignInWindow <= 0 {
		o.SignInWindow = DefaultSignInWindow
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.MaxConcurrency <= 0 {
		o.MaxConcurrency = max(16, o.Concurrency)
	}
	o.MaxConcurrency = max(o.MaxConcurrency, o.Concurrency)
	return o
}

// userSelect is the users.json request of GRAPH-EXPORT.md.
const userSelect = "id,displayName,userPrincipalName,mail,userType,accountEnabled,onPremisesSyncEnabled,createdDateTime,jobTitle,department,assignedLicenses"

// coverageCollections are what inventory.PerUserMFASkips reads.
var coverageCollections = []string{inventory.CollUsers, inventory.CollGroups, inventory.CollDirectoryRoles, inventory.CollPolicies, inventory.CollSecurityDefaults}

// Fetch reads every collection of the tenant into sink: Begin once a
// collection's first answer has arrived, then Add for each object exactly
// as Graph wrote it. Independent collections are read side by side, and
// long ones in parts side by side (users by the first letters of their
// UPN, sign-ins by time windows), at the pace Graph allows (FetchOptions):
// collections interleave in the sink, users come in no particular order,
// each exactly once. Per-user MFA states are read only for the accounts
// whose verdicts they can change.
//
// A collection Graph refuses (403, or 404 where an endpoint does not exist
// in a cloud) is not begun and comes back as a warning naming the
// permission or licence it needs. Anything else that stops a collection
// half-read — a dropped connection, a garbled page, a timeout, a 5xx or
// 429 that outlasted the retries, a refused token — is an error, and the
// caller must discard what the sink received.
//
// Users are read in full every run: /users/delta cannot select
// signInActivity, which the rules need.
func (c *Client) Fetch(ctx context.Context, sink export.Sink, opts FetchOptions) ([]inventory.Warning, error) {
	opts = opts.withDefaults()
	pace := newPacer(opts.Concurrency, opts.MaxConcurrency)
	f := &fetcher{
		c: c, sink: sink, opts: opts, pace: pace,
		prog:     newTracker(opts.Progress, pace),
		begun:    map[string]bool{},
		refusedC: map[string]bool{},
		cover:    export.NewDecoder(),
		finished: map[string]chan struct{}{},
		counted:  make(chan struct{}),
		seen:     map[string]struct{}{},
	}
	for _, coll := range inventory.Collections {
		f.finished[coll] = make(chan struct{})
	}
	ctx = fetchTracker.with(fetchPacer.with(ctx, pace), f.prog)
	reads := map[string]func(context.Context) error{
		inventory.CollOrganization:     f.plain(inventory.CollOrganization, "v1.0", "/organization", nil),
		inventory.CollUsers:            f.users,
		inventory.CollRegistrations:    f.registrations,
		inventory.CollPolicies:         f.plain(inventory.CollPolicies, "v1.0", "/identity/conditionalAccess/policies", nil),
		inventory.CollNamedLocations:   f.plain(inventory.CollNamedLocations, "v1.0", "/identity/conditionalAccess/namedLocations", nil),
		inventory.CollSecurityDefaults: f.securityDefaults,
		inventory.CollDirectoryRoles:   f.directoryRoles,
		inventory.CollGroups:           f.groups,
		// The typed builder would send /places/graph.room; Graph documents
		// the cast with its full name.
		inventory.CollRooms:      f.plain(inventory.CollRooms, "v1.0", "/places/microsoft.graph.room", nil),
		inventory.CollSignIns:    f.signIns,
		inventory.CollPerUserMFA: f.perUserMFA,
	}
	f.partnerReads(reads)
	run := func(ctx context.Context, coll string) error {
		defer close(f.finished[coll])
		began := time.Now()
		err := reads[coll](requestCollection.with(ctx, coll))
		if r, ok := isRefusal(err); ok {
			w := refusalWarning(r)
			c.log.Warn("graph collection not read", "collection", coll, "warning", w.Message)
			f.warn(w)
			f.prog.update(coll, func(t *track) { t.State, t.Note = CollectionRefused, w.Message })
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s from Graph: %w", coll, c.explain(err))
		}
		f.prog.update(coll, func(t *track) { t.State, t.ItemsTotal = CollectionDone, t.Items })
		c.log.Debug("graph collection read", "collection", coll, "took", time.Since(began))
		return nil
	}
	start := time.Now()
	// The organization first, alone: one small request that tells a wrong
	// token or an unreachable Graph in one sentence, before the rest are
	// sent side by side.
	if err := run(ctx, inventory.CollOrganization); err != nil {
		return nil, err
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, coll := range inventory.Collections[1:] {
		g.Go(func() error { return run(gctx, coll) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	_, _, answered, throttled := pace.stats()
	c.log.Debug("graph read", "took", time.Since(start), "requests", answered, "throttled", throttled, "peak window", pace.peak)
	slices.SortStableFunc(f.warnings, func(a, b inventory.Warning) int {
		return cmp.Compare(slices.Index(inventory.Collections, a.Source), slices.Index(inventory.Collections, b.Source))
	})
	return f.warnings, nil
}

// fetcher is the state of one Fetch. Its collections are read by goroutines
// of their own; the sink sees one call at a time.
type fetcher struct {
	c    *Client
	opts FetchOptions
	pace *pacer
	prog *tracker

	sinkMu   sync.Mutex
	sink     export.Sink
	begun    map[string]bool
	refusedC map[string]bool // collections given up as refused: later answers are dropped
	// cover decodes the collections PerUserMFASkips reads; it is dropped
	// once they are used.
	cover *export.Decoder

	warnMu   sync.Mutex
	warnings []inventory.Warning

	// finished is closed when a collection's read ends, however it ends.
	finished map[string]chan struct{}

	// The users count, once known (-1: Graph would not count), for the
	// sign-in windows and the estimates; counted is closed then.
	userTotal int
	counted   chan struct{}
	countOnce sync.Once

	usersMu          sync.Mutex
	seen             map[string]struct{} // user ids sent to the sink
	userIDs          []string            // in the order sent, for the per-user reads
	noSignInActivity bool                // warned that Graph refused it
}

func (f *fetcher) warn(w inventory.Warning) {
	f.warnMu.Lock()
	defer f.warnMu.Unlock()
	f.warnings = append(f.warnings, w)
}

// setUserTotal records the users count (-1 when Graph would not count).
func (f *fetcher) setUserTotal(n int) {
	f.countOnce.Do(func() {
		f.userTotal = n
		close(f.counted)
	})
}

// usersCounted waits for the users count.
func (f *fetcher) usersCounted(ctx context.Context) (int, error) {
	select {
	case <-f.counted:
		return f.userTotal, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// begin begins a collection in the sink, once; later calls do nothing.
func (f *fetcher) begin(collection string) error {
	_, err := f.beginOnce(collection)
	return err
}

// beginOnce is begin that reports false for a collection given up as
// refused (its answer is then to be dropped).
func (f *fetcher) beginOnce(collection string) (bool, error) {
	f.sinkMu.Lock()
	defer f.sinkMu.Unlock()
	if f.refusedC[collection] {
		return false, nil
	}
	if f.begun[collection] {
		return true, nil
	}
	f.begun[collection] = true
	if err := f.sink.Begin(collection); err != nil {
		return false, fmt.Errorf("sink: %w", err)
	}
	if f.cover != nil && slices.Contains(coverageCollections, collection) {
		if err := f.cover.Begin(collection); err != nil {
			return false, err
		}
	}
	f.prog.update(collection, func(t *track) { t.State = CollectionReading })
	return true, nil
}

// giveUp marks a collection refused so that parts still running drop their
// answers; it reports false when the collection was begun already (then
// the refusal is an error: part of it is in the sink).
func (f *fetcher) giveUp(collection string) bool {
	f.sinkMu.Lock()
	defer f.sinkMu.Unlock()
	if f.begun[collection] {
		return false
	}
	f.refusedC[collection] = true
	return true
}

// givenUp reports whether a collection was given up as refused.
func (f *fetcher) givenUp(collection string) bool {
	f.sinkMu.Lock()
	defer f.sinkMu.Unlock()
	return f.refusedC[collection]
}

func (f *fetcher) add(collection string, items ...json.RawMessage) error {
	if len(items) == 0 {
		return nil
	}
	f.sinkMu.Lock()
	defer f.sinkMu.Unlock()
	if f.refusedC[collection] {
		return nil
	}
	cover := f.cover != nil && slices.Contains(coverageCollections, collection)
	for _, it := range items {
		if err := f.sink.Add(collection, it); err != nil {
			return fmt.Errorf("sink: %w", err)
		}
		if cover {
			if err := f.cover.Add(collection, it); err != nil {
				return err
			}
		}
	}
	f.prog.update(collection, func(t *track) { t.Items += len(items) })
	return nil
}

// coverage is the snapshot of the collections PerUserMFASkips reads; the
// decoder is dropped.
func (f *fetcher) coverage() *inventory.Snapshot {
	f.sinkMu.Lock()
	defer f.sinkMu.Unlock()
	snap := f.cover.Snapshot()
	f.cover = nil
	return snap
}

// plain reads a collection whose objects go to the sink as they come.
func (f *fetcher) plain(collection, version, path string, query map[string]string) func(context.Context) error {
	return func(ctx context.Context) error {
		return f.collection(ctx, collection, f.c.request(version, path, nil, query), nil)
	}
}

// registrations reads userRegistrationDetails in one listing (it filters
// only by startsWith on the UPN, which would not say which accounts have
// no row).
func (f *fetcher) registrations(ctx context.Context) error {
	ri := f.c.request("v1.0", "/reports/authenticationMethods/userRegistrationDetails", nil, map[string]string{"$top": "999"})
	pages, expected := 0, atomic.Int64{}
	ctx = expectedPages.with(ctx, func() int { return int(expected.Load()) })
	return f.collection(ctx, inventory.CollRegistrations, ri, func(items []json.RawMessage, more bool) {
		pages++
		if !more || pages > 1 {
			return
		}
		// One row an account: the users count and the first page's size
		// tell how many pages to expect.
		if n, err := f.usersCounted(ctx); err == nil && n > 0 && len(items) > 0 {
			expected.Store(int64((n + len(items) - 1) / len(items)))
			f.prog.update(inventory.CollRegistrations, func(t *track) {
				t.ItemsTotal, t.RequestsTotal = n, int(expected.Load())
			})
		}
	})
}

// collection walks a request into the sink, beginning the collection once
// its first page has arrived. page, if set, sees every page first, and
// whether more follow.
func (f *fetcher) collection(ctx context.Context, collection string, first *abs.RequestInformation, page func(items []json.RawMessage, more bool)) error {
	begun := false
	err := f.c.walk(ctx, first, func(items []json.RawMessage, more bool) error {
		if !begun {
			if err := f.begin(collection); err != nil {
				return err
			}
			begun = true
		}
		if page != nil {
			page(items, more)
		}
		return f.add(collection, items...)
	})
	return refused(collection, begun, err)
}

// securityDefaults reads the single policy object; it is the collection's
// one item.
func (f *fetcher) securityDefaults(ctx context.Context) error {
	body, err := f.c.send(ctx, f.c.request("v1.0", "/policies/identitySecurityDefaultsEnforcementPolicy", nil, nil))
	if err != nil {
		return refused(inventory.CollSecurityDefaults, false, err)
	}
	if !json.Valid(body) || len(body) == 0 || body[0] != '{' {
		return fmt.Errorf("the security defaults policy is not a JSON object: the answer was cut or garbled")
	}
	if err := f.begin(inventory.CollSecurityDefaults); err != nil {
		return err
	}
	return f.add(inventory.CollSecurityDefaults, json.RawMessage(body))
}
