-- Explore's ranking (app/src/posts/explore.rs), recomputed every minute by
-- a job over the last week of public posts of public accounts. A post's
-- score is a moment: when it was published, plus six hours for each tenfold
-- of its engagement (likes + 2 × comments), so engagement lifts a post above
-- newer ones and the order stays a keyset the feed's cursor pages through.
-- Who may see a post is still decided at read (`post_visible_to`).
CREATE TABLE explore_ranking (
    post_id    uuid PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    author_id  uuid NOT NULL,
    score_at   timestamptz NOT NULL
);
CREATE INDEX explore_ranking_order_idx ON explore_ranking (score_at DESC, post_id DESC);

-- The one row saying up to when the ranking covers published posts; newer
-- posts are scored at read until the next refresh.
CREATE TABLE explore_refresh (
    id             boolean PRIMARY KEY DEFAULT true CHECK (id),
    covered_until  timestamptz NOT NULL
);
