-- Scheduled delivery of the readiness report (issue 5): per tenant, the PDF
-- by e-mail and a summary to a Teams or Slack incoming webhook, weekly or at
-- an interval.

-- +goose Up

CREATE TABLE delivery_settings (
    tenant_id      text PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    enabled        boolean NOT NULL DEFAULT false,
    -- When: every interval_seconds, or else weekly on weekday (0 = Sunday)
    -- at hour in time_zone (an IANA name).
    interval_seconds bigint CHECK (interval_seconds > 0),
    weekday        smallint NOT NULL DEFAULT 1 CHECK (weekday BETWEEN 0 AND 6),
    hour           smallint NOT NULL DEFAULT 8 CHECK (hour BETWEEN 0 AND 23),
    time_zone      text NOT NULL DEFAULT 'UTC',
    -- E-mail; '' host sends none. The SMTP password is never stored
    -- (DOMAIN.md §5): it comes from MFABOARD_SMTP_PASSWORD when sending.
    smtp_host      text NOT NULL DEFAULT '',
    smtp_port      integer NOT NULL DEFAULT 587 CHECK (smtp_port BETWEEN 1 AND 65535),
    smtp_from      text NOT NULL DEFAULT '',
    smtp_to        text[] NOT NULL DEFAULT '{}',
    smtp_username  text NOT NULL DEFAULT '',
    -- The incoming webhook URL carries its own secret: stored because it
    -- must be, but never logged and shown by its host only. '' posts none.
    webhook_url    text NOT NULL DEFAULT '',
    updated_by     text NOT NULL DEFAULT '',
    updated_at     timestamptz NOT NULL DEFAULT now(),
    -- The scheduled moment last taken: a replica claims a moment by moving
    -- this forward, so of several replicas exactly one sends it.
    last_due_at    timestamptz,
    last_sent_at   timestamptz,
    last_outcome   text NOT NULL DEFAULT '',
    last_failed    boolean NOT NULL DEFAULT false
);
CREATE INDEX delivery_settings_enabled ON delivery_settings (tenant_id) WHERE enabled;

-- +goose Down
DROP TABLE delivery_settings;
