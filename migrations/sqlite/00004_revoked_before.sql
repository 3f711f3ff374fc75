-- Access-token revocation (issue 13 §2), as in migrations/postgres: every
-- access token of a user whose iat is earlier than revoked_before (INTEGER
-- unix microseconds, UTC) is rejected. NULL means never revoked.

-- +goose Up
ALTER TABLE users ADD COLUMN revoked_before INTEGER;
CREATE INDEX users_revoked_before_idx ON users (revoked_before) WHERE revoked_before IS NOT NULL;

-- +goose Down
DROP INDEX users_revoked_before_idx;
ALTER TABLE users DROP COLUMN revoked_before;
