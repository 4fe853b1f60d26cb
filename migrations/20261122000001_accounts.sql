-- Accounts, sessions, login throttling, profiles and follows.

CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at = now();
    RETURN NEW;
END;
$$;

CREATE TABLE users (
    id              uuid PRIMARY KEY,
    -- Lower-case by construction, so uniqueness is case-insensitive.
    username        text NOT NULL CHECK (username ~ '^[a-z0-9_]{3,30}$'),
    email           text NOT NULL CHECK (email = lower(email) AND length(email) <= 254 AND email LIKE '%_@_%._%'),
    password_hash   text NOT NULL,
    role            text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    display_name    text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 50),
    bio             text NOT NULL DEFAULT '' CHECK (char_length(bio) <= 250),
    location        text NOT NULL DEFAULT '' CHECK (char_length(location) <= 80),
    website         text NOT NULL DEFAULT '' CHECK (char_length(website) <= 200),
    avatar_url      text,
    cover_url       text,
    is_private      boolean NOT NULL DEFAULT false,
    is_verified     boolean NOT NULL DEFAULT false,
    followers_count integer NOT NULL DEFAULT 0 CHECK (followers_count >= 0),
    following_count integer NOT NULL DEFAULT 0 CHECK (following_count >= 0),
    posts_count     integer NOT NULL DEFAULT 0 CHECK (posts_count >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username_key ON users (username);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_created_at_idx ON users (created_at DESC, id DESC);
CREATE TRIGGER users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The cookie carries a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    ip           text NOT NULL,
    user_agent   text
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

CREATE TABLE login_failures (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ip           text NOT NULL,
    account_key  text NOT NULL,
    attempted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_account_idx ON login_failures (account_key, attempted_at);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, attempted_at);

-- status: private accounts will approve requests ('pending'); enforcement
-- comes with the privacy work, every follow is 'accepted' until then.
CREATE TABLE follows (
    follower_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    followee_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status       text NOT NULL DEFAULT 'accepted' CHECK (status IN ('pending', 'accepted')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (follower_id, followee_id),
    CHECK (follower_id <> followee_id)
);
CREATE INDEX follows_followee_idx ON follows (followee_id, created_at DESC);
CREATE INDEX follows_follower_created_idx ON follows (follower_id, created_at DESC);
