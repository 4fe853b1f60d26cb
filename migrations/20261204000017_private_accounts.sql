-- Private accounts. A follow of a private account starts as a request
-- (`follows.status = 'pending'`) that its owner accepts or declines; only
-- accepted follows count, unlock posts or appear in lists. What a private
-- account shows (its posts, the posts it is tagged in, its followers and
-- following) is seen by its owner and accepted followers only.

-- Who may see what an account shows beyond its header: anyone for a public
-- account; for a private one, its owner and accepted followers. `viewer` is
-- NULL for someone signed out. A missing account shows nothing.
CREATE FUNCTION account_visible_to(owner uuid, viewer uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT COALESCE(owner = viewer, false)
        OR NOT COALESCE((SELECT u.is_private FROM users u WHERE u.id = owner), true)
        OR EXISTS (SELECT 1 FROM follows f
                    WHERE f.follower_id = viewer
                      AND f.followee_id = owner
                      AND f.status = 'accepted')
$$;

-- The one post rule (see …16_post_visibility.sql), now also closed to
-- everyone but accepted followers when the author's account is private.
CREATE OR REPLACE FUNCTION post_visible_to(p posts, viewer uuid) RETURNS boolean
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

-- Follows are written with an explicit status from now on; a row that
-- forgets it must not become an accepted follow by default.
ALTER TABLE follows ALTER COLUMN status DROP DEFAULT;

-- The owner's requests page lists pending requests newest first.
CREATE INDEX follows_pending_idx ON follows (followee_id, created_at DESC) WHERE status = 'pending';
