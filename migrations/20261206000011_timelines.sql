-- Home timelines (app/src/posts/timeline): a row per post a reader's home
-- feed holds, written when the post is published (fan-out on write) for
-- authors with fewer followers than the fan-out limit. Posts by authors in
-- `timeline_merged_authors`, and the reader's own, are read from `posts`
-- at read time and merged in. Who may see a post is still decided at read
-- (`post_visible_to`): a row here grants nothing.
CREATE TABLE timelines (
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id       uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author_id     uuid NOT NULL,
    published_at  timestamptz NOT NULL,
    PRIMARY KEY (user_id, post_id)
);
-- A page: the feed's keyset (published_at, id), newest first.
CREATE INDEX timelines_page_idx ON timelines (user_id, published_at DESC, post_id DESC);
-- Unfollowing removes an author's rows from one timeline.
CREATE INDEX timelines_author_idx ON timelines (user_id, author_id);
-- Deleting a post removes its rows everywhere.
CREATE INDEX timelines_post_idx ON timelines (post_id);

-- A built timeline holds every post of the accounts its owner follows (less
-- merged authors) whose key is at or after its horizon; older pages are
-- read from `posts`. No row: not built yet (a new reader) or marked stale,
-- so the next read rebuilds it.
CREATE TABLE timeline_state (
    user_id     uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    horizon_at  timestamptz NOT NULL,
    horizon_id  uuid NOT NULL,
    built_at    timestamptz NOT NULL DEFAULT app_now()
);

-- Authors whose posts are merged at read instead of fanned out: they had
-- at least the fan-out limit of followers when they last published. Sticky,
-- so an account hovering around the limit never leaves posts out.
CREATE TABLE timeline_merged_authors (
    user_id  uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    since    timestamptz NOT NULL DEFAULT app_now()
);
