-- The account list's narrow copy of each account: what its search, its
-- filters, its orders and its page numbers read, so that a search that
-- matches 10,000 accounts or page 1,500 reads a few megabytes (about 230
-- bytes an account) instead of the wide accounts and assessments rows
-- (1.7 kB and 1 kB). Triggers on accounts and assessments keep it
-- current, so the sync's SQL does not change.

-- +goose Up
CREATE TABLE account_search (
    tenant_id  text NOT NULL,
    account_id text NOT NULL,
    -- lower(upn): the list's default order, and the tie-breaker of every
    -- other order (with account_id).
    upn_key    text NOT NULL,
    -- lower(display_name): the order by name.
    name_key   text NOT NULL,
    -- What a search matches: upn, display name and mail, lower-cased and
    -- joined by a unit separator (no search contains one, so a match never
    -- spans two of them).
    search     text NOT NULL,
    removed    boolean NOT NULL,
    -- The current verdict, null while the account has none.
    category   text,
    path       text,
    compliance text,
    markers    text[],
    PRIMARY KEY (tenant_id, account_id)
) WITH (fillfactor = 50);
-- A first sync inserts every account, then its verdict: the verdict's
-- columns are in no index, and half of each page is left free, so that
-- second write is a heap-only update that adds no index entry (else every
-- index would hold each account twice after it).
--
-- The list in its default order: a page's keys, a page number's position
-- and a capped count read the index alone.
CREATE INDEX account_search_upn ON account_search (tenant_id, upn_key, account_id) INCLUDE (removed);
-- The order by name, likewise.
CREATE INDEX account_search_name ON account_search (tenant_id, name_key, upn_key, account_id) INCLUDE (removed);
-- A sync inserts or revisits every account: let autovacuum settle the
-- visibility map soon after it, which the index-only reads above need.
ALTER TABLE account_search SET (autovacuum_vacuum_insert_threshold = 1000,
    autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_scale_factor = 0.02);

-- +goose StatementBegin
CREATE FUNCTION account_search_of_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM account_search x USING gone g WHERE x.tenant_id = g.tenant_id AND x.account_id = g.id;
        RETURN NULL;
    END IF;
    INSERT INTO account_search AS x (tenant_id, account_id, upn_key, name_key, search, removed,
                                     category, path, compliance, markers)
    SELECT n.tenant_id, n.id, lower(n.upn), lower(n.display_name),
           lower(n.upn || E'\x1f' || n.display_name || E'\x1f' || n.mail), n.removed_at IS NOT NULL,
           s.category, s.path, s.compliance, s.markers
    FROM added n
    LEFT JOIN assessments s ON s.tenant_id = n.tenant_id AND s.account_id = n.id
    ON CONFLICT (tenant_id, account_id) DO UPDATE SET
        upn_key = excluded.upn_key, name_key = excluded.name_key,
        search = excluded.search, removed = excluded.removed;
    -- A search reads the trigram index's pending list entry by entry; a
    -- first sync would leave megabytes of it (only an owner may merge it).
    IF to_regclass('account_search_trgm') IS NOT NULL
       AND pg_has_role((SELECT relowner FROM pg_class WHERE oid = 'account_search_trgm'::regclass), 'USAGE') THEN
        PERFORM gin_clean_pending_list('account_search_trgm'::regclass);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION account_search_of_account() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE account_search SET
        upn_key = lower(NEW.upn), name_key = lower(NEW.display_name),
        search = lower(NEW.upn || E'\x1f' || NEW.display_name || E'\x1f' || NEW.mail),
        removed = NEW.removed_at IS NOT NULL
    WHERE tenant_id = NEW.tenant_id AND account_id = NEW.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION account_search_of_assessments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE account_search x SET category = NULL, path = NULL, compliance = NULL, markers = NULL
        FROM gone g WHERE x.tenant_id = g.tenant_id AND x.account_id = g.account_id;
    ELSE
        UPDATE account_search x SET category = n.category, path = n.path,
            compliance = n.compliance, markers = n.markers
        FROM added n WHERE x.tenant_id = n.tenant_id AND x.account_id = n.account_id;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION account_search_of_assessment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE account_search SET category = NEW.category, path = NEW.path,
        compliance = NEW.compliance, markers = NEW.markers
    WHERE tenant_id = NEW.tenant_id AND account_id = NEW.account_id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- Inserts come 100,000 to a statement (a first sync): one statement-level
-- call each. A re-sync updates every row, but the WHEN, checked without
-- calling the function, lets through only the few whose copied fields
-- changed.
CREATE TRIGGER account_search_insert AFTER INSERT ON accounts
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION account_search_of_accounts();
CREATE TRIGGER account_search_delete AFTER DELETE ON accounts
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION account_search_of_accounts();
CREATE TRIGGER account_search_update AFTER UPDATE ON accounts FOR EACH ROW
    WHEN (OLD.upn IS DISTINCT FROM NEW.upn OR OLD.display_name IS DISTINCT FROM NEW.display_name
          OR OLD.mail IS DISTINCT FROM NEW.mail OR (OLD.removed_at IS NULL) <> (NEW.removed_at IS NULL))
    EXECUTE FUNCTION account_search_of_account();
CREATE TRIGGER account_search_insert AFTER INSERT ON assessments
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION account_search_of_assessments();
CREATE TRIGGER account_search_delete AFTER DELETE ON assessments
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION account_search_of_assessments();
CREATE TRIGGER account_search_update AFTER UPDATE ON assessments FOR EACH ROW
    WHEN (OLD.category IS DISTINCT FROM NEW.category OR OLD.path IS DISTINCT FROM NEW.path
          OR OLD.compliance IS DISTINCT FROM NEW.compliance OR OLD.markers IS DISTINCT FROM NEW.markers)
    EXECUTE FUNCTION account_search_of_assessment();

INSERT INTO account_search (tenant_id, account_id, upn_key, name_key, search, removed,
                            category, path, compliance, markers)
SELECT a.tenant_id, a.id, lower(a.upn), lower(a.display_name),
       lower(a.upn || E'\x1f' || a.display_name || E'\x1f' || a.mail), a.removed_at IS NOT NULL,
       s.category, s.path, s.compliance, s.markers
FROM accounts a
LEFT JOIN assessments s ON s.tenant_id = a.tenant_id AND s.account_id = a.id;

-- The search's trigram index, on the narrow copy; it replaces the one on
-- the wide row (one index less for a sync to fill). 00001 installed
-- pg_trgm where the server allows it; without it a search reads the narrow
-- table whole.
DROP INDEX IF EXISTS accounts_search_trgm;
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX account_search_trgm ON account_search USING gin (search gin_trgm_ops);
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER account_search_insert ON accounts;
DROP TRIGGER account_search_delete ON accounts;
DROP TRIGGER account_search_update ON accounts;
DROP TRIGGER account_search_insert ON assessments;
DROP TRIGGER account_search_delete ON assessments;
DROP TRIGGER account_search_update ON assessments;
DROP FUNCTION account_search_of_accounts();
DROP FUNCTION account_search_of_account();
DROP FUNCTION account_search_of_assessments();
DROP FUNCTION account_search_of_assessment();
DROP TABLE account_search;
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX IF NOT EXISTS accounts_search_trgm ON accounts
            USING gin ((upn || E'\x1f' || display_name || E'\x1f' || mail) gin_trgm_ops);
    END IF;
END
$$;
-- +goose StatementEnd
