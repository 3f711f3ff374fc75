-- SQLite schema for the embedded default store (authcore/sqlite). It mirrors
-- migrations/postgres table for table and column for column, so one contract
-- suite (authcore/storetest) can hold both stores to the same behaviour.
--
-- Times are INTEGER unix microseconds, UTC: Postgres timestamptz keeps
-- microseconds, so both stores round-trip the same precision, and integers
-- compare and index correctly where text timestamps depend on formatting.
-- Tables are STRICT so a wrongly typed bind fails loudly instead of being
-- stored under SQLite's loose type affinity.

-- +goose Up
CREATE TABLE users (
    id            TEXT    NOT NULL PRIMARY KEY,
    -- Stored normalized by authcore, so plain UNIQUE stops duplicates.
    -- RFC 5321 leaves 254 octets for an address (as in Postgres).
    email         TEXT    NOT NULL UNIQUE CHECK (length(email) BETWEEN 1 AND 254),
    password_hash TEXT    NOT NULL,
    -- JSON array of role names; SQLite has no array type.
    roles         TEXT    NOT NULL DEFAULT '[]'
                          CHECK (json_valid(roles) AND json_type(roles) = 'array'),
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX users_created_at_idx ON users (created_at);

CREATE TABLE refresh_tokens (
    id          TEXT    NOT NULL PRIMARY KEY,
    user_id     TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Only the SHA-256 of the token is stored, so a copy of this file holds
    -- nothing a client could present.
    token_hash  TEXT    NOT NULL UNIQUE,
    issued_at   INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER,
    replaced_by TEXT,
    client_ip   TEXT    NOT NULL DEFAULT '',
    user_agent  TEXT    NOT NULL DEFAULT ''
) STRICT;

-- Serves the ON DELETE CASCADE lookup and "revoke every token of a user".
CREATE INDEX refresh_tokens_user_id_idx ON refresh_tokens (user_id);
-- The periodic purge deletes by expiry.
CREATE INDEX refresh_tokens_expires_at_idx ON refresh_tokens (expires_at);

-- +goose Down
DROP TABLE refresh_tokens;
DROP TABLE users;
