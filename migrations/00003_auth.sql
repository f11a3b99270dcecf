-- The dashboard's own users and their sessions. A user signs in with a local
-- password (argon2id) or with Microsoft Entra ID (OpenID Connect); either way
-- the role decides what they may do (DOMAIN.md §4). Users are disabled,
-- never deleted: the board and the audit trail keep naming them.

-- +goose Up

CREATE TABLE app_users (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Unique whatever its case (app_users_email below): people type their
    -- address as they like, and one address is one person.
    email               text NOT NULL CHECK (email <> '' AND length(email) <= 320),
    display_name        text NOT NULL DEFAULT '',
    role                text NOT NULL CHECK (role IN ('security_lead', 'engineer', 'management')),
    -- A PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash); null for users
    -- who only sign in with Microsoft.
    password_hash       text,
    -- The identity provider's subject; null for local users.
    oidc_subject        text UNIQUE,
    disabled            boolean NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL DEFAULT now(),
    -- Sessions begun before this instant end: a reset password signs the
    -- person out everywhere.
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (password_hash IS NOT NULL OR oidc_subject IS NOT NULL)
);
CREATE UNIQUE INDEX app_users_email ON app_users (lower(email));
-- "Is this the last security lead?" is asked on every role change.
CREATE INDEX app_users_active_leads ON app_users (id) WHERE role = 'security_lead' AND NOT disabled;

-- The session store of github.com/alexedwards/scs/pgxstore: it reads and
-- writes exactly these columns, and deletes expired rows every few minutes.
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- The board's person columns (00002) name app_users. Users are never
-- deleted, so the foreign keys only ever refuse a row naming nobody; an
-- assignee is the one a deletion would simply clear.
ALTER TABLE cards
    ADD CONSTRAINT cards_assignee_fk FOREIGN KEY (assignee_id) REFERENCES app_users (id) ON DELETE SET NULL,
    ADD CONSTRAINT cards_exception_requester_fk FOREIGN KEY (exception_requester) REFERENCES app_users (id);
ALTER TABLE exceptions
    ADD CONSTRAINT exceptions_requested_by_fk FOREIGN KEY (requested_by) REFERENCES app_users (id),
    ADD CONSTRAINT exceptions_decided_by_fk FOREIGN KEY (decided_by) REFERENCES app_users (id);

-- +goose Down
ALTER TABLE exceptions
    DROP CONSTRAINT exceptions_decided_by_fk,
    DROP CONSTRAINT exceptions_requested_by_fk;
ALTER TABLE cards
    DROP CONSTRAINT cards_exception_requester_fk,
    DROP CONSTRAINT cards_assignee_fk;
DROP TABLE sessions;
DROP TABLE app_users;
