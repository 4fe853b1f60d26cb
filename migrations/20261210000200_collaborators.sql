-- Collaborative posts (app/src/posts/collabs): a post's creator invites up
-- to ten co-authors, while composing or editing; each invitee accepts (the
-- row turns 'accepted') or declines (the row is deleted, as the seed has
-- it: nothing is kept of a declined invite). The creator stays the post's
-- one `author_id`: only they edit or delete it, and who may see it is
-- still `post_visible_to`, the creator's rule. What co-authoring adds is
-- where the post shows: on every accepted co-author's profile, and in the
-- home feeds of their followers (`post_from_followed` below).
--
-- The limit of ten (invited and accepted together) is counted under the
-- post row's lock by the one function that invites
-- (`posts::collabs::db::invite_locked`); a row per (post, person) keeps an
-- invitation from being sent twice.
CREATE TABLE post_collaborators (
    post_id      uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status       text NOT NULL CHECK (status IN ('invited', 'accepted')),
    invited_at   timestamptz NOT NULL DEFAULT app_now(),
    -- When the invitee accepted: the byline lists co-authors in this order.
    accepted_at  timestamptz,
    PRIMARY KEY (post_id, user_id),
    CHECK ((status = 'accepted') = (accepted_at IS NOT NULL))
);
-- "My pending invites" (`/collabs` and the count on the Me page), newest first.
CREATE INDEX post_collaborators_invites_idx ON post_collaborators (user_id, invited_at DESC)
    WHERE status = 'invited';
-- "Posts I co-authored": a profile's posts, and a timeline's rebuild,
-- back-fill and older pages, which read a followed account's posts.
CREATE INDEX post_collaborators_coauthor_idx ON post_collaborators (user_id, post_id)
    WHERE status = 'accepted';

-- Whether a post is from someone `viewer` follows (or is): its creator or
-- one of its accepted co-authors. The home timeline asks this of every row
-- it shows (a row of an account no longer followed is skipped) and Explore
-- leaves such posts out (they are in the home feed). It says nothing about
-- who may see the post: that is `post_visible_to`'s, asked beside it, so a
-- co-author's follower sees a followers-only post only if they also follow
-- its creator. Signed out (`viewer` NULL): from nobody followed.
CREATE FUNCTION post_from_followed(p posts, viewer uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT COALESCE(p.author_id = viewer, false)
        OR EXISTS (SELECT 1 FROM follows f
                    WHERE f.follower_id = viewer AND f.followee_id = p.author_id AND f.status = 'accepted')
        OR EXISTS (SELECT 1 FROM post_collaborators c
                    WHERE c.post_id = p.id AND c.status = 'accepted'
                      AND (c.user_id = viewer
                           OR EXISTS (SELECT 1 FROM follows f
                                       WHERE f.follower_id = viewer AND f.followee_id = c.user_id
                                         AND f.status = 'accepted')))
$$;
