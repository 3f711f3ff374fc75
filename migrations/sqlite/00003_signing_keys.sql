-- Identity-assertion signing keys (issue 13); mirrors
-- migrations/postgres/00003_signing_keys.sql. private_key is the PKCS#8 DER
-- of the Ed25519 key; times are unix microseconds as everywhere else.

-- +goose Up
CREATE TABLE signing_keys (
    kid         TEXT    NOT NULL PRIMARY KEY,
    private_key BLOB    NOT NULL,
    created_at  INTEGER NOT NULL,
    retired_at  INTEGER NULL
) STRICT;

-- At most one current key, so concurrent first starts cannot create two.
CREATE UNIQUE INDEX signing_keys_one_current ON signing_keys ((1)) WHERE retired_at IS NULL;

-- +goose Down
DROP TABLE signing_keys;
