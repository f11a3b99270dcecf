-- The remediation plan of each tenant (issue 11, /plan): the fixes computed
-- by inventory.PlanFixes when a sync or a reassessment writes the verdicts,
-- so the page reads rows instead of assessing the tenant again.

-- +goose Up

-- basis is tenant_counts.updated_at of the verdicts the plan was drawn
-- from: every transaction that writes verdicts sets it, so a plan whose
-- basis differs is stale and is computed again before it is shown.
CREATE TABLE plans (
    tenant_id     text PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    basis         timestamptz NOT NULL,
    as_of         timestamptz NOT NULL,
    open_accounts integer NOT NULL,
    computed_at   timestamptz NOT NULL DEFAULT now()
);

-- One row per fix, in rank order. accounts holds every open account the
-- fix touches ([{id, upn, name, compliance, after, privileged, resolved}]),
-- read only for one fix's drill-down and when it is turned into work;
-- preview holds the first few, for the list.
CREATE TABLE plan_fixes (
    tenant_id           text NOT NULL REFERENCES plans (tenant_id) ON DELETE CASCADE,
    id                  text NOT NULL,
    rank                integer NOT NULL,
    kind                text NOT NULL,
    title               text NOT NULL,
    target              jsonb NOT NULL DEFAULT '{}',
    also                jsonb NOT NULL DEFAULT '[]',
    docs                text NOT NULL DEFAULT '',
    touches             integer NOT NULL,
    privileged          integer NOT NULL,
    resolves            integer NOT NULL,
    privileged_resolved integer NOT NULL,
    preview             jsonb NOT NULL DEFAULT '[]',
    accounts            jsonb NOT NULL DEFAULT '[]',
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, rank)
);

-- +goose Down
DROP TABLE plan_fixes;
DROP TABLE plans;
