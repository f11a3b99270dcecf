-- The readiness trend (issue 5): a tenant's counts once a day, and the
-- enforcement deadline management plans against.

-- +goose Up

-- The day management must be ready by; null: none set. A date, not a
-- moment: people plan in days.
ALTER TABLE tenants ADD COLUMN enforcement_deadline date;

-- A tenant's counts on one day: every successful sync replaces the day's
-- row, and a daily job takes one on days without a sync, so the chart has a
-- point a day whatever the sync schedule. The verdict columns count the
-- accounts in the tenant (not removed), as the tenant verdict does;
-- applicable is every enabled account (all but not_applicable). The
-- privileged columns count the accounts with the privileged marker, which
-- the readiness view shows apart (DOMAIN.md §6).
CREATE TABLE tenant_counts_daily (
    tenant_id                text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    day                      date NOT NULL,
    non_compliant            integer NOT NULL DEFAULT 0 CHECK (non_compliant >= 0),
    at_risk                  integer NOT NULL DEFAULT 0 CHECK (at_risk >= 0),
    excepted                 integer NOT NULL DEFAULT 0 CHECK (excepted >= 0),
    compliant                integer NOT NULL DEFAULT 0 CHECK (compliant >= 0),
    not_applicable           integer NOT NULL DEFAULT 0 CHECK (not_applicable >= 0),
    applicable               integer GENERATED ALWAYS AS (non_compliant + at_risk + excepted + compliant) STORED,
    privileged_non_compliant integer NOT NULL DEFAULT 0 CHECK (privileged_non_compliant >= 0),
    privileged_at_risk       integer NOT NULL DEFAULT 0 CHECK (privileged_at_risk >= 0),
    privileged_applicable    integer NOT NULL DEFAULT 0 CHECK (privileged_applicable >= 0),
    recorded_at              timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, day)
);

-- +goose Down
DROP TABLE tenant_counts_daily;
ALTER TABLE tenants DROP COLUMN enforcement_deadline;
