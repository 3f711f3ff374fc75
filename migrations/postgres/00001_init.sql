-- Initial schema: accounts and refresh tokens.
--
-- Emails are stored already normalized (trimmed, lower-cased) by authcore,
-- so a plain UNIQUE constraint is enough to stop duplicate accounts; the
-- constraint is named because authcore/postgres maps a violation of exactly
-- this constraint to authcore.ErrEmailTaken.

-- +goose Up
CREATE TABLE users (
    id            uuid        PRIMARY KEY,
    email         text        NOT NULL,
    password_hash text        NOT NULL,
    roles         text[]      NOT NULL DEFAULT '{}',
    disabled      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_key UNIQUE (email),
    -- RFC 5321 caps a forward path at 256 octets including the angle
    -- brackets, leaving 254 for the address itself.
    CONSTRAINT users_email_length CHECK (char_length(email) BETWEEN 1 AND 254)
);

-- ListUsers orders by creation time; id breaks ties deterministically.
CREATE INDEX users_created_at_idx ON users (created_at, id);

-- Only the SHA-256 of a refresh token is stored (token_hash), so a leaked
-- table holds nothing a client could present.
CREATE TABLE refresh_tokens (
    id          uuid        PRIMARY KEY,
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  text        NOT NULL,
    issued_at   timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz NULL,
    replaced_by uuid        NULL,
    client_ip   text        NOT NULL DEFAULT '',
    user_agent  text        NOT NULL DEFAULT '',
    CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash)
);

-- Revoking every session of a user (logout-all, reuse detection) scans only
-- that user's live tokens.
CREATE INDEX refresh_tokens_user_active_idx ON refresh_tokens (user_id) WHERE revoked_at IS NULL;

-- The periodic purge deletes by expiry.
CREATE INDEX refresh_tokens_expires_at_idx ON refresh_tokens (expires_at);

-- +goose Down
DROP TABLE refresh_tokens;
DROP TABLE users;
