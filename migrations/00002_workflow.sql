-- The workflow board (DOMAIN.md §4): a card per account, the technical
-- exceptions decided on it, and the append-only audit trail of everything
-- people and the system do.
--
-- The dashboard's users (app_users) come in 00003, after this migration, so
-- the person columns here (assignee_id, exception_requester, requested_by,
-- decided_by) are plain uuids: 00003 adds the foreign keys to app_users, and
-- the store checks an assignee exists before it assigns.

-- +goose Up

-- A card is an account's place on the board. version counts every change,
-- so that two people acting on one card cannot overwrite each other: a
-- change names the version it was made on, and a stale one is refused.
--
-- The board's columns are read at 100,000 cards, so a card carries a copy of
-- what the board shows, filters and orders by: the account's UPN (and
-- upn_key, lowercased, to order by), display name, category, path, verdict
-- and markers, and whether it is still in the tenant (active). rank orders
-- a column: 0-2 for a privileged or break-glass account, 3-5 for the rest,
-- each non-compliant, at risk, then anything else. With them the board is
-- read from this table alone. The store refreshes the copy wherever
-- accounts and assessments are written (a sync, a reassessment), in the
-- same transaction.
--
-- As with assessments, there is deliberately no foreign key to accounts:
-- its check locks the account row of every card inserted, and a first sync
-- inserts 100,000 of them; the store creates cards only for the accounts a
-- sync has just written, and accounts are never deleted.
CREATE TABLE cards (
    tenant_id           text NOT NULL,
    account_id          text NOT NULL,
    status              text NOT NULL
                        CHECK (status IN ('triage', 'planned', 'in_progress', 'blocked', 'remediated',
                                          'verified', 'exception_requested', 'exception_granted')),
    assignee_id         uuid,
    due_date            date,
    version             bigint NOT NULL DEFAULT 1 CHECK (version > 0),
    status_since        timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    -- Who made the last change, by id and by the name they had then: the
    -- sentence of a refused stale change names them.
    updated_by          text NOT NULL,
    updated_by_name     text NOT NULL DEFAULT '',
    -- Who requested the pending or granted exception; null otherwise.
    exception_requester uuid,
    upn                 text NOT NULL DEFAULT '',
    display_name        text NOT NULL DEFAULT '',
    category            text NOT NULL DEFAULT '',
    path                text NOT NULL DEFAULT '',
    compliance          text NOT NULL DEFAULT '',
    markers             text[] NOT NULL DEFAULT '{}',
    rank                smallint NOT NULL DEFAULT 5,
    upn_key             text NOT NULL DEFAULT '',
    active              boolean NOT NULL DEFAULT true,
    PRIMARY KEY (tenant_id, account_id),
    CHECK ((status IN ('exception_requested', 'exception_granted')) = (exception_requester IS NOT NULL))
) WITH (fillfactor = 80); -- room for moves and the sync's refresh to update in place
-- A column's pages in board order: a column with many matching cards walks
-- this index and stops after its page (the included columns let a lane or
-- a filter be checked without reading the card).
CREATE INDEX cards_column ON cards (tenant_id, status, rank, upn_key, account_id)
    INCLUDE (category, path, compliance) WHERE active;
-- Counting: the counts per column (and lane) come from this index alone.
-- Its keys repeat, so deduplication keeps it to a few hundred kilobytes at
-- 100,000 cards.
CREATE INDEX cards_count ON cards (tenant_id, status, category, path, compliance) WHERE active;
-- The filters that match few cards find them here (or through cards_count),
-- and the board sorts only those. Every index costs the first sync of a
-- large tenant dearly (it inserts every card), so these leave out the cards
-- they would never find: no markers, nobody assigned, no due date.
CREATE INDEX cards_markers ON cards USING gin (markers) WHERE active AND markers <> '{}';
CREATE INDEX cards_assignee ON cards (tenant_id, assignee_id) INCLUDE (status)
    WHERE active AND assignee_id IS NOT NULL;
CREATE INDEX cards_due ON cards (tenant_id, due_date) INCLUDE (status) WHERE active AND due_date IS NOT NULL;
-- The expiry check looks at every granted exception of every tenant.
CREATE INDEX cards_exception_granted ON cards (tenant_id, account_id) WHERE status = 'exception_granted';

