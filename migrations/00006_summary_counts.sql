-- +goose Up
-- The counts behind every page's filters and tiles, kept current by the
-- transactions that write verdicts, so a page reads a row instead of
-- counting 100,000 assessments.
CREATE TABLE tenant_counts (
    tenant_id  text PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    counts     jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE tenant_counts;
