package pg

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// AuditEvent is one entry of the append-only record: who, when, what, from,
// to and why.
type AuditEvent struct {
	ID        int64     // the order events were recorded in
	At        time.Time // set by the database when recorded
	ActorID   string    // a user id, or "sync", "expiry"
	ActorName string    // the actor's name at the time
	TenantID  string    // "" for events that concern no tenant
	AccountID string    // "" for events that concern no account
	// AccountUPN is the account's UPN as it is now, read back with the event.
	AccountUPN string
	Action     string
	From, To   string
	Reason     string
	Details    map[string]any
}

// AuditFilter selects events. Empty fields do not filter.
type AuditFilter struct {
	// TenantID selects the tenant's events and the events that concern no
	// tenant (sign-ins, user management), which belong to every tenant's
	// record; with AccountID only that account's events.
	TenantID, AccountID, ActorID, Action string
	// Search finds the events of the accounts whose UPN or name holds it
	// (or whose id it is), and of the people so named.
	Search   string
	From, To time.Time // From inclusive, To exclusive
	// Limit 0 is DefaultPageSize for Audit and everything for StreamAudit.
	Limit, Offset int
}

// RecordEvent appends one event to the record. ActorID and Action are
// required; At is the database's clock, whatever e.At says.
func (s *Store) RecordEvent(ctx context.Context, e AuditEvent) error {
	if err := insertEvent(ctx, s.pool, e); err != nil {
		return fmt.Errorf("store: record event: %w", err)
	}
	return nil
}

// recordAs appends e, done by actor, on q: the transaction of the change it
// records, so the change and its record commit together or not at all.
// Where the person acted from (actor.Address) goes into Details "ip".
func recordAs(ctx context.Context, q querier, actor inventory.Actor, e AuditEvent) error {
	e.ActorID, e.ActorName = actor.ID, actor.Name
	if actor.Address != "" {
		details := make(map[string]any, len(e.Details)+1)
		maps.Copy(details, e.Details)
		details["ip"] = actor.Address
		e.Details = details
	}
	if err := insertEvent(ctx, q, e); err != nil {
		return fmt.Errorf("record %s: %w", e.Action, err)
	}
	return nil
}

func insertEvent(ctx context.Context, q querier, e AuditEvent) error {
	if strings.TrimSpace(e.ActorID) == "" {
		return inventory.Errorf(inventory.EINVALID, "An audit event needs the id of who acted.")
	}
	if strings.TrimSpace(e.Action) == "" {
		return inventory.Errorf(inventory.EINVALID, "An audit event needs its action.")
	}
	var details []byte
	if len(e.Details) > 0 {
		var err error
		if details, err = json.Marshal(e.Details); err != nil {
			return fmt.Errorf("details: %w", err)
		}
	}
	_, err := q.Exec(ctx, `
		INSERT INTO audit_events (actor_id, actor_name, tenant_id, account_id, action,
		                          from_value, to_value, reason, details)
		VALUES ($1, $2, nullif($3, ''), nullif($4, ''), $5, $6, $7, $8, $9)`,
		e.ActorID, e.ActorName, e.TenantID, e.AccountID, e.Action, e.From, e.To, e.Reason, details)
	return err
}

// Audit returns a page of events matching f, newest first (in the order
// they were recorded), with the number of all matching events.
func (s *Store) Audit(ctx context.Context, f AuditFilter) ([]AuditEvent, int, error) {
	if f.Limit == 0 {
		f.Limit = DefaultPageSize
	}
	if f.Limit < 0 || f.Limit > MaxPageSize || f.Offset < 0 {
		return nil, 0, inventory.Errorf(inventory.EINVALID,
			"A page of the audit trail holds 1 to %d events from an offset of 0 or more.", MaxPageSize)
	}
	where, args := auditWhere(f)
	var (
		events []AuditEvent
		total  int
	)
	batch := &pgx.Batch{}
	batch.Queue(`SELECT count(*) FROM audit_events e WHERE `+where, args...).QueryRow(func(row pgx.Row) error {
		return row.Scan(&total)
	})
	n := len(args)
	batch.Queue(auditSelect+where+` ORDER BY e.id DESC LIMIT $`+strconv.Itoa(n+1)+
		` OFFSET $`+strconv.Itoa(n+2), append(args, f.Limit, f.Offset)...).Query(func(rows pgx.Rows) error {
		var err error
		events, err = pgx.CollectRows(rows, scanAuditEvent)
		return err
	})
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return nil, 0, fmt.Errorf("store: audit: %w", err)
	}
	return events, total, nil
}

