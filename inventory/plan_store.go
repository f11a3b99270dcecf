package inventory

import (
	"context"
	"log/slog"
	"strings"
	"time"
)

// PlanSaver is what keeping a tenant's plan needs of the store. A store
// that has it gets the plan computed by Sync and Reassess, under the
// tenant's lock, right after the verdicts are written.
type PlanSaver interface {
	// SavePlan replaces the tenant's stored plan. basis is the moment of
	// the verdicts it was drawn from (VerdictsWrittenAt); the zero time
	// means the verdicts as they stand now.
	SavePlan(ctx context.Context, tenantID string, basis time.Time, p Plan) error
}

// PlanStore is what computing a plan afresh needs of the store.
type PlanStore interface {
	PlanSaver
	// VerdictsWrittenAt is when the tenant's verdicts were last written,
	// and the moment they were assessed as of (ENOTFOUND for a tenant
	// never synced).
	VerdictsWrittenAt(ctx context.Context, tenantID string) (written, asOf time.Time, err error)
	LoadSnapshot(ctx context.Context, tenantID string) (*Snapshot, error)
	AssessInputs(ctx context.Context, tenantID string, kind TenantKind, now time.Time) (Inputs, TenantKind, error)
}

// RefreshPlan computes a tenant's plan from its stored snapshot and inputs,
// assessed as of the moment its verdicts were written, and stores it. The
// page calls it when the stored plan is missing or older than the verdicts
// (a sync whose plan could not be saved, a tenant synced before plans).
func RefreshPlan(ctx context.Context, store PlanStore, tenantID string) (Plan, error) {
	basis, asOf, err := store.VerdictsWrittenAt(ctx, tenantID)
	if err != nil {
		return Plan{}, err
	}
	snap, err := store.LoadSnapshot(ctx, tenantID)
	if err != nil {
		return Plan{}, err
	}
	in, _, err := store.AssessInputs(ctx, tenantID, "", asOf)
	if err != nil {
		return Plan{}, err
	}
	p := PlanFixes(snap, in, Assess(snap, in))
	return p, store.SavePlan(ctx, tenantID, basis, p)
}

// keepPlan stores the plan of a result just written, when the store keeps
// plans. The verdicts are stored already: a plan that cannot be saved is
// logged, not a failed sync, and the page computes it afresh (RefreshPlan).
func keepPlan(ctx context.Context, store any, tenantID string, snap *Snapshot, in Inputs, res Result) {
	saver, ok := store.(PlanSaver)
	if !ok {
		return
	}
	if in.AsOf.IsZero() {
		in.AsOf = res.Tenant.AsOf
	}
	if err := saver.SavePlan(ctx, tenantID, time.Time{}, PlanFixes(snap, in, res)); err != nil {
		slog.Warn("the remediation plan was not saved; /plan computes it when next opened", "tenant", tenantID, "error", err)
	}
}

// CanTurnFixIntoWork says whether a may turn a fix into work: assign its
// accounts' cards, date them and plan them in one action. It is a bulk edit
// of assignments and due dates, so it is a security lead's.
func CanTurnFixIntoWork(a Actor) error { return leadOnly(a, "turn a fix into work") }

// FixWork is what a lead chooses when turning a fix into work.
type FixWork struct {
	Assignee string    // an engineer's or security lead's user id
	Due      time.Time // a calendar day
}

// Validate returns nil, or one EINVALID error naming every problem.
func (w FixWork) Validate(now time.Time) error {
	var problems []string
	if strings.TrimSpace(w.Assignee) == "" {
		problems = append(problems, "Choose who does the work.")
	}
	today := now.UTC().Truncate(24 * time.Hour)
	switch {
	case w.Due.IsZero():
		problems = append(problems, "Choose a due date.")
	case w.Due.Before(today):
		problems = append(problems, "The due date "+w.Due.Format("2 Jan 2006")+" has already passed: choose today or a later day.")
	}
	if len(problems) > 0 {
		return Errorf(EINVALID, "%s", strings.Join(problems, " "))
	}
	return nil
}

// FixWorkOutcome says what turning a fix into work changed.
type FixWorkOutcome struct {
	Planned  int // cards moved to planned (from triage or verified)
	Assigned int // cards given the assignee or the due date
	// InWork counts the cards left as they were because work on them has
	// started already (in progress, blocked, remediated, an exception).
	InWork int
}
