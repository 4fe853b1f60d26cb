-- What grows around a post: its edit history, the @user / $shop / #hashtag
-- references in its text, linked product/shop/event cards, top-level
-- comments, plus events, product galleries.

-- Events: minimal but real (a venue, a time span, a ticket price range and
-- how many tickets are left).
CREATE TABLE events (
    id                uuid PRIMARY KEY,
    organizer_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    shop_id           uuid REFERENCES shops (id) ON DELETE SET NULL,
    title             text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 140),
    description       text NOT NULL DEFAULT '' CHECK (char_length(description) <= 5000),
    venue             text NOT NULL CHECK (char_length(venue) BETWEEN 1 AND 200),
    starts_at         timestamptz NOT NULL,
    ends_at           timestamptz NOT NULL,
    image_url_600     text,
    image_url_1200    text,
    image_width       integer CHECK (image_width > 0),
    image_height      integer CHECK (image_height > 0),
    currency          text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    ticket_min_minor  bigint NOT NULL CHECK (ticket_min_minor >= 0),
    ticket_max_minor  bigint NOT NULL,
    tickets_total     integer CHECK (tickets_total IS NULL OR tickets_total >= 0),
    tickets_sold      integer NOT NULL DEFAULT 0 CHECK (tickets_sold >= 0),
    status            text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at),
    CHECK (ticket_max_minor >= ticket_min_minor),
    CHECK (tickets_total IS NULL OR tickets_sold <= tickets_total)
);
CREATE INDEX events_upcoming_idx ON events (starts_at, id) WHERE status = 'scheduled';
CREATE INDEX events_organizer_idx ON events (organizer_id, starts_at DESC);
CREATE INDEX events_title_idx ON events (lower(title) text_pattern_ops);
CREATE TRIGGER events_updated_at BEFORE UPDATE ON events FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- A product's gallery, in order; the first image is its cover.
CREATE TABLE product_images (
    id          uuid PRIMARY KEY,
    product_id  uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position    smallint NOT NULL CHECK (position BETWEEN 0 AND 9),
    url_150     text NOT NULL,
    url_600     text NOT NULL,
    url_1200    text NOT NULL,
    width       integer NOT NULL CHECK (width > 0),
    height      integer NOT NULL CHECK (height > 0),
    alt         text NOT NULL DEFAULT '' CHECK (char_length(alt) <= 300),
    UNIQUE (product_id, position)
);

-- Every earlier version of a post's text, written when the author edits it.
CREATE TABLE post_revisions (
    id          uuid PRIMARY KEY,
    post_id     uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    body        text NOT NULL,
    visibility  text NOT NULL CHECK (visibility IN ('public', 'followers')),
    -- When this version stopped being current.
    replaced_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX post_revisions_post_idx ON post_revisions (post_id, replaced_at DESC);

-- The @user, $shop and #hashtag references found in a post's text (names
-- that exist; unknown names stay plain text and are not stored).
CREATE TABLE post_refs (
    post_id  uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    kind     text NOT NULL CHECK (kind IN ('user', 'shop', 'hashtag')),
    user_id  uuid REFERENCES users (id) ON DELETE CASCADE,
    shop_id  uuid REFERENCES shops (id) ON DELETE CASCADE,
    hashtag  text CHECK (hashtag ~ '^[a-z0-9_]{1,50}$'),
    CHECK ((kind = 'user') = (user_id IS NOT NULL)),
    CHECK ((kind = 'shop') = (shop_id IS NOT NULL)),
    CHECK ((kind = 'hashtag') = (hashtag IS NOT NULL))
);
CREATE UNIQUE INDEX post_refs_user_key ON post_refs (user_id, post_id) WHERE kind = 'user';
CREATE UNIQUE INDEX post_refs_shop_key ON post_refs (shop_id, post_id) WHERE kind = 'shop';
CREATE UNIQUE INDEX post_refs_hashtag_key ON post_refs (hashtag, post_id) WHERE kind = 'hashtag';
CREATE INDEX post_refs_post_idx ON post_refs (post_id);

-- Products, shops and events linked to a post, shown as cards under it.
CREATE TABLE post_links (
    post_id     uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    position    smallint NOT NULL CHECK (position BETWEEN 0 AND 9),
    kind        text NOT NULL CHECK (kind IN ('product', 'shop', 'event')),
    product_id  uuid REFERENCES products (id) ON DELETE CASCADE,
    shop_id     uuid REFERENCES shops (id) ON DELETE CASCADE,
    event_id    uuid REFERENCES events (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, position),
    CHECK (num_nonnulls(product_id, shop_id, event_id) = 1),
    CHECK ((kind = 'product') = (product_id IS NOT NULL)),
    CHECK ((kind = 'shop') = (shop_id IS NOT NULL)),
    CHECK ((kind = 'event') = (event_id IS NOT NULL))
);
CREATE INDEX post_links_product_idx ON post_links (product_id) WHERE product_id IS NOT NULL;
CREATE INDEX post_links_shop_idx ON post_links (shop_id) WHERE shop_id IS NOT NULL;
CREATE INDEX post_links_event_idx ON post_links (event_id) WHERE event_id IS NOT NULL;

-- Top-level comments; posts.comment_count changes in the same transaction.
CREATE TABLE comments (
    id          uuid PRIMARY KEY,
    post_id     uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body        text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 2200),
    created_at  timestamptz NOT NULL DEFAULT now(),
    deleted_at  timestamptz
);
CREATE INDEX comments_post_idx ON comments (post_id, created_at, id) WHERE deleted_at IS NULL;

-- Drafts are listed newest first for their author.
CREATE INDEX posts_author_drafts_idx ON posts (author_id, created_at DESC) WHERE status = 'draft';
