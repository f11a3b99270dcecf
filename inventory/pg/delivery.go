package pg

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// The store implements what scheduled delivery needs.
var _ inventory.DeliveryStore = (*Store)(nil)

const deliveryColumns = `tenant_id, enabled, interval_seconds, weekday, hour, time_zone,
	smtp_host, smtp_port, smtp_from, smtp_to, smtp_username, webhook_url,
	updated_by, updated_at, last_due_at, last_sent_at, last_outcome, last_failed, change_alerts`

// DeliverySettings returns a tenant's delivery settings: the saved ones, or
// delivery off with a weekly schedule when nobody saved any. A tenant not
// stored is ENOTFOUND.
func (s *Store) DeliverySettings(ctx context.Context, tenantID string) (inventory.DeliverySettings, error) {
	st, err := deliverySettings(ctx, s.pool, tenantID, "")
	if err != nil && inventory.ErrorCode(err) == inventory.EINTERNAL {
		return inventory.DeliverySettings{}, fmt.Errorf("store: delivery settings: %w", err)
	}
	return st, err
}

// deliverySettings is DeliverySettings on q, with lock ("" or "FOR
// UPDATE") on the settings' row when there is one.
func deliverySettings(ctx context.Context, q querier, tenantID, lock string) (inventory.DeliverySettings, error) {
	saved, err := queryRows(ctx, q, `SELECT `+deliveryColumns+` FROM delivery_settings WHERE tenant_id = $1 `+lock, []any{tenantID}, scanDelivery)
	if err != nil {
		return inventory.DeliverySettings{}, err
	}
	if len(saved) == 0 { // tenant_id is the key: one row or none
		var exists bool
		if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tenants WHERE id = $1)`, tenantID).Scan(&exists); err != nil {
			return inventory.DeliverySettings{}, err
		}
		if !exists {
			return inventory.DeliverySettings{}, inventory.Errorf(inventory.ENOTFOUND, "tenant %s is not in the database", tenantID)
		}
		return inventory.DeliverySettings{TenantID: tenantID, Schedule: inventory.WeeklyDelivery, Mail: inventory.DeliveryMail{Port: 587}, ChangeAlerts: true}, nil
	}
	return saved[0], nil
}

// SaveDeliverySettings validates and stores a tenant's settings for actor,
// with the change on the audit trail, in one transaction: who may is
// inventory.CanChangeSettings. The record of the last delivery is kept. The
// event names where the report goes by host only: the audit trail is read
// by everyone and a webhook's URL is a secret.
func (s *Store) SaveDeliverySettings(ctx context.Context, actor inventory.Actor, tenantID string, st inventory.DeliverySettings) error {
	return s.inTx(ctx, "save delivery settings", func(tx pgx.Tx) error {
		if err := inventory.CanChangeSettings(actor); err != nil {
			return err
		}
		if err := st.Validate(); err != nil {
			return err
		}
		old, err := deliverySettings(ctx, tx, tenantID, "FOR UPDATE")
		if err != nil {
			return err
		}
		var interval *int64
		if st.Schedule.Every > 0 {
			secs := int64(st.Schedule.Every / time.Second)
			interval = &secs
		}
		tz := st.Schedule.TimeZone
		if tz == "" {
			tz = "UTC"
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO delivery_settings (tenant_id, enabled, interval_seconds, weekday, hour, time_zone,
			       smtp_host, smtp_port, smtp_from, smtp_to, smtp_username, webhook_url, updated_by, updated_at, change_alerts)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now(), $14)
			ON CONFLICT (tenant_id) DO UPDATE SET
			       enabled = excluded.enabled, interval_seconds = excluded.interval_seconds,
			       weekday = excluded.weekday, hour = excluded.hour, time_zone = excluded.time_zone,
			       smtp_host = excluded.smtp_host, smtp_port = excluded.smtp_port, smtp_from = excluded.smtp_from,
			       smtp_to = excluded.smtp_to, smtp_username = excluded.smtp_username,
			       webhook_url = excluded.webhook_url, updated_by = excluded.updated_by, updated_at = excluded.updated_at,
			       change_alerts = excluded.change_alerts`,
			tenantID, st.Enabled, interval, int(st.Schedule.Weekday), st.Schedule.Hour, tz,
			st.Mail.Host, st.Mail.Port, st.Mail.From, nonNil(st.Mail.To), st.Mail.Username, st.Webhook, actor.Name, st.ChangeAlerts)
		if err != nil {
			return err
		}
		return recordAs(ctx, tx, actor, AuditEvent{TenantID: tenantID, Action: inventory.ActionDeliverySettings,
			From: onOff(old.Enabled), To: onOff(st.Enabled), Reason: st.Schedule.String() + ", to " + st.Describe()})
	})
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// DeliveryToSend reads, for actor to send the report by hand now, the
// tenant's delivery settings and its readiness at now, in one transaction:
// who may is inventory.CanChangeSettings. Settings with nowhere to send to
// are EINVALID. The outcome is kept with RecordDeliverySent.
func (s *Store) DeliveryToSend(ctx context.Context, actor inventory.Actor, tenantID string, now time.Time) (inventory.DeliverySettings, *inventory.Readiness, error) {
	var (
		st inventory.DeliverySettings
		r  *inventory.Readiness
	)
	err := s.readOnly(ctx, "delivery to send", func(tx pgx.Tx) error {
		if err := inventory.CanChangeSettings(actor); err != nil {
			return err
		}
		var err error
		if st, err = deliverySettings(ctx, tx, tenantID, ""); err != nil {
			return err
		}
		if !st.Mail.Configured() && st.Webhook == "" {
			return inventory.Errorf(inventory.EINVALID, "Nothing to send to yet: set up an SMTP server or a webhook and save first.")
		}
		r, err = readiness(ctx, tx, tenantID, now)
		return err
	})
	if err != nil {
		return inventory.DeliverySettings{}, nil, err
	}
	return st, r, nil
}

