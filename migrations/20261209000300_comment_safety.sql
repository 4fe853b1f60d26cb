-- The one comment rule (…09000200_comment_threads.sql) with privacy and
-- safety (…09000001_safety.sql) added, and nothing else changed:
--   * a block closes a comment, and the thread under it, to the other side
--     of the block, the post's author included;
--   * a comment holding a word the reader muted is closed to them, with the
--     thread under it (their own comments always show);
--   * the hide rule as before. A restricted account's new comments on the
--     restricter's posts are stored hidden and `held` (waiting for approval),
--     so the hide rule keeps them to their writer and the post's author
--     until the author approves (unhides) them.
CREATE OR REPLACE FUNCTION comment_visible_to(c comments, viewer uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT NOT EXISTS (SELECT 1 FROM comments a
                        WHERE (a.id = c.id OR a.id = ANY (c.ancestors))
                          AND (blocked_between(a.author_id, viewer)
                               OR NOT comment_wanted_by(a.author_id, a.body, viewer)))
       AND (EXISTS (SELECT 1 FROM posts p WHERE p.id = c.post_id AND p.author_id = viewer)
            OR NOT EXISTS (SELECT 1 FROM comments a
                            WHERE (a.id = c.id OR a.id = ANY (c.ancestors))
                              AND a.hidden_at IS NOT NULL
                              AND a.author_id IS DISTINCT FROM viewer))
$$;

-- Held comments are hidden ones: approving one is unhiding it.
ALTER TABLE comments ADD CONSTRAINT comments_held_is_hidden CHECK (NOT held OR hidden_at IS NOT NULL);
