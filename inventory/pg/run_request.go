package pg

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// Enqueue puts a sync job on the job queue in tx, so the job and the record
// of who asked for it commit together. queued is false when a sync was
// already waiting or running (the queue keeps one), jobID the job's id.
type Enqueue func(ctx context.Context, tx pgx.Tx) (jobID int64, queued bool, err error)

// RequestSync starts a sync for actor: who may is inventory.CanStartSync,
// and the request is on the audit trail in the transaction that queues it.
// queued is false when a sync was already waiting or running; the request
// is recorded then too, saying so.
func (s *Store) RequestSync(ctx context.Context, actor inventory.Actor, enqueue Enqueue) (queued bool, err error) {
	err = s.inTx(ctx, "request a sync", func(tx pgx.Tx) error {
		if err := inventory.CanStartSync(actor); err != nil {
			return err
		}
		id, q, err := enqueue(ctx, tx)
		if err != nil {
			return err
		}
		queued = q
		e := AuditEvent{Action: inventory.ActionSyncRequested, To: "queued", Details: map[string]any{"job_id": id}}
		if !q {
			e.To, e.Reason = "already queued", "a sync was already waiting or running"
		}
		return recordAs(ctx, tx, actor, e)
	})
	return queued, err
}
