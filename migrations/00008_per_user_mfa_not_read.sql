-- +goose Up
-- Why a sync did not ask Graph for an account's per-user MFA state
-- ("CA001 enforces MFA", inventory.PerUserMFASkips): the account page says
-- "not read: CA001 enforces MFA" instead of a blank. NULL when the state
-- was read, or when the sync predates the skip.
ALTER TABLE accounts ADD COLUMN per_user_mfa_not_read text;

-- +goose Down
ALTER TABLE accounts DROP COLUMN per_user_mfa_not_read;
