-- Privacy and safety (app/src/social/safety): blocks, mutes, restricts,
-- muted words and hidden posts. A block is part of who may see what, so it
-- goes into the one rule (`account_visible_to`, and through it
-- `post_visible_to`); mutes, muted words and hidden posts are what a reader
-- wants in their feeds, so they live in the one feed filter
-- `post_wanted_by` that every feed asks beside the rule.

-- A block: neither side sees the other's profile, posts, comments or tags,
-- and neither can follow, comment on, like, tag or mention the other.
CREATE TABLE blocks (
    blocker_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT app_now(),
    PRIMARY KEY (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
);
-- The other direction of `blocked_between`.
CREATE INDEX blocks_blocked_idx ON blocks (blocked_id, blocker_id);
-- The settings page lists a user's blocks newest first.
CREATE INDEX blocks_list_idx ON blocks (blocker_id, created_at DESC);

-- A mute: the muted account's posts leave the muter's feeds; its profile
-- stays visitable and nobody is told.
CREATE TABLE mutes (
    muter_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    muted_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT app_now(),
    PRIMARY KEY (muter_id, muted_id),
    CHECK (muter_id <> muted_id)
);

-- A restrict: the restricted account's new comments on the restricter's
-- posts are held (seen by their writer and the post's author only) until
-- the post's author approves them; nobody is told.
CREATE TABLE restricts (
    restricter_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    restricted_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at     timestamptz NOT NULL DEFAULT app_now(),
    PRIMARY KEY (restricter_id, restricted_id),
    CHECK (restricter_id <> restricted_id)
);

-- Words (or phrases, or #hashtags) a reader does not want in their feeds
-- or under posts. Stored lower-case, letters, digits, spaces and # _ ' -
-- only (`safety::MutedWord`), so a word is also a literal regex; the check
-- keeps regex syntax out even if that parser is bypassed.
CREATE TABLE muted_words (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    word        text NOT NULL CHECK (char_length(word) BETWEEN 1 AND 50 AND word = lower(word)
                                     AND word !~ '[][\\.(){}*+?^$|]'),
    created_at  timestamptz NOT NULL DEFAULT app_now(),
    UNIQUE (user_id, word)
);

-- "Hide this post" and "Not interested": the post leaves the reader's feeds;
-- "not interested" also keeps its author out of their Explore for 30 days.
CREATE TABLE hidden_posts (
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id     uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason      text NOT NULL CHECK (reason IN ('hidden', 'not_interested')),
    created_at  timestamptz NOT NULL DEFAULT app_now(),
    PRIMARY KEY (user_id, post_id)
);
CREATE INDEX hidden_posts_author_idx ON hidden_posts (user_id, author_id, created_at) WHERE reason = 'not_interested';

-- Held comments (restrict): seen by their writer and the post's author only.
ALTER TABLE comments ADD COLUMN held boolean NOT NULL DEFAULT false;

-- Whether either of two accounts blocked the other. False when either is
-- NULL (someone signed out blocks nobody).
CREATE FUNCTION blocked_between(a uuid, b uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT EXISTS (SELECT 1 FROM blocks k WHERE k.blocker_id = a AND k.blocked_id = b)
        OR EXISTS (SELECT 1 FROM blocks k WHERE k.blocker_id = b AND k.blocked_id = a)
$$;

-- The account rule (see …17_private_accounts.sql), now closed both ways
-- between two accounts when either blocked the other.
CREATE OR REPLACE FUNCTION account_visible_to(owner uuid, viewer uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT COALESCE(owner = viewer, false)
        OR (NOT blocked_between(owner, viewer)
            AND (NOT COALESCE((SELECT u.is_private FROM users u WHERE u.id = owner), true)
                 OR EXISTS (SELECT 1 FROM follows f
                             WHERE f.follower_id = viewer
                               AND f.followee_id = owner
                               AND f.status = 'accepted')))
$$;

-- Whether `word` (lower-case, see muted_words) stands in `body` as a word
-- of its own: "sale" hides "Big SALE!" and "#sale", not "wholesale".
CREATE FUNCTION text_has_word(body text, word text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT lower(body) ~ ('(^|[^[:alnum:]_])' || word || '($|[^[:alnum:]_])')
$$;

-- The one feed filter: whether `viewer` wants `p` in their feeds (home,
-- Explore, hashtag, shop and product pages). Not a post they hid or were
-- not interested in, not by an account they muted, not containing a word
-- they muted. Their own posts always. Signed out: everything. Who may see
-- a post at all is `post_visible_to`'s, asked as well.
CREATE FUNCTION post_wanted_by(p posts, viewer uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT viewer IS NULL OR p.author_id = viewer
        OR (NOT EXISTS (SELECT 1 FROM hidden_posts h WHERE h.user_id = viewer AND h.post_id = p.id)
            AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.muter_id = viewer AND m.muted_id = p.author_id)
            AND NOT EXISTS (SELECT 1 FROM muted_words w WHERE w.user_id = viewer AND text_has_word(p.body, w.word)))
$$;

-- A comment the viewer does not want under posts: one containing a word
-- they muted (their own always shows). Muting an account, as on Instagram,
-- leaves its comments in place.
CREATE FUNCTION comment_wanted_by(author uuid, body text, viewer uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT viewer IS NULL OR author = viewer
        OR NOT EXISTS (SELECT 1 FROM muted_words w WHERE w.user_id = viewer AND text_has_word(body, w.word))
$$;

-- Whether `viewer` said "Not interested" to a post by `author` in the last
-- 30 days (`safety::NOT_INTERESTED_DAYS`): Explore leaves the author out.
CREATE FUNCTION not_interested_in(author uuid, viewer uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT EXISTS (SELECT 1 FROM hidden_posts h
                    WHERE h.user_id = viewer AND h.author_id = author AND h.reason = 'not_interested'
                      AND h.created_at > app_now() - interval '30 days')
$$;
