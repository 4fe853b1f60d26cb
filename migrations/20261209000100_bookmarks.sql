-- Bookmarks ("Saved"): a user saves a post once, privately, optionally
-- into one of their named collections. Deleting a collection keeps its
-- bookmarks as plain saved posts; deleting the user or the post removes
-- them. Who may still see a saved post is decided at read time by
-- post_visible_to, never here.

CREATE TABLE bookmark_collections (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Trimmed, 1–50 characters, no control characters (bookmarks::CollectionName).
    name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 50
                                     AND name = btrim(name)
                                     AND name !~ '[[:cntrl:]]'),
    created_at  timestamptz NOT NULL DEFAULT app_now(),
    updated_at  timestamptz NOT NULL DEFAULT app_now(),
    -- The target of bookmarks' (collection, owner) key below.
    UNIQUE (id, user_id)
);
-- One name per user, whatever its case.
CREATE UNIQUE INDEX bookmark_collections_name_key ON bookmark_collections (user_id, lower(name));
CREATE TRIGGER bookmark_collections_updated_at BEFORE UPDATE ON bookmark_collections
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE bookmarks (
    user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id        uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    collection_id  uuid,
    created_at     timestamptz NOT NULL DEFAULT app_now(),
    PRIMARY KEY (user_id, post_id),
    -- A bookmark can only sit in its own user's collection; deleting the
    -- collection leaves the bookmark in "All".
    FOREIGN KEY (collection_id, user_id) REFERENCES bookmark_collections (id, user_id)
        ON DELETE SET NULL (collection_id)
);
-- The saved page, newest saved first (keyset on created_at, post_id): "All"
-- and one collection's tab.
CREATE INDEX bookmarks_saved_idx ON bookmarks (user_id, created_at DESC, post_id DESC);
CREATE INDEX bookmarks_collection_idx ON bookmarks (collection_id, created_at DESC, post_id DESC)
    WHERE collection_id IS NOT NULL;
-- Deleting a post cascades here by post.
CREATE INDEX bookmarks_post_idx ON bookmarks (post_id);

-- How many people saved the post, changed in the transaction that adds or
-- removes a bookmark (only its author is shown it).
ALTER TABLE posts ADD COLUMN bookmark_count integer NOT NULL DEFAULT 0 CHECK (bookmark_count >= 0);
