-- Shops and the catalog: product → options → values, and variants that pick
-- one value per option. Money is integer minor units with an ISO currency.

CREATE TABLE shops (
    id           uuid PRIMARY KEY,
    owner_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    handle       text NOT NULL CHECK (handle ~ '^[a-z0-9_]{3,30}$'),
    name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 80),
    description  text NOT NULL DEFAULT '' CHECK (char_length(description) <= 2000),
    logo_url     text,
    cover_url    text,
    currency     text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX shops_handle_key ON shops (handle);
CREATE INDEX shops_owner_idx ON shops (owner_id);
CREATE TRIGGER shops_updated_at BEFORE UPDATE ON shops FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE products (
    id           uuid PRIMARY KEY,
    shop_id      uuid NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    title        text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 140),
    description  text NOT NULL DEFAULT '' CHECK (char_length(description) <= 5000),
    status       text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'archived')),
    currency     text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_shop_idx ON products (shop_id, created_at DESC, id DESC);
CREATE INDEX products_title_idx ON products (lower(title) text_pattern_ops);
CREATE TRIGGER products_updated_at BEFORE UPDATE ON products FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE product_options (
    id           uuid PRIMARY KEY,
    product_id   uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 40),
    position     smallint NOT NULL CHECK (position BETWEEN 0 AND 2),
    UNIQUE (product_id, position)
);

CREATE TABLE product_option_values (
    id           uuid PRIMARY KEY,
    option_id    uuid NOT NULL REFERENCES product_options (id) ON DELETE CASCADE,
    value        text NOT NULL CHECK (char_length(value) BETWEEN 1 AND 40),
    position     smallint NOT NULL CHECK (position >= 0),
    UNIQUE (option_id, position)
);

CREATE TABLE product_variants (
    id                uuid PRIMARY KEY,
    product_id        uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    -- Denormalised from the product so SKUs are unique per shop.
    shop_id           uuid NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    title             text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 140),
    sku               text NOT NULL CHECK (sku ~ '^[A-Za-z0-9._-]{1,64}$'),
    price_minor       bigint NOT NULL CHECK (price_minor >= 0),
    compare_at_minor  bigint CHECK (compare_at_minor IS NULL OR compare_at_minor > price_minor),
    currency          text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    stock_on_hand     integer NOT NULL DEFAULT 0 CHECK (stock_on_hand >= 0),
    position          smallint NOT NULL CHECK (position >= 0),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (product_id, position)
);
CREATE UNIQUE INDEX product_variants_sku_key ON product_variants (shop_id, sku);
CREATE TRIGGER product_variants_updated_at BEFORE UPDATE ON product_variants FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE variant_option_values (
    variant_id       uuid NOT NULL REFERENCES product_variants (id) ON DELETE CASCADE,
    option_value_id  uuid NOT NULL REFERENCES product_option_values (id) ON DELETE CASCADE,
    PRIMARY KEY (variant_id, option_value_id)
);
CREATE INDEX variant_option_values_value_idx ON variant_option_values (option_value_id);
