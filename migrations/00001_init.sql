-- The inventory: tenants, their sync runs, the accounts and directory objects
-- a sync read, and the current verdict on each account. The workflow board,
-- audit trail, exceptions and the dashboard's own users come in later
-- migrations.

-- +goose Up

-- A tenant is keyed by its Entra tenant id. What describes the tenant as a
-- whole in the last successful sync (security defaults, the collections the
-- source had, the warnings met) lives here too: it is replaced with the
-- snapshot, one row per tenant.
CREATE TABLE tenants (
    id                text PRIMARY KEY CHECK (id <> ''),
    display_name      text NOT NULL DEFAULT '',
    domains           text[] NOT NULL DEFAULT '{}',
    kind              text NOT NULL DEFAULT 'mixed'
                      CHECK (kind IN ('mixed', 'csp', 'production')),
    -- The recognition rules (patterns, window, ...); null means the defaults
    -- of the kind, so a change of defaults reaches tenants nobody tuned.
    settings          jsonb,
    -- null: the security defaults policy could not be read.
    security_defaults boolean,
    present           text[] NOT NULL DEFAULT '{}',
    -- [{source, field, message}] from the last successful sync.
    warnings          jsonb NOT NULL DEFAULT '[]',
    created_at        timestamptz NOT NULL DEFAULT now(),
    last_synced_at    timestamptz,
    last_run_id       bigint
);

-- Every sync attempt, kept as a log. tenant_id is null for a run that failed
-- before it knew its tenant, and is not a foreign key: a run that failed on a
-- tenant never stored still names it.
CREATE TABLE sync_runs (
    id          bigserial PRIMARY KEY,
    tenant_id   text,
    source      text NOT NULL CHECK (source IN ('graph', 'folder', 'demo')),
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    status      text NOT NULL DEFAULT 'running'
                CHECK (status IN ('running', 'succeeded', 'failed')),
    counts      jsonb NOT NULL DEFAULT '{}',
    warnings    jsonb NOT NULL DEFAULT '[]',
    error       text,
    verdict     jsonb,
    CHECK ((status = 'running') = (finished_at IS NULL)),
    CHECK (status <> 'failed' OR error IS NOT NULL)
);
CREATE INDEX sync_runs_tenant_newest ON sync_runs (tenant_id, started_at DESC, id DESC);
CREATE INDEX sync_runs_newest ON sync_runs (started_at DESC, id DESC);

-- Accounts are never deleted when they leave the tenant: removed_at marks
-- them, so their history (and later their board items and audit trail) stays.
-- The run columns are plain numbers rather than foreign keys so that old runs
-- can be pruned without rewriting accounts.
CREATE TABLE accounts (
    tenant_id                    text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id                           text NOT NULL CHECK (id <> ''),
    upn                          text NOT NULL DEFAULT '',
    display_name                 text NOT NULL DEFAULT '',
    mail                         text NOT NULL DEFAULT '',
    user_type                    text NOT NULL DEFAULT '',
    account_enabled              boolean NOT NULL,
    on_prem_sync                 boolean NOT NULL DEFAULT false,
    created_at_graph             timestamptz,
    job_title                    text NOT NULL DEFAULT '',
    department                   text NOT NULL DEFAULT '',
    licenses                     text[] NOT NULL DEFAULT '{}',
    last_sign_in                 timestamptz,
    last_non_interactive_sign_in timestamptz,
    last_successful_sign_in      timestamptz,
    -- null: no row in userRegistrationDetails ("no registration details").
    registration                 jsonb,
    -- null: no per-user MFA state known for the account.
    per_user_mfa                 text,
    -- The sign-in folds; null when the source had none for the account.
    sign_ins                     jsonb,
    first_seen_run               bigint NOT NULL,
    last_seen_run                bigint NOT NULL,
    removed_at                   timestamptz,
    PRIMARY KEY (tenant_id, id)
) WITH (fillfactor = 70); -- room on each page for the next sync's versions (HOT updates)
-- The default order of the account list, and the search fallback below.
CREATE INDEX accounts_upn ON accounts (tenant_id, lower(upn));

-- Search is a case-insensitive "contains" on upn, display name and mail,
-- run on the three joined by a unit separator (which no search contains, so
-- a match never spans two of them). One trigram index serves it: a member's
-- upn and mail are usually the same, so one index holds half the entries of
-- three. pg_trgm is a contrib extension that a managed server may not allow;
-- without it the search runs as a plain ILIKE scan.
-- +goose StatementBegin
DO $$
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm is not available (%): account search runs without a trigram index', SQLERRM;
        RETURN;
    END;
    CREATE INDEX accounts_search_trgm ON accounts
        USING gin ((upn || E'\x1f' || display_name || E'\x1f' || mail) gin_trgm_ops);
END
$$;
-- +goose StatementEnd