// RecordDeliverySent keeps the outcome of a delivery actor sent by hand at
// `at` (see DeliveryToSend) for the settings page, with the outcome on the
// audit trail, in one transaction: who may is inventory.CanChangeSettings.
func (s *Store) RecordDeliverySent(ctx context.Context, actor inventory.Actor, tenantID string, at time.Time, o inventory.DeliveryOutcome) error {
	return s.inTx(ctx, "record delivery sent", func(tx pgx.Tx) error {
		if err := inventory.CanChangeSettings(actor); err != nil {
			return err
		}
		if err := recordDelivery(ctx, tx, tenantID, at, o); err != nil {
			return err
		}
		return recordAs(ctx, tx, actor, AuditEvent{TenantID: tenantID, Action: inventory.ActionDeliverySent, Reason: o.String()})
	})
}

// EnabledDeliveries returns the settings of every tenant with delivery on.
func (s *Store) EnabledDeliveries(ctx context.Context) ([]inventory.DeliverySettings, error) {
	all, err := queryRows(ctx, s.pool, `SELECT `+deliveryColumns+` FROM delivery_settings WHERE enabled ORDER BY tenant_id`, nil, scanDelivery)
	if err != nil {
		return nil, fmt.Errorf("store: enabled deliveries: %w", err)
	}
	return all, nil
}

// ClaimDelivery takes the scheduled moment due for a tenant whose delivery
// is on; it reports false when another caller took it (or a later one)
// first. The update is the lock: concurrent claims of one moment serialise
// on the row, and the second sees last_due_at already there.
func (s *Store) ClaimDelivery(ctx context.Context, tenantID string, due time.Time) (bool, error) {
	tag, err := s.pool.Exec(ctx, `
		UPDATE delivery_settings SET last_due_at = $2
		WHERE tenant_id = $1 AND enabled AND (last_due_at IS NULL OR last_due_at < $2)`, tenantID, due)
	if err != nil {
		return false, fmt.Errorf("store: claim delivery: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// RecordDelivery keeps the outcome of a delivery made at `at` (scheduled or
// sent by hand) for the settings page.
func (s *Store) RecordDelivery(ctx context.Context, tenantID string, at time.Time, o inventory.DeliveryOutcome) error {
	if err := recordDelivery(ctx, s.pool, tenantID, at, o); err != nil {
		return fmt.Errorf("store: record delivery: %w", err)
	}
	return nil
}

func recordDelivery(ctx context.Context, q querier, tenantID string, at time.Time, o inventory.DeliveryOutcome) error {
	_, err := q.Exec(ctx, `
		UPDATE delivery_settings SET last_sent_at = $2, last_outcome = $3, last_failed = $4
		WHERE tenant_id = $1`, tenantID, at, o.String(), !o.OK())
	return err
}

func scanDelivery(row pgx.CollectableRow) (inventory.DeliverySettings, error) {
	var (
		st                inventory.DeliverySettings
		interval          *int64
		weekday, hour     int16
		lastDue, lastSent *time.Time
	)
	err := row.Scan(&st.TenantID, &st.Enabled, &interval, &weekday, &hour, &st.Schedule.TimeZone,
		&st.Mail.Host, &st.Mail.Port, &st.Mail.From, &st.Mail.To, &st.Mail.Username, &st.Webhook,
		&st.UpdatedBy, &st.UpdatedAt, &lastDue, &lastSent, &st.LastOutcome, &st.LastFailed, &st.ChangeAlerts)
	if interval != nil {
		st.Schedule.Every = time.Duration(*interval) * time.Second
	}
	st.Schedule.Weekday, st.Schedule.Hour = time.Weekday(weekday), int(hour)
	st.Mail.To = nilIfEmpty(st.Mail.To)
	st.UpdatedAt = st.UpdatedAt.UTC()
	st.LastDue, st.LastSent = timeFromNull(lastDue), timeFromNull(lastSent)
	return st, err
}
