-- Access-token revocation (issue 13 §2): every access token of a user whose
-- iat is earlier than revoked_before is rejected. NULL means never revoked.
--
-- Replicas keep these values in memory and poll for recent changes
-- ("revoked_before > now - token lifetime"), so the partial index serves
-- that query while costing nothing for the users never revoked.

-- +goose Up
ALTER TABLE users ADD COLUMN revoked_before timestamptz NULL;
CREATE INDEX users_revoked_before_idx ON users (revoked_before) WHERE revoked_before IS NOT NULL;

-- +goose Down
DROP INDEX users_revoked_before_idx;
ALTER TABLE users DROP COLUMN revoked_before;