-- The current verdict on each account, from the last sync that saw it. The
-- value lists mirror the constants of package inventory: a new value there
-- needs a migration here, and until then a sync carrying it fails whole.
-- There is deliberately no foreign key to accounts: its check locks the
-- account row of every inserted verdict, which doubles the cost of a first
-- sync; the store writes verdicts only for accounts it has just written or
-- checked.
CREATE TABLE assessments (
    tenant_id         text NOT NULL,
    account_id        text NOT NULL,
    run_id            bigint NOT NULL,
    category          text NOT NULL
                      CHECK (category IN ('office_worker', 'service_account', 'room_device', 'guest')),
    auto_category     text NOT NULL
                      CHECK (auto_category IN ('office_worker', 'service_account', 'room_device', 'guest')),
    category_override boolean NOT NULL DEFAULT false,
    category_reason   text NOT NULL DEFAULT '',
    markers           text[] NOT NULL DEFAULT '{}'
                      CHECK (markers <@ ARRAY['privileged', 'break_glass', 'directory_sync',
                                              'legacy_auth', 'sms_voice_only', 'disabled']),
    marker_reasons    jsonb NOT NULL DEFAULT '{}',
    path              text NOT NULL
                      CHECK (path IN ('mfa_enrolment', 'app_password', 'secure_app_model',
                                      'tenant_split', 'technical_exception')),
    auto_path         text NOT NULL
                      CHECK (auto_path IN ('mfa_enrolment', 'app_password', 'secure_app_model',
                                           'tenant_split', 'technical_exception')),
    path_override     boolean NOT NULL DEFAULT false,
    path_reason       text NOT NULL DEFAULT '',
    compliance        text NOT NULL
                      CHECK (compliance IN ('compliant', 'at_risk', 'non_compliant',
                                            'excepted', 'not_applicable')),
    enforced_by       text[] NOT NULL DEFAULT '{}',
    risk_based        boolean NOT NULL DEFAULT false,
    reasons           text[] NOT NULL DEFAULT '{}',
    dated             text[] NOT NULL DEFAULT '{}',
    assessed_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, account_id)
) WITH (fillfactor = 70);
CREATE INDEX assessments_category ON assessments (tenant_id, category);
CREATE INDEX assessments_path ON assessments (tenant_id, path);
CREATE INDEX assessments_compliance ON assessments (tenant_id, compliance);
CREATE INDEX assessments_markers ON assessments USING gin (markers);

-- A person's decision on an account. Syncs never write here, so it survives
-- every one of them; an override with neither a category nor a path is not
-- kept (clearing deletes the row).
CREATE TABLE overrides (
    tenant_id  text NOT NULL,
    account_id text NOT NULL,
    category   text CHECK (category IN ('office_worker', 'service_account', 'room_device', 'guest')),
    path       text CHECK (path IN ('mfa_enrolment', 'app_password', 'secure_app_model',
                                    'tenant_split', 'technical_exception')),
    author     text NOT NULL CHECK (author <> ''),
    reason     text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, account_id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
    CHECK (category IS NOT NULL OR path IS NOT NULL)
);

-- Directory objects: each successful sync replaces a tenant's rows wholesale.
-- position keeps the order the source gave, so a snapshot loaded back reads
-- like the one written.
CREATE TABLE policies (
    tenant_id    text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id           text NOT NULL,
    position     integer NOT NULL,
    display_name text NOT NULL DEFAULT '',
    state        text NOT NULL DEFAULT '',
    -- The decoded inventory.Policy as JSON.
    policy       jsonb NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE named_locations (
    tenant_id    text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id           text NOT NULL,
    position     integer NOT NULL,
    display_name text NOT NULL DEFAULT '',
    is_trusted   boolean NOT NULL DEFAULT false,
    kind         text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE groups (
    tenant_id        text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id               text NOT NULL,
    position         integer NOT NULL,
    display_name     text NOT NULL DEFAULT '',
    member_user_ids  text[] NOT NULL DEFAULT '{}',
    member_group_ids text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, id)
);
-- "Groups this account is a direct member of" on the account page.
CREATE INDEX groups_member_users ON groups USING gin (member_user_ids);

CREATE TABLE directory_roles (
    tenant_id    text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id           text NOT NULL,
    position     integer NOT NULL,
    template_id  text NOT NULL DEFAULT '',
    display_name text NOT NULL DEFAULT '',
    member_ids   text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX directory_roles_members ON directory_roles USING gin (member_ids);

CREATE TABLE rooms (
    tenant_id     text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id            text NOT NULL,
    position      integer NOT NULL,
    display_name  text NOT NULL DEFAULT '',
    email_address text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id)
);

-- +goose Down
DROP TABLE rooms;
DROP TABLE directory_roles;
DROP TABLE groups;
DROP TABLE named_locations;
DROP TABLE policies;
DROP TABLE overrides;
DROP TABLE assessments;
DROP TABLE accounts;
DROP TABLE sync_runs;
DROP TABLE tenants;
