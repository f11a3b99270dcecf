-- What changed since the last sync (issue 13 §4): each sync records every
-- account whose verdict moved since the one before, with the causes in
-- words, in the sync's own transaction (a failed sync records nothing).
-- A tenant's first sync records none.

-- +goose Up
CREATE TABLE sync_changes (
    id          bigserial PRIMARY KEY,
    run_id      bigint NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
    tenant_id   text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    account_id  text NOT NULL,
    upn         text NOT NULL,
    -- NULL from: a new account; NULL to: a removed one.
    from_compliance text,
    to_compliance   text,
    direction   text NOT NULL CHECK (direction IN ('worse', 'better', 'changed', 'new', 'removed')),
    regression  boolean NOT NULL,
    causes      text[] NOT NULL DEFAULT '{}',
    at          timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX sync_changes_tenant_newest ON sync_changes (tenant_id, run_id DESC, id);

-- Leads may switch off the alert a sync sends at once when it finds
-- regressions (on by default: the alert is the point).
ALTER TABLE delivery_settings ADD COLUMN change_alerts boolean NOT NULL DEFAULT true;

-- +goose Down
ALTER TABLE delivery_settings DROP COLUMN change_alerts;
DROP TABLE sync_changes;