-- Technical exceptions, one row per request, kept for good: the history of
-- an account's exceptions is part of its record. Names are kept as they were
-- at the time, as in the audit trail.
CREATE TABLE exceptions (
    id                    bigserial PRIMARY KEY,
    tenant_id             text NOT NULL,
    account_id            text NOT NULL,
    requested_by          uuid NOT NULL,
    requested_by_name     text NOT NULL DEFAULT '',
    requested_at          timestamptz NOT NULL DEFAULT now(),
    justification         text NOT NULL CHECK (justification <> ''),
    compensating_controls text NOT NULL CHECK (compensating_controls <> ''),
    expiry_requested      timestamptz NOT NULL,
    status                text NOT NULL DEFAULT 'requested'
                          CHECK (status IN ('requested', 'granted', 'rejected', 'withdrawn',
                                            'expired', 'revoked')),
    decided_by            uuid,
    decided_by_name       text NOT NULL DEFAULT '',
    decided_at            timestamptz,
    decision_note         text NOT NULL DEFAULT '',
    -- When a granted exception stopped counting (expired, revoked) or a
    -- request was withdrawn.
    ended_at              timestamptz,
    FOREIGN KEY (tenant_id, account_id) REFERENCES cards (tenant_id, account_id) ON DELETE CASCADE,
    CHECK (status NOT IN ('granted', 'rejected') OR decided_at IS NOT NULL)
);
-- An account has at most one exception in force or waiting.
CREATE UNIQUE INDEX exceptions_open ON exceptions (tenant_id, account_id)
    WHERE status IN ('requested', 'granted');
CREATE INDEX exceptions_history ON exceptions (tenant_id, account_id, requested_at DESC);
CREATE INDEX exceptions_granted_expiry ON exceptions (expiry_requested) WHERE status = 'granted';

-- The record: who, when, what, from, to, why. Actors are people (their user
-- id) or the system ("sync", "expiry"); tenant and account are null for
-- events that concern neither (sign-ins, user management). No foreign keys:
-- the record outlives whatever it names.
CREATE TABLE audit_events (
    id         bigserial PRIMARY KEY,
    -- The moment of the insert, not of the transaction's start: the record
    -- reads in id order, and a long transaction's events (a sync's) then
    -- carry the time they were written.
    at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_id   text NOT NULL CHECK (actor_id <> ''),
    actor_name text NOT NULL DEFAULT '',
    tenant_id  text,
    account_id text,
    action     text NOT NULL CHECK (action <> ''),
    from_value text NOT NULL DEFAULT '',
    to_value   text NOT NULL DEFAULT '',
    reason     text NOT NULL DEFAULT '',
    details    jsonb
);
-- A tenant's record newest first, an account's timeline, a person's acts
-- (account ids are Entra object ids, unique across tenants). The first sync
-- of a tenant writes an event per account, so the indexes are few.
CREATE INDEX audit_events_tenant ON audit_events (tenant_id, id);
CREATE INDEX audit_events_account ON audit_events (account_id, id);
CREATE INDEX audit_events_actor ON audit_events (actor_id, id);

-- The database itself keeps the record append-only: whoever connects, with
-- whatever code, cannot rewrite or erase it.
-- +goose StatementBegin
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'The audit trail keeps every event for good; record a new event instead.';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate
    BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- Accounts stored before the board existed enter triage, as a sync would
-- have put them, with the event that says so. (rank: as the store's
-- cardRankSQL computes it.)
INSERT INTO cards (tenant_id, account_id, status, updated_by, updated_by_name,
                   upn, display_name, category, path, compliance, markers, rank, upn_key, active)
SELECT a.tenant_id, a.id, 'triage', 'sync', 'Sync', a.upn, a.display_name,
       coalesce(s.category, ''), coalesce(s.path, ''), coalesce(s.compliance, ''),
       coalesce(s.markers, '{}'),
       CASE WHEN s.markers && ARRAY['privileged', 'break_glass'] THEN 0 ELSE 3 END +
       CASE s.compliance WHEN 'non_compliant' THEN 0 WHEN 'at_risk' THEN 1 ELSE 2 END,
       lower(a.upn), a.removed_at IS NULL
FROM accounts a
LEFT JOIN assessments s ON s.tenant_id = a.tenant_id AND s.account_id = a.id;
INSERT INTO audit_events (actor_id, actor_name, tenant_id, account_id, action, to_value, reason)
SELECT 'sync', 'Sync', tenant_id, account_id, 'card_created', 'triage',
       'the account was in the inventory when the board was introduced'
FROM cards;

-- +goose Down
DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
DROP TABLE exceptions;
DROP TABLE cards;
