-- Conversations: replies to comments and to replies, edits, likes, and the
-- post author's moderation (hide a comment, turn comments off).
--
-- A reply keeps the comment it answers (`parent_id`), its thread's top-level
-- comment (`root_id`, so a thread is read with one index range), every
-- comment above it (`ancestors`, root first: the hide rule reads them) and
-- its true depth (0 for a top-level comment). How deep the page indents is a
-- display rule (`posts::comments::thread`), not stored.
--
-- Counts: `posts.comment_count` counts live (not deleted) comments, replies
-- and hidden ones included; adding or deleting one changes it in the same
-- transaction, holding the post row's lock. The comments section's own
-- total is counted through `comment_visible_to` for its reader.
-- `comments.like_count` counts `comment_likes` rows, changed only when a
-- like row was really inserted or deleted. Reply counts are not stored: they
-- are counted through `comment_visible_to` when read, so they never show a
-- reply the reader may not see.
ALTER TABLE comments
    ADD COLUMN parent_id  uuid REFERENCES comments (id) ON DELETE CASCADE,
    ADD COLUMN root_id    uuid REFERENCES comments (id) ON DELETE CASCADE,
    ADD COLUMN ancestors  uuid[] NOT NULL DEFAULT '{}',
    ADD COLUMN depth      integer NOT NULL DEFAULT 0 CHECK (depth >= 0),
    ADD COLUMN edited_at  timestamptz,
    ADD COLUMN hidden_at  timestamptz,
    ADD COLUMN like_count integer NOT NULL DEFAULT 0 CHECK (like_count >= 0),
    ADD CONSTRAINT comments_reply_shape CHECK (
        (parent_id IS NULL AND root_id IS NULL AND depth = 0 AND cardinality(ancestors) = 0)
        OR (parent_id IS NOT NULL AND root_id IS NOT NULL AND depth = cardinality(ancestors)
            AND ancestors[1] = root_id AND ancestors[depth] = parent_id)
    );

-- Top-level comments of a post, and a thread's replies, oldest first (deleted
-- ones too: a deleted comment with replies keeps its place).
CREATE INDEX comments_top_idx ON comments (post_id, created_at, id) WHERE parent_id IS NULL;
CREATE INDEX comments_thread_idx ON comments (root_id, created_at, id) WHERE root_id IS NOT NULL;
CREATE INDEX comments_parent_idx ON comments (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE comment_likes (
    comment_id uuid NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT app_now(),
    PRIMARY KEY (comment_id, user_id)
);
CREATE INDEX comment_likes_user_idx ON comment_likes (user_id);

-- The post's author can turn comments off: existing ones stay, no new
-- comments or replies.
ALTER TABLE posts ADD COLUMN comments_off boolean NOT NULL DEFAULT false;

-- The one comment rule. Every read path that shows a comment, a reply or a
-- count of them asks `comment_visible_to(c, viewer)` (after the post itself
-- passed `post_visible_to`). Today it holds the hide rule: a comment the
-- post's author hid, and the replies under it, are seen only by the post's
-- author and the hidden comment's writer (who is not told: they see their
-- thread as before). Someone who replied under it loses the thread too.
-- Blocks, restrict and muted words will `CREATE OR REPLACE` this function
-- and nothing else. It does not look at `deleted_at`: read paths show a
-- deleted comment only as a content-free "Comment deleted" placeholder, and
-- only while it has replies the reader may see. `viewer` is NULL for
-- someone signed out.
CREATE FUNCTION comment_visible_to(c comments, viewer uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT EXISTS (SELECT 1 FROM posts p WHERE p.id = c.post_id AND p.author_id = viewer)
        OR NOT EXISTS (SELECT 1 FROM comments a
                        WHERE (a.id = c.id OR a.id = ANY (c.ancestors))
                          AND a.hidden_at IS NOT NULL
                          AND a.author_id IS DISTINCT FROM viewer)
$$;
