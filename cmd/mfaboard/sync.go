package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// source yields a tenant's Graph objects into a sink: live Graph, an export
// folder, or the demo generator. Every source goes through the same decoder,
// rules and store, so a verdict never depends on where the data came from.
type source struct {
	name string // "graph", "folder" or "demo", as recorded on the run
	read func(ctx context.Context, sink export.Sink) ([]inventory.Warning, error)
}

// folderSource reads an export folder strictly: a malformed file fails the
// run rather than storing half a tenant.
func folderSource(dir string) source {
	return source{name: "folder", read: func(_ context.Context, sink export.Sink) ([]inventory.Warning, error) {
		return export.ReadFolder(dir, sink)
	}}
}

// folderMemSource feeds an in-memory folder (the demo tenant).
func folderMemSource(name string, f export.Folder) source {
	return source{name: name, read: func(_ context.Context, sink export.Sink) ([]inventory.Warning, error) {
		return nil, f.Feed(sink)
	}}
}

// syncOutcome is what a finished sync reports.
type syncOutcome struct {
	RunID    int64
	Snapshot *inventory.Snapshot
	Result   inventory.Result
	Elapsed  time.Duration
}

// syncTenant runs one sync: read the source, assess, apply in one
// transaction. A failure at any point records the run as failed with its
// cause and leaves the stored tenant as it was. kind "" keeps the tenant's
// stored kind (mixed for a new tenant).
func syncTenant(ctx context.Context, store *pg.Store, src source, kind inventory.TenantKind, now time.Time) (syncOutcome, error) {
	start := time.Now()
	runID, err := store.StartRun(ctx, src.name)
	if err != nil {
		return syncOutcome{}, fmt.Errorf("record the sync run: %w", err)
	}
	out, err := syncRun(ctx, store, runID, src, kind, now)
	if err != nil {
		// The cause is recorded even when ctx was cancelled mid-way.
		failCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if ferr := store.FailRun(failCtx, runID, err); ferr != nil {
			err = errors.Join(err, ferr)
		}
		return syncOutcome{RunID: runID}, err
	}
	out.RunID = runID
	out.Elapsed = time.Since(start)
	return out, nil
}

func syncRun(ctx context.Context, store *pg.Store, runID int64, src source, kind inventory.TenantKind, now time.Time) (syncOutcome, error) {
	dec := export.NewDecoder()
	warnings, err := src.read(ctx, dec)
	if err != nil {
		return syncOutcome{}, fmt.Errorf("read %s: %w", src.name, err)
	}
	for _, w := range warnings {
		dec.Warn(w)
	}
	snap := dec.Snapshot()
	if snap.Tenant.ID == "" && !identifyByDomain(snap) {
		return syncOutcome{}, inventory.Errorf(inventory.EINVALID, "the source has no organization (organization.json or GET /organization) and no account to tell the tenant by, so the tenant is unknown")
	}
	unlock, err := store.LockTenantSync(ctx, snap.Tenant.ID)
	if err != nil {
		return syncOutcome{}, err
	}
	defer unlock()

	in, storedKind, err := store.AssessInputs(ctx, snap.Tenant.ID, kind, now)
	if err != nil {
		return syncOutcome{}, err
	}
	res := inventory.Assess(snap, in)
	if err := store.ApplySync(ctx, runID, snap, storedKind, res); err != nil {
		return syncOutcome{}, fmt.Errorf("store the sync: %w", err)
	}
	return syncOutcome{Snapshot: snap, Result: res}, nil
}

// absDir is a folder path for messages.
func absDir(dir string) string {
	if a, err := filepath.Abs(dir); err == nil {
		return a
	}
	return dir
}

// identifyByDomain names a tenant whose organization could not be read by
// its initial domain (the onmicrosoft.com one), else the commonest UPN
// domain, with a warning, so a reader without Organization.Read still gets
// a sync. It reports false when there is no account to tell it by.
func identifyByDomain(snap *inventory.Snapshot) bool {
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
	snap.Tenant = inventory.Tenant{ID: best, DisplayName: best, Domains: []string{best}}
	snap.Warnings = append(snap.Warnings, inventory.Warning{Source: inventory.CollOrganization,
		Message: "the organization could not be read (Organization.Read.All missing?); the tenant is identified by its domain " + best})
	return true
}
