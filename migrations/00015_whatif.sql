-- Microsoft's What-If answers (issue 13 §2): each time someone asked the
-- engine about an account, what it said and where it disagreed with
-- mfaboard's verdict, kept with its time. The newest row per account is the
-- one the account page and the readiness count read.

-- +goose Up

CREATE TABLE whatif_checks (
    id            bigserial PRIMARY KEY,
    tenant_id     text NOT NULL,
    account_id    text NOT NULL,
    checked_at    timestamptz NOT NULL DEFAULT now(),
    actor_id      text NOT NULL,
    actor_name    text NOT NULL DEFAULT '',
    -- mfaboard's verdict and what enforced MFA, when Microsoft was asked.
    verdict       text NOT NULL DEFAULT '',
    enforced_by   text[] NOT NULL DEFAULT '{}',
    -- [inventory.WhatIfPolicy]: Microsoft's answer, policy by policy.
    policies      jsonb NOT NULL DEFAULT '[]',
    -- [inventory.WhatIfDisagreement]; empty when the two agree.
    disagreements jsonb NOT NULL DEFAULT '[]',
    disagrees     boolean GENERATED ALWAYS AS (jsonb_array_length(disagreements) > 0) STORED,
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX whatif_checks_latest ON whatif_checks (tenant_id, account_id, checked_at DESC, id DESC);

-- +goose Down
DROP TABLE whatif_checks;
