-- A sync's progress while it runs, per collection read from Graph, so the
-- dashboard can show a sync started from it (a River job, perhaps on another
-- replica) as it goes. One row per run, rewritten about once a second; it
-- goes with its run.

-- +goose Up
CREATE TABLE sync_run_progress (
    run_id     bigint PRIMARY KEY REFERENCES sync_runs (id) ON DELETE CASCADE,
    updated_at timestamptz NOT NULL DEFAULT now(),
    progress   jsonb NOT NULL
);

-- +goose Down
DROP TABLE sync_run_progress;
