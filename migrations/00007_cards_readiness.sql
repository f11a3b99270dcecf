-- The readiness figures' index on cards. It first landed by an edit of
-- 00004_trends.sql after that migration had been applied, so databases
-- migrated before the edit never got it; it lives here now. IF NOT EXISTS
-- keeps the databases that did get it from the edited 00004 as they are.

-- +goose Up

-- The readiness figures read every card's status, category, path and
-- verdict from cards_count, and the cards that carry more than that
-- (markers, an assignee, a due date) from this index, without the table:
-- at 100,000 cards the page reads a few megabytes of index, not the
-- table's pages. A first sync fills it only with the cards that have
-- markers; the board adds the rest as work is assigned and dated.
CREATE INDEX IF NOT EXISTS cards_readiness ON cards (tenant_id, status, category, path, compliance, markers, assignee_id, due_date)
    WHERE active AND (markers <> '{}' OR assignee_id IS NOT NULL OR due_date IS NOT NULL);

-- +goose Down
DROP INDEX IF EXISTS cards_readiness;
