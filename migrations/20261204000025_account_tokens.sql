-- Email verification and password reset. A link carries a random token;
-- only its SHA-256 is stored, it works once (`used_at`) and expires.
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;

CREATE TABLE account_tokens (
    token_hash  bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     text NOT NULL CHECK (purpose IN ('verify_email', 'password_reset')),
    -- The address the link was sent to: verifying proves this address, so
    -- a link for an address the account no longer has verifies nothing.
    email       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT app_now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    CHECK (expires_at > created_at)
);
CREATE INDEX account_tokens_user_idx ON account_tokens (user_id, purpose);
CREATE INDEX account_tokens_expires_idx ON account_tokens (expires_at);
