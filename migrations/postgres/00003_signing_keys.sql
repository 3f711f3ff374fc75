-- Identity-assertion signing keys (issue 13). Without a configured key the
-- gateway generates an Ed25519 key and stores it here, so every replica on
-- the same database signs with the same key and publishes the same JWKS.
--
-- private_key is the PKCS#8 DER of the key: whoever can read this table can
-- sign assertions, exactly as whoever can write the users table can mint
-- accounts. Configure proxy.assertion.private_key to keep it out of the
-- database.

-- +goose Up
CREATE TABLE signing_keys (
    kid         text        PRIMARY KEY, -- RFC 7638 thumbprint
    private_key bytea       NOT NULL,
    created_at  timestamptz NOT NULL,
    retired_at  timestamptz NULL
);

-- At most one current key. Replicas that start at once each try to insert
-- their own; the index lets exactly one win (INSERT ... ON CONFLICT DO
-- NOTHING) and the others read the winner back.
CREATE UNIQUE INDEX signing_keys_one_current ON signing_keys ((true)) WHERE retired_at IS NULL;

-- +goose Down
DROP TABLE signing_keys;
