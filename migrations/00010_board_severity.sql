-- The board holds the work (issue 11): a card keeps why it is in its
-- column, a column is ordered by severity and then by due date, and the
-- accounts the last sync found compliant or disabled leave triage for
-- verified, as a sync now puts them.

-- +goose Up

-- Why the card is in its column: the reason of the move that put it there.
-- A blocked card shows what blocks it. (A constant default adds the column
-- without rewriting the table.)
ALTER TABLE cards ADD COLUMN status_reason text NOT NULL DEFAULT '';

-- The cards blocked before the column existed take the reason of the move
-- that blocked them, from the record.
UPDATE cards c SET status_reason = e.reason
FROM (
    SELECT DISTINCT ON (tenant_id, account_id) tenant_id, account_id, reason
    FROM audit_events
    WHERE to_value = 'blocked' AND account_id IS NOT NULL AND tenant_id IS NOT NULL
    ORDER BY tenant_id, account_id, id DESC
) e
WHERE c.status = 'blocked' AND e.tenant_id = c.tenant_id AND e.account_id = c.account_id;

-- rank is now inventory.BoardRank: privileged or break-glass and open
-- (0 non-compliant, 1 at risk), then open (2, 3), then privileged (4),
-- then the rest (5). A sync refreshes it as well; this puts it right at
-- once.
UPDATE cards SET rank = CASE
        WHEN markers && ARRAY['privileged', 'break_glass'] AND compliance = 'non_compliant' THEN 0
        WHEN markers && ARRAY['privileged', 'break_glass'] AND compliance = 'at_risk' THEN 1
        WHEN compliance = 'non_compliant' THEN 2
        WHEN compliance = 'at_risk' THEN 3
        WHEN markers && ARRAY['privileged', 'break_glass'] THEN 4
        ELSE 5 END
WHERE rank IS DISTINCT FROM CASE
        WHEN markers && ARRAY['privileged', 'break_glass'] AND compliance = 'non_compliant' THEN 0
        WHEN markers && ARRAY['privileged', 'break_glass'] AND compliance = 'at_risk' THEN 1
        WHEN compliance = 'non_compliant' THEN 2
        WHEN compliance = 'at_risk' THEN 3
        WHEN markers && ARRAY['privileged', 'break_glass'] THEN 4
        ELSE 5 END;

-- A column's pages in board order (inventory.CompareCards): severity, the
-- earliest due date (none last: ascending puts nulls last), then UPN.
DROP INDEX cards_column;
CREATE INDEX cards_column ON cards (tenant_id, status, rank, due_date, upn_key, account_id)
    INCLUDE (category, path, compliance) WHERE active;

-- The triage cards of accounts the last sync found compliant or disabled
-- go to verified, as the sync now moves them (inventory.AfterSync), each
-- with its event by the sync.
WITH moved AS (
    UPDATE cards SET status = 'verified', status_since = now(), version = version + 1,
                     updated_at = now(), updated_by = 'sync', updated_by_name = 'Sync',
                     status_reason = CASE compliance WHEN 'compliant' THEN 'the sync found the account compliant'
                                     ELSE 'the sync found the account disabled (not applicable)' END
    WHERE status = 'triage' AND compliance IN ('compliant', 'not_applicable')
    RETURNING tenant_id, account_id, status_reason
)
INSERT INTO audit_events (actor_id, actor_name, tenant_id, account_id, action, from_value, to_value, reason)
SELECT 'sync', 'Sync', tenant_id, account_id, 'move', 'triage', 'verified', status_reason FROM moved;

-- +goose Down
DROP INDEX cards_column;
CREATE INDEX cards_column ON cards (tenant_id, status, rank, upn_key, account_id)
    INCLUDE (category, path, compliance) WHERE active;
ALTER TABLE cards DROP COLUMN status_reason;
