-- Indexes the feed benchmark (scripts/bench-feed.sh: 100k users, 1M posts,
-- 8M follows) showed missing on the home page's queries.

-- The home feed keeps, from all published posts newest first, those by the
-- viewer and the accounts they follow: with this index a typical reader's
-- first page walks about a thousand index entries (≈1 ms) instead of
-- scanning and sorting every post (≈400 ms).
CREATE INDEX posts_published_feed_idx ON posts (published_at DESC, id DESC) WHERE status = 'published';

-- "Suggested for you" and Discover list the most-followed accounts first;
-- without this every home page sorted all users (≈140 ms at 100k users).
CREATE INDEX users_followers_count_idx ON users (followers_count DESC, id);