// StreamAudit calls fn with every event matching f, oldest first (an
// export reads as the story it tells), without holding them all in memory.
// An error from fn stops the stream and is returned as it is.
func (s *Store) StreamAudit(ctx context.Context, f AuditFilter, fn func(AuditEvent) error) error {
	return s.readOnly(ctx, "stream audit", func(tx pgx.Tx) error { return streamAudit(ctx, tx, f, fn) })
}

// streamAudit is StreamAudit on q. fn's error comes back as a *yieldError.
func streamAudit(ctx context.Context, q querier, f AuditFilter, fn func(AuditEvent) error) error {
	if f.Limit < 0 || f.Offset < 0 {
		return inventory.Errorf(inventory.EINVALID, "An export of the audit trail takes a limit and an offset of 0 or more.")
	}
	where, args := auditWhere(f)
	sql := auditSelect + where + ` ORDER BY e.id`
	if f.Limit > 0 {
		args = append(args, f.Limit)
		sql += ` LIMIT $` + strconv.Itoa(len(args))
	}
	args = append(args, f.Offset)
	sql += ` OFFSET $` + strconv.Itoa(len(args))
	return forEachRow(ctx, q, sql, args, scanAuditEvent, func(e AuditEvent) error {
		if err := fn(e); err != nil {
			return &yieldError{err}
		}
		return nil
	})
}

const auditSelect = `
	SELECT e.id, e.at, e.actor_id, e.actor_name, coalesce(e.tenant_id, ''), coalesce(e.account_id, ''),
	       coalesce(a.upn, ''), e.action, e.from_value, e.to_value, e.reason, e.details
	FROM audit_events e
	LEFT JOIN accounts a ON a.tenant_id = e.tenant_id AND a.id = e.account_id
	WHERE `

func auditWhere(f AuditFilter) (string, []any) {
	w := sqlWhere{conds: []string{"true"}}
	switch {
	case f.TenantID != "" && f.AccountID != "":
		w.add("e.tenant_id = $?", f.TenantID)
		w.add("e.account_id = $?", f.AccountID)
	case f.TenantID != "":
		w.add("(e.tenant_id = $? OR e.tenant_id IS NULL)", f.TenantID)
	case f.AccountID != "":
		w.add("e.account_id = $?", f.AccountID)
	}
	w.addIf("e.actor_id = $?", f.ActorID)
	w.addIf("e.action = $?", f.Action)
	if f.Search != "" {
		exact := w.arg(f.Search)
		w.add(`(e.account_id = `+exact+` OR e.actor_name ILIKE $? OR e.details->>'email' ILIKE $? OR EXISTS (
			SELECT 1 FROM accounts s WHERE s.tenant_id = e.tenant_id AND s.id = e.account_id
			AND (s.upn ILIKE $? OR s.display_name ILIKE $?)))`, "%"+escapeLike(f.Search)+"%")
	}
	if !f.From.IsZero() {
		w.add("e.at >= $?", f.From)
	}
	if !f.To.IsZero() {
		w.add("e.at < $?", f.To)
	}
	return w.sql(), w.args
}

func scanAuditEvent(row pgx.CollectableRow) (AuditEvent, error) {
	var (
		e       AuditEvent
		details []byte
	)
	if err := row.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.TenantID, &e.AccountID, &e.AccountUPN,
		&e.Action, &e.From, &e.To, &e.Reason, &details); err != nil {
		return e, err
	}
	e.At = e.At.UTC()
	if details != nil {
		if err := json.Unmarshal(details, &e.Details); err != nil {
			return e, fmt.Errorf("event %d details: %w", e.ID, err)
		}
	}
	return e, nil
}

// insertEvents records events of one actor in one tenant in one statement.
func insertEvents(ctx context.Context, tx pgx.Tx, actor inventory.Actor, tenantID string, events []AuditEvent) error {
	if len(events) == 0 {
		return nil
	}
	cols := make([][]string, 6)
	for _, e := range events {
		details := ""
		if len(e.Details) > 0 {
			b, err := json.Marshal(e.Details)
			if err != nil {
				return fmt.Errorf("event details: %w", err)
			}
			details = string(b)
		}
		for i, v := range []string{e.AccountID, e.Action, e.From, e.To, e.Reason, details} {
			cols[i] = append(cols[i], v)
		}
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO audit_events (actor_id, actor_name, tenant_id, account_id, action, from_value, to_value,
		                          reason, details)
		SELECT $1, $2, $3, e.account_id, e.action, e.from_value, e.to_value, e.reason, nullif(e.details, '')::jsonb
		FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
			AS e(account_id, action, from_value, to_value, reason, details)`,
		actor.ID, actor.Name, tenantID, cols[0], cols[1], cols[2], cols[3], cols[4], cols[5])
	if err != nil {
		return fmt.Errorf("record events: %w", err)
	}
	return nil
}
