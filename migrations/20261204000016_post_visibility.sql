-- One visibility rule. Every read path that shows posts (feeds, the post
-- page, profile grids, hashtag/tag/product "posts about", comments, likes)
-- asks `post_visible_to(p, viewer)`, so private accounts, blocks and hidden
-- posts change this function and nothing else. The rule today: a deleted
-- post is seen by nobody; its author sees it (drafts too); anyone else sees
-- it once published, if it is public or they are an accepted follower.
-- `viewer` is NULL for someone signed out. Feeds add `status = 'published'`
-- themselves: they list published posts, even the author's own.
CREATE FUNCTION post_visible_to(p posts, viewer uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT p.status <> 'deleted'
       AND (p.author_id = viewer
            OR (p.status = 'published'
                AND (p.visibility = 'public'
                     OR EXISTS (SELECT 1 FROM follows f
                                 WHERE f.follower_id = viewer
                                   AND f.followee_id = p.author_id
                                   AND f.status = 'accepted'))))
$$;
