package pg

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// The exports: each reads its data for actor and records the export on the
// audit trail in one transaction, at repeatable read so the file is one
// moment's. Who may export is inventory.CanExport. The event is written
// before the first row is read: no export leaves without its record, and
// an export that fails on the way is rolled back with it (the web layer
// logs one that failed after its first byte). A refusal comes before any
// row, so the caller can still answer it with an error page.

// What an export is called on the audit trail (the event's To).
const (
	ExportReadinessPDF = "readiness PDF"
	ExportWorkbook     = "readiness workbook"
	ExportAccountsCSV  = "account list CSV"
	ExportAuditCSV     = "audit trail CSV"
	ExportSplitCSV     = "split move list CSV"
)

// ExportReadiness is Readiness, for actor's readiness PDF.
func (s *Store) ExportReadiness(ctx context.Context, actor inventory.Actor, tenantID string, now time.Time) (*inventory.Readiness, error) {
	var r *inventory.Readiness
	err := s.export(ctx, actor, tenantID, ExportReadinessPDF, func(tx pgx.Tx) error {
		var err error
		r, err = readiness(ctx, tx, tenantID, now)
		return err
	})
	return r, err
}

// ExportWorkbook is ReadinessWithAccounts, for actor's readiness workbook.
// fn's error is returned as it is, and the export is not recorded.
func (s *Store) ExportWorkbook(ctx context.Context, actor inventory.Actor, tenantID string, now time.Time,
	fn func(r *inventory.Readiness, accounts func(yield func(inventory.AccountLine) error) error) error) error {
	return s.export(ctx, actor, tenantID, ExportWorkbook, func(tx pgx.Tx) error {
		r, err := readiness(ctx, tx, tenantID, now)
		if err != nil {
			return err
		}
		err = fn(r, func(yield func(inventory.AccountLine) error) error {
			return streamAccountLines(ctx, tx, AccountFilter{TenantID: tenantID}, yield)
		})
		if err != nil {
			return &yieldError{err}
		}
		return nil
	})
}

// ExportAccountLines is StreamAccountLines, for actor's account list CSV.
func (s *Store) ExportAccountLines(ctx context.Context, actor inventory.Actor, f AccountFilter, fn func(inventory.AccountLine) error) error {
	return s.export(ctx, actor, f.TenantID, ExportAccountsCSV, func(tx pgx.Tx) error {
		return streamAccountLines(ctx, tx, f, fn)
	})
}

// ExportAudit is StreamAudit, for actor's CSV of the audit trail. The
// export's own event is in it when f selects it: the record ends with it.
func (s *Store) ExportAudit(ctx context.Context, actor inventory.Actor, f AuditFilter, fn func(AuditEvent) error) error {
	return s.export(ctx, actor, f.TenantID, ExportAuditCSV, func(tx pgx.Tx) error {
		return streamAudit(ctx, tx, f, fn)
	})
}

// ExportSplitPlan is SplitPlan, for actor's move list CSV.
func (s *Store) ExportSplitPlan(ctx context.Context, actor inventory.Actor, tenantID string) (inventory.SplitPlan, error) {
	var plan inventory.SplitPlan
	err := s.export(ctx, actor, tenantID, ExportSplitCSV, func(tx pgx.Tx) error {
		var err error
		plan, err = splitPlan(ctx, tx, tenantID)
		return err
	})
	return plan, err
}

// export runs read for actor's export what of tenantID ("" for none) in a
// transaction at repeatable read that first records it. The caller's own
// error (a *yieldError) comes back as it is.
func (s *Store) export(ctx context.Context, actor inventory.Actor, tenantID, what string, read func(tx pgx.Tx) error) error {
	return s.runTx(ctx, "export "+what, pgx.TxOptions{IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		if err := inventory.CanExport(actor); err != nil {
			return err
		}
		if err := recordAs(ctx, tx, actor, AuditEvent{TenantID: tenantID, Action: inventory.ActionExport, To: what}); err != nil {
			return err
		}
		return read(tx)
	})
}
