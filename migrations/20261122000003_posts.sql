-- Posts with images, and the coordinate tags placed on those images.

CREATE TABLE posts (
    id            uuid PRIMARY KEY,
    author_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body          text NOT NULL DEFAULT '' CHECK (char_length(body) <= 5000),
    status        text NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published', 'deleted')),
    visibility    text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'followers')),
    like_count    integer NOT NULL DEFAULT 0 CHECK (like_count >= 0),
    comment_count integer NOT NULL DEFAULT 0 CHECK (comment_count >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz,
    edited_at     timestamptz,
    deleted_at    timestamptz,
    CHECK ((status = 'published') = (published_at IS NOT NULL) OR status = 'deleted')
);
-- Feeds read published posts per author, newest first (keyset on published_at, id).
CREATE INDEX posts_author_feed_idx ON posts (author_id, published_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX posts_public_feed_idx ON posts (published_at DESC, id DESC) WHERE status = 'published' AND visibility = 'public';

-- One row per image; the server keeps three sizes, all with the original's aspect ratio.
CREATE TABLE post_media (
    id          uuid PRIMARY KEY,
    post_id     uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    position    smallint NOT NULL CHECK (position BETWEEN 0 AND 9),
    url_150     text NOT NULL,
    url_600     text NOT NULL,
    url_1200    text NOT NULL,
    width       integer NOT NULL CHECK (width > 0),
    height      integer NOT NULL CHECK (height > 0),
    alt         text NOT NULL DEFAULT '' CHECK (char_length(alt) <= 300),
    UNIQUE (post_id, position)
);

-- A tag at (x, y) in percent of the image, so it lands on the same spot at any size.
CREATE TABLE image_tags (
    id          uuid PRIMARY KEY,
    media_id    uuid NOT NULL REFERENCES post_media (id) ON DELETE CASCADE,
    x_pct       numeric(5, 2) NOT NULL CHECK (x_pct BETWEEN 0 AND 100),
    y_pct       numeric(5, 2) NOT NULL CHECK (y_pct BETWEEN 0 AND 100),
    kind        text NOT NULL CHECK (kind IN ('user', 'product', 'shop')),
    user_id     uuid REFERENCES users (id) ON DELETE CASCADE,
    product_id  uuid REFERENCES products (id) ON DELETE CASCADE,
    shop_id     uuid REFERENCES shops (id) ON DELETE CASCADE,
    CHECK (num_nonnulls(user_id, product_id, shop_id) = 1),
    CHECK ((kind = 'user') = (user_id IS NOT NULL)),
    CHECK ((kind = 'product') = (product_id IS NOT NULL)),
    CHECK ((kind = 'shop') = (shop_id IS NOT NULL))
);
CREATE INDEX image_tags_media_idx ON image_tags (media_id);
CREATE INDEX image_tags_product_idx ON image_tags (product_id) WHERE product_id IS NOT NULL;
CREATE INDEX image_tags_user_idx ON image_tags (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX image_tags_shop_idx ON image_tags (shop_id) WHERE shop_id IS NOT NULL;
