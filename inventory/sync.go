package inventory

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Source yields one tenant's snapshot: live Graph, an export folder, the
// demo generator. Every source goes through the same decoder, rules and
// store, so a verdict never depends on where the data came from.
type Source interface {
	// Name is what the sync run records: "graph", "folder" or "demo".
	Name() string
	// Read returns the tenant as decoded, its warnings included. An
	// EINVALID error means the data cannot be trusted; nothing is stored.
	Read(ctx context.Context) (*Snapshot, error)
}

// SyncStore is what a sync needs of the store.
type SyncStore interface {
	StartRun(ctx context.Context, source string) (int64, error)
	FailRun(ctx context.Context, runID int64, cause error) error
	LockTenantSync(ctx context.Context, tenantID string) (unlock func(), err error)
	AssessInputs(ctx context.Context, tenantID string, kind TenantKind, now time.Time) (Inputs, TenantKind, error)
	ApplySync(ctx context.Context, runID int64, snap *Snapshot, kind TenantKind, res Result) error
	// LastVerdicts and LoadSnapshot give the last sync's verdicts (nil
	// before the first sync) and inputs, to say what changed (ChangesSince).
	LastVerdicts(ctx context.Context, tenantID string) (map[string]LastVerdict, error)
	LoadSnapshot(ctx context.Context, tenantID string) (*Snapshot, error)
}

// SyncOptions tune one sync.
type SyncOptions struct {
	// Kind is the tenant's kind; "" keeps the stored one (mixed for a new
	// tenant).
	Kind TenantKind
	// Now is the moment of assessment; zero means time.Now().
	Now time.Time
}

// SyncOutcome is what a finished sync reports.
type SyncOutcome struct {
	RunID    int64
	Snapshot *Snapshot
	Result   Result
	Elapsed  time.Duration
}

// Sync is the one sync use case: the CLI, the scheduled job, the demo seed
// and the test seeders all call it. It records a run, reads the source,
// holds the tenant's sync lock while it assesses with the stored inputs
// and applies the result in one store transaction. A failure at any point
// records the run as failed with its cause and leaves the stored tenant as
// it was; the outcome's RunID is set either way.
func Sync(ctx context.Context, store SyncStore, src Source, opts SyncOptions) (SyncOutcome, error) {
	start := time.Now()
	if opts.Now.IsZero() {
		opts.Now = start.UTC()
	}
	runID, err := store.StartRun(ctx, src.Name())
	if err != nil {
		return SyncOutcome{}, fmt.Errorf("record the sync run: %w", err)
	}
	out, err := syncRun(ctx, store, runID, src, opts)
	out.RunID = runID
	if err != nil {
		// The cause is recorded even when ctx was cancelled mid-way.
		failCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if ferr := store.FailRun(failCtx, runID, err); ferr != nil {
			err = errors.Join(err, ferr)
		}
		return SyncOutcome{RunID: runID}, err
	}
	out.Elapsed = time.Since(start)
	return out, nil
}

func syncRun(ctx context.Context, store SyncStore, runID int64, src Source, opts SyncOptions) (SyncOutcome, error) {
	snap, err := src.Read(ctx)
	if err != nil {
		return SyncOutcome{}, fmt.Errorf("read %s: %w", src.Name(), err)
	}
	if snap == nil {
		return SyncOutcome{}, Errorf(EINVALID, "the %s source yielded no snapshot", src.Name())
	}
	if snap.Tenant.ID == "" && !IdentifyByDomain(snap) {
		return SyncOutcome{}, Errorf(EINVALID, "the source has no organization (organization.json or GET /organization) and no account to tell the tenant by, so the tenant is unknown")
	}
	unlock, err := store.LockTenantSync(ctx, snap.Tenant.ID)
	if err != nil {
		return SyncOutcome{}, err
	}
	defer unlock()
	in, kind, err := store.AssessInputs(ctx, snap.Tenant.ID, opts.Kind, opts.Now)
	if err != nil {
		return SyncOutcome{}, err
	}
	res := Assess(snap, in)
	if res.Changes, err = changesOf(ctx, store, snap, res); err != nil {
		return SyncOutcome{}, err
	}
	if err := store.ApplySync(ctx, runID, snap, kind, res); err != nil {
		return SyncOutcome{}, fmt.Errorf("store the sync: %w", err)
	}
	keepPlan(ctx, store, snap.Tenant.ID, snap, in, res) // still under the tenant's lock
	return SyncOutcome{Snapshot: snap, Result: res}, nil
}

// changesOf compares the sync with the last one. The last sync's inputs
// are read only when a verdict moved: most syncs change nothing.
func changesOf(ctx context.Context, store SyncStore, snap *Snapshot, res Result) ([]Change, error) {
	last, err := store.LastVerdicts(ctx, snap.Tenant.ID)
	if err != nil {
		return nil, fmt.Errorf("read the last verdicts: %w", err)
	}
	var prev *Snapshot
	if VerdictsChanged(last, res) {
		if prev, err = store.LoadSnapshot(ctx, snap.Tenant.ID); err != nil {
			return nil, fmt.Errorf("read the last sync: %w", err)
		}
	}
	return ChangesSince(prev, last, snap, res), nil
}

// IdentifyByDomain names a tenant whose organization could not be read by
// its initial domain (the onmicrosoft.com one), else the commonest UPN
// domain, with a warning, so a reader without Organization.Read still gets
// a sync. It reports false when there is no account to tell it by.
func IdentifyByDomain(snap *Snapshot) bool {
	counts := map[string]int{}
	best := ""
	for _, u := range snap.Users {
		at := strings.LastIndexByte(u.UserPrincipalName, '@')
		if at < 0 {
			continue
		}
		d := strings.ToLower(u.UserPrincipalName[at+1:])
		counts[d]++
		switch {
		case strings.HasSuffix(d, ".onmicrosoft.com") && !strings.HasSuffix(best, ".onmicrosoft.com"):
			best = d
		case strings.HasSuffix(d, ".onmicrosoft.com") == strings.HasSuffix(best, ".onmicrosoft.com") && counts[d] > counts[best]:
			best = d
		}
	}
	if best == "" {
		return false
	}
	snap.Tenant = Tenant{ID: best, DisplayName: best, Domains: []string{best}}
	snap.Warnings = append(snap.Warnings, Warning{Source: CollOrganization,
		Message: "the organization could not be read (Organization.Read.All missing?); the tenant is identified by its domain " + best})
	return true
}

// StaticSource is a Source of a snapshot already in hand: a tool or test
// that builds the tenant itself still syncs it through Sync.
type StaticSource struct {
	SourceName string
	Snapshot   *Snapshot
}

// Name implements Source.
func (s StaticSource) Name() string { return s.SourceName }

// Read implements Source.
func (s StaticSource) Read(context.Context) (*Snapshot, error) { return s.Snapshot, nil }
