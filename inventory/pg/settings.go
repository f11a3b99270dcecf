package pg

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// TenantSettings returns a tenant's recognition rules: the ones saved for
// it, or the defaults of its kind if nobody saved any.
func (s *Store) TenantSettings(ctx context.Context, tenantID string) (inventory.Settings, error) {
	return tenantSettings(ctx, s.pool, tenantID)
}

func tenantSettings(ctx context.Context, q querier, tenantID string) (inventory.Settings, error) {
	return readSettings(ctx, q, `SELECT kind, settings FROM tenants WHERE id = $1`, tenantID)
}

// readSettings reads a tenant's kind and settings with query.
func readSettings(ctx context.Context, q querier, query, tenantID string) (inventory.Settings, error) {
	var (
		kind     inventory.TenantKind
		settings []byte
	)
	err := q.QueryRow(ctx, query, tenantID).Scan(&kind, &settings)
	if errors.Is(err, pgx.ErrNoRows) {
		return inventory.Settings{}, inventory.Errorf(inventory.ENOTFOUND, "tenant %s is not in the database", tenantID)
	}
	if err != nil {
		return inventory.Settings{}, fmt.Errorf("store: tenant settings: %w", err)
	}
	st, err := decodeSettings(kind, settings)
	if err != nil {
		return inventory.Settings{}, fmt.Errorf("store: tenant settings: %w", err)
	}
	return st, nil
}

// saveSettings writes a settings change in tx: who may is
// inventory.CanChangeSettings, what is valid Settings.Validate; a save that
// changes nothing records nothing. A Kind of "" keeps the tenant's kind. A
// tenant not stored is ENOTFOUND.
func saveSettings(ctx context.Context, tx pgx.Tx, c inventory.SettingsChange, tenantID string) error {
	if err := c.Check(); err != nil {
		return err
	}
	st := c.Settings
	old, err := readSettings(ctx, tx, `SELECT kind, settings FROM tenants WHERE id = $1 FOR UPDATE`, tenantID)
	if err != nil {
		return err
	}
	if st.Kind == "" {
		st.Kind = old.Kind
	}
	changed := inventory.SettingsChanges(old, st)
	if len(changed) == 0 {
		return nil
	}
	b, err := encodeSettings(st)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE tenants SET settings = $2, kind = $3 WHERE id = $1`, tenantID, b, string(st.Kind)); err != nil {
		return err
	}
	return recordAs(ctx, tx, c.Actor, AuditEvent{TenantID: tenantID, Action: inventory.ActionSettings,
		From: string(old.Kind), To: string(st.Kind), Reason: "changed " + strings.Join(changed, ", ")})
}

// Deadline returns a tenant's enforcement deadline (midnight UTC of the
// day), zero when none is set. A tenant not stored is ENOTFOUND.
func (s *Store) Deadline(ctx context.Context, tenantID string) (time.Time, error) {
	var day *time.Time
	err := s.pool.QueryRow(ctx, `SELECT enforcement_deadline FROM tenants WHERE id = $1`, tenantID).Scan(&day)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, inventory.Errorf(inventory.ENOTFOUND, "tenant %s is not in the database", tenantID)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: deadline: %w", err)
	}
	return dayFromNull(day), nil
}

// SetDeadline sets a tenant's enforcement deadline to day's calendar day, as
// given (zero clears it), as actor, with the change on the audit trail. Only a
// security lead may (inventory.CanChangeSettings): the deadline is a tenant
// setting. Setting the day it already has records nothing.
func (s *Store) SetDeadline(ctx context.Context, actor inventory.Actor, tenantID string, day time.Time) error {
	if err := inventory.CanChangeSettings(actor); err != nil {
		return err
	}
	if !day.IsZero() && (day.Year() < 2000 || day.Year() > 2100) {
		return inventory.Errorf(inventory.EINVALID, "The deadline %s is not a plausible date: choose a day between 2000 and 2100.", day.Format("2 Jan 2006"))
	}
	to := dateText(day)
	return s.inTx(ctx, "set deadline", func(tx pgx.Tx) error {
		var old *time.Time
		err := tx.QueryRow(ctx, `SELECT enforcement_deadline FROM tenants WHERE id = $1 FOR UPDATE`, tenantID).Scan(&old)
		if errors.Is(err, pgx.ErrNoRows) {
			return inventory.Errorf(inventory.ENOTFOUND, "tenant %s is not in the database", tenantID)
		}
		if err != nil {
			return fmt.Errorf("read deadline: %w", err)
		}
		from := dateText(dayFromNull(old))
		if from == to {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE tenants SET enforcement_deadline = $2::date WHERE id = $1`, tenantID, nullIfBlank(to)); err != nil {
			return fmt.Errorf("write deadline: %w", err)
		}
		return insertEvent(ctx, tx, AuditEvent{ActorID: actor.ID, ActorName: actor.Name, TenantID: tenantID,
			Action: inventory.ActionDeadline, From: from, To: to})
	})
}

// dayFromNull reads a nullable date as midnight UTC, zero for NULL.
func dayFromNull(d *time.Time) time.Time {
	if d == nil {
		return time.Time{}
	}
	y, m, dd := d.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
}
