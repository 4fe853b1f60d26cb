-- Reposts and quote posts (app/src/posts/reposts). Both are posts, as the
-- seed's Post model has them, so they go out through the same fan-out,
-- timelines, profiles and deletion as any post:
--   * a repost is a post with `repost_of` set and no text or images of its
--     own: followers see the original's card with "reposted by";
--   * a quote is an ordinary post with `quote_of` set: its own text and
--     images, with the original embedded as a card under them.
-- Only a public post of a public account can be reposted or quoted
-- (`post_shareable`). The original keeps exact counts of both.
ALTER TABLE posts
    ADD COLUMN repost_of uuid REFERENCES posts (id) ON DELETE CASCADE,
    ADD COLUMN quote_of uuid REFERENCES posts (id) ON DELETE SET NULL,
    ADD COLUMN repost_count integer NOT NULL DEFAULT 0 CHECK (repost_count >= 0),
    ADD COLUMN quote_count integer NOT NULL DEFAULT 0 CHECK (quote_count >= 0),
    ADD CONSTRAINT posts_repost_is_not_a_quote CHECK (repost_of IS NULL OR quote_of IS NULL),
    ADD CONSTRAINT posts_repost_has_no_text CHECK (repost_of IS NULL OR body = '');

-- One repost per person per post; undoing it deletes the row.
CREATE UNIQUE INDEX posts_one_repost_idx ON posts (author_id, repost_of) WHERE repost_of IS NOT NULL;
-- The reposts and quotes of a post (counts, lists).
CREATE INDEX posts_repost_of_idx ON posts (repost_of) WHERE repost_of IS NOT NULL;
CREATE INDEX posts_quote_of_idx ON posts (quote_of, published_at DESC) WHERE quote_of IS NOT NULL;

-- The rule as it was: whether `viewer` may see the post row itself.
CREATE FUNCTION post_itself_visible_to(p posts, viewer uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT p.status <> 'deleted'
       AND (p.author_id = viewer
            OR (p.status = 'published'
                AND account_visible_to(p.author_id, viewer)
                AND (p.visibility = 'public'
                     OR EXISTS (SELECT 1 FROM follows f
                                 WHERE f.follower_id = viewer
                                   AND f.followee_id = p.author_id
                                   AND f.status = 'accepted'))))
$$;

-- The one rule, now also for reposts: a repost is visible only while its
-- original is published and visible to the same reader (a block, a private
-- account or a deleted original takes every repost of it away). A quote
-- stays visible on its own; its embedded original is checked the same way
-- when it is shown, and shows as unavailable when it fails.
CREATE OR REPLACE FUNCTION post_visible_to(p posts, viewer uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT post_itself_visible_to(p, viewer)
       AND (p.repost_of IS NULL
            OR EXISTS (SELECT 1 FROM posts o
                        WHERE o.id = p.repost_of AND o.status = 'published'
                          AND post_itself_visible_to(o, viewer)))
$$;

-- The feed filter as it was, for one post row.
CREATE FUNCTION post_itself_wanted_by(p posts, viewer uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT viewer IS NULL OR p.author_id = viewer
        OR (NOT EXISTS (SELECT 1 FROM hidden_posts h WHERE h.user_id = viewer AND h.post_id = p.id)
            AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.muter_id = viewer AND m.muted_id = p.author_id)
            AND NOT EXISTS (SELECT 1 FROM muted_words w WHERE w.user_id = viewer AND text_has_word(p.body, w.word)))
$$;

-- The feed filter, now also for reposts: a repost is wanted when both the
-- reposter and the original are (muting either, hiding the original or a
-- muted word in it keeps the repost out).
CREATE OR REPLACE FUNCTION post_wanted_by(p posts, viewer uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT post_itself_wanted_by(p, viewer)
       AND (p.repost_of IS NULL
            OR EXISTS (SELECT 1 FROM posts o WHERE o.id = p.repost_of AND post_itself_wanted_by(o, viewer)))
$$;

-- Whether a post may be reposted or quoted at all: published, public, by
-- a public account, and not itself a repost (reposting a repost reposts
-- its original). Who may do it is `post_visible_to` besides.
CREATE FUNCTION post_shareable(p posts) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT p.status = 'published' AND p.visibility = 'public' AND p.repost_of IS NULL
       AND NOT COALESCE((SELECT u.is_private FROM users u WHERE u.id = p.author_id), true)
$$;
