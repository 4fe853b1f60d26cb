-- The purchase half: inventory with reservations and an append-only ledger,
-- carts (guest or signed-in), checkouts as a state machine, payments through
-- a provider (only brand and last four digits are kept), orders with an
-- enforced status machine, their audit trail, and the outbox their domain
-- events go to. Money is integer minor units with an ISO currency.

-- Inventory ----------------------------------------------------------------

-- available = stock_on_hand - stock_reserved, and it can never go negative.
ALTER TABLE product_variants
    ADD COLUMN stock_reserved integer NOT NULL DEFAULT 0 CHECK (stock_reserved >= 0),
    ADD CONSTRAINT product_variants_available_check CHECK (stock_on_hand - stock_reserved >= 0);

-- Every change to a variant's numbers, append-only. Summing a variant's
-- deltas gives its current stock_on_hand and stock_reserved.
CREATE TABLE inventory_movements (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    variant_id      uuid NOT NULL REFERENCES product_variants (id) ON DELETE RESTRICT,
    kind            text NOT NULL CHECK (kind IN ('receive', 'reserve', 'release', 'expire', 'sell', 'return', 'adjust')),
    on_hand_delta   integer NOT NULL,
    reserved_delta  integer NOT NULL,
    reason          text CHECK (reason IS NULL OR char_length(reason) <= 200),
    reservation_id  uuid,
    order_id        uuid,
    actor_id        uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'adjust' OR reason IS NOT NULL)
);
CREATE INDEX inventory_movements_variant_idx ON inventory_movements (variant_id, id);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'P0001';
END;
$$;
CREATE TRIGGER inventory_movements_append_only BEFORE UPDATE OR DELETE ON inventory_movements
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Stock that existed before the ledger is recorded as received.
INSERT INTO inventory_movements (variant_id, kind, on_hand_delta, reserved_delta, reason)
SELECT id, 'receive', stock_on_hand, 0, 'opening balance' FROM product_variants WHERE stock_on_hand > 0;

-- Carts ---------------------------------------------------------------------

-- A guest's cart is found by the hash of its cookie token; a signed-in
-- user's by user_id (one open cart each, on every device).
CREATE TABLE carts (
    id          uuid PRIMARY KEY,
    user_id     uuid REFERENCES users (id) ON DELETE CASCADE,
    token_hash  bytea UNIQUE,
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'merged')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (user_id IS NOT NULL OR token_hash IS NOT NULL)
);
CREATE UNIQUE INDEX carts_user_open_key ON carts (user_id) WHERE status = 'open' AND user_id IS NOT NULL;
CREATE TRIGGER carts_updated_at BEFORE UPDATE ON carts FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- One line per variant. The price seen when the line was added is kept so
-- the cart can say that it changed; totals always use the current price.
-- `attribution` is the context token the line was added with; it travels to
-- the order line.
CREATE TABLE cart_lines (
    id               uuid PRIMARY KEY,
    cart_id          uuid NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    variant_id       uuid NOT NULL REFERENCES product_variants (id) ON DELETE CASCADE,
    quantity         integer NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    seen_price_minor bigint NOT NULL CHECK (seen_price_minor >= 0),
    currency         text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    attribution      text CHECK (attribution IS NULL OR char_length(attribution) <= 1000),
    added_at         timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (cart_id, variant_id)
);
CREATE TRIGGER cart_lines_updated_at BEFORE UPDATE ON cart_lines FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Checkout ------------------------------------------------------------------

-- Tax rates by country and (optionally) region, in basis points. `inclusive`
-- rates are already in the shelf price (VAT); others are added on top.
CREATE TABLE tax_rates (
    country    text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    region     text NOT NULL DEFAULT '' CHECK (region ~ '^[A-Z0-9]{0,3}$'),
    name       text NOT NULL,
    rate_bp    integer NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
    inclusive  boolean NOT NULL,
    PRIMARY KEY (country, region)
);
INSERT INTO tax_rates (country, region, name, rate_bp, inclusive) VALUES
    ('GB', '', 'VAT', 2000, true),
    ('DE', '', 'MwSt', 1900, true),
    ('FR', '', 'TVA', 2000, true),
    ('NL', '', 'BTW', 2100, true),
    ('KE', '', 'VAT', 1600, true),
    ('TZ', '', 'VAT', 1800, true),
    ('NG', '', 'VAT', 750, true),
    ('JP', '', 'Consumption tax', 1000, true),
    ('US', '', 'Sales tax', 0, false),
    ('US', 'CA', 'Sales tax', 725, false),
    ('US', 'NY', 'Sales tax', 400, false),
    ('US', 'TX', 'Sales tax', 625, false),
    ('US', 'WA', 'Sales tax', 650, false),
    ('US', 'FL', 'Sales tax', 600, false),
    ('US', 'IL', 'Sales tax', 625, false);

-- One checkout per cart and shop at a time (an order has one shop and one
-- currency). `step` is the state machine; `attempt` numbers payment
-- attempts so each has its own idempotency key.
CREATE TABLE checkouts (
    id                uuid PRIMARY KEY,
    cart_id           uuid NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    shop_id           uuid NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    user_id           uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    currency          text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    step              text NOT NULL DEFAULT 'contact'
                      CHECK (step IN ('contact', 'shipping', 'payment', 'placed', 'abandoned')),
    email             text CHECK (email IS NULL OR char_length(email) <= 254),
    ship_name         text CHECK (ship_name IS NULL OR char_length(ship_name) <= 100),
    ship_line1        text CHECK (ship_line1 IS NULL OR char_length(ship_line1) <= 120),
    ship_line2        text CHECK (ship_line2 IS NULL OR char_length(ship_line2) <= 120),
    ship_city         text CHECK (ship_city IS NULL OR char_length(ship_city) <= 80),
    ship_region       text CHECK (ship_region IS NULL OR char_length(ship_region) <= 80),
    ship_postal_code  text CHECK (ship_postal_code IS NULL OR char_length(ship_postal_code) <= 16),
    ship_country      text CHECK (ship_country IS NULL OR ship_country ~ '^[A-Z]{2}$'),
    ship_phone        text CHECK (ship_phone IS NULL OR char_length(ship_phone) <= 32),
    shipping_option   text CHECK (shipping_option IS NULL OR shipping_option IN ('standard', 'express')),
    promo_codes       text[] NOT NULL DEFAULT '{}',
    attempt           integer NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    reserved_until    timestamptz,
    order_id          uuid,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX checkouts_open_key ON checkouts (cart_id, shop_id) WHERE step NOT IN ('placed', 'abandoned');
CREATE INDEX checkouts_user_idx ON checkouts (user_id, created_at DESC);
CREATE TRIGGER checkouts_updated_at BEFORE UPDATE ON checkouts FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Stock held for a checkout until it is placed, abandoned or expires.
CREATE TABLE stock_reservations (
    id           uuid PRIMARY KEY,
    checkout_id  uuid NOT NULL REFERENCES checkouts (id) ON DELETE CASCADE,
    variant_id   uuid NOT NULL REFERENCES product_variants (id) ON DELETE RESTRICT,
    quantity     integer NOT NULL CHECK (quantity > 0),
    status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'released', 'expired', 'sold')),
    expires_at   timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stock_reservations_checkout_idx ON stock_reservations (checkout_id) WHERE status = 'active';
CREATE INDEX stock_reservations_expiry_idx ON stock_reservations (expires_at) WHERE status = 'active';
CREATE TRIGGER stock_reservations_updated_at BEFORE UPDATE ON stock_reservations
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Orders ----------------------------------------------------------------------

CREATE TABLE orders (
    id                uuid PRIMARY KEY,
    number            bigint GENERATED ALWAYS AS IDENTITY (START WITH 1001) UNIQUE,
    shop_id           uuid NOT NULL REFERENCES shops (id) ON DELETE RESTRICT,
    buyer_id          uuid NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    checkout_id       uuid NOT NULL UNIQUE REFERENCES checkouts (id) ON DELETE RESTRICT,
    status            text NOT NULL DEFAULT 'pending' CHECK (status IN
                      ('pending', 'paid', 'fulfilled', 'shipped', 'delivered',
                       'cancelled', 'refunded', 'partially_refunded', 'disputed')),
    currency          text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    subtotal_minor    bigint NOT NULL CHECK (subtotal_minor >= 0),
    discount_minor    bigint NOT NULL DEFAULT 0 CHECK (discount_minor >= 0),
    shipping_minor    bigint NOT NULL DEFAULT 0 CHECK (shipping_minor >= 0),
    tax_minor         bigint NOT NULL DEFAULT 0 CHECK (tax_minor >= 0),
    tax_inclusive     boolean NOT NULL DEFAULT false,
    total_minor       bigint NOT NULL CHECK (total_minor >= 0),
    refunded_minor    bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
    email             text NOT NULL,
    ship_name         text NOT NULL,
    ship_line1        text NOT NULL,
    ship_line2        text NOT NULL DEFAULT '',
    ship_city         text NOT NULL,
    ship_region       text NOT NULL DEFAULT '',
    ship_postal_code  text NOT NULL DEFAULT '',
    ship_country      text NOT NULL CHECK (ship_country ~ '^[A-Z]{2}$'),
    ship_phone        text NOT NULL DEFAULT '',
    shipping_option   text NOT NULL,
    carrier           text,
    tracking_number   text CHECK (tracking_number IS NULL OR char_length(tracking_number) BETWEEN 4 AND 40),
    placed_at         timestamptz NOT NULL DEFAULT now(),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (refunded_minor <= total_minor)
);
CREATE INDEX orders_buyer_idx ON orders (buyer_id, placed_at DESC, id DESC);
CREATE INDEX orders_shop_idx ON orders (shop_id, placed_at DESC, id DESC);
CREATE TRIGGER orders_updated_at BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION set_updated_at();
ALTER TABLE checkouts ADD CONSTRAINT checkouts_order_fk FOREIGN KEY (order_id) REFERENCES orders (id);

-- The allowed status changes; the trigger below refuses any other, so an
-- illegal transition cannot happen whatever code runs.
CREATE TABLE order_transitions (
    from_status  text NOT NULL,
    to_status    text NOT NULL,
    PRIMARY KEY (from_status, to_status)
);
INSERT INTO order_transitions (from_status, to_status) VALUES
    ('pending', 'paid'), ('pending', 'cancelled'),
    ('paid', 'fulfilled'), ('paid', 'cancelled'), ('paid', 'refunded'),
    ('paid', 'partially_refunded'), ('paid', 'disputed'),
    ('fulfilled', 'shipped'), ('fulfilled', 'cancelled'), ('fulfilled', 'refunded'),
    ('fulfilled', 'partially_refunded'), ('fulfilled', 'disputed'),
    ('shipped', 'delivered'), ('shipped', 'refunded'), ('shipped', 'partially_refunded'), ('shipped', 'disputed'),
    ('delivered', 'refunded'), ('delivered', 'partially_refunded'), ('delivered', 'disputed'),
    ('partially_refunded', 'fulfilled'),
    ('partially_refunded', 'shipped'), ('partially_refunded', 'delivered'),
    ('partially_refunded', 'refunded'), ('partially_refunded', 'disputed'),
    ('disputed', 'delivered'), ('disputed', 'refunded');

CREATE FUNCTION check_order_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NOT EXISTS (SELECT 1 FROM order_transitions WHERE from_status = OLD.status AND to_status = NEW.status) THEN
            RAISE EXCEPTION 'order % cannot go from % to %', OLD.id, OLD.status, NEW.status USING ERRCODE = 'P0002';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER orders_status_transition BEFORE UPDATE OF status ON orders
    FOR EACH ROW EXECUTE FUNCTION check_order_transition();

CREATE TABLE order_lines (
    id                 uuid PRIMARY KEY,
    order_id           uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    variant_id         uuid NOT NULL REFERENCES product_variants (id) ON DELETE RESTRICT,
    product_id         uuid NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
    title              text NOT NULL,
    variant_title      text NOT NULL,
    sku                text NOT NULL,
    quantity           integer NOT NULL CHECK (quantity > 0),
    unit_price_minor   bigint NOT NULL CHECK (unit_price_minor >= 0),
    discount_minor     bigint NOT NULL DEFAULT 0 CHECK (discount_minor >= 0),
    tax_minor          bigint NOT NULL DEFAULT 0 CHECK (tax_minor >= 0),
    total_minor        bigint NOT NULL CHECK (total_minor >= 0),
    refunded_quantity  integer NOT NULL DEFAULT 0 CHECK (refunded_quantity >= 0),
    refunded_minor     bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
    attribution        text,
    position           smallint NOT NULL,
    CHECK (refunded_quantity <= quantity),
    CHECK (refunded_minor <= total_minor),
    UNIQUE (order_id, position)
);

-- Who changed an order, from what, to what, and why: the audit trail.
CREATE TABLE order_history (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id     uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    from_status  text,
    to_status    text NOT NULL,
    actor_id     uuid REFERENCES users (id) ON DELETE SET NULL,
    note         text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_history_order_idx ON order_history (order_id, id);
CREATE TRIGGER order_history_append_only BEFORE UPDATE OR DELETE ON order_history
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Refunds, whole-order or per line, each with a reason.
CREATE TABLE refunds (
    id            uuid PRIMARY KEY,
    order_id      uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    order_line_id uuid REFERENCES order_lines (id) ON DELETE CASCADE,
    quantity      integer NOT NULL DEFAULT 0 CHECK (quantity >= 0),
    amount_minor  bigint NOT NULL CHECK (amount_minor > 0),
    reason        text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
    actor_id      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refunds_order_idx ON refunds (order_id);

-- Domain events written in the same transaction as the change they
-- describe; consumers (analytics, notifications, commissions) read them in
-- id order and mark what they processed.
CREATE TABLE outbox_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    aggregate     text NOT NULL,
    aggregate_id  uuid NOT NULL,
    kind          text NOT NULL,
    payload       jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    processed_at  timestamptz
);
CREATE INDEX outbox_events_pending_idx ON outbox_events (id) WHERE processed_at IS NULL;

-- Promotions ------------------------------------------------------------------

-- A promotion is a shop's; its rules are versioned (an edit adds a version,
-- never rewrites one), so every order line can say exactly which rule, in
-- which version, gave it how much.
CREATE TABLE promotions (
    id          uuid PRIMARY KEY,
    shop_id     uuid NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    code        text CHECK (code IS NULL OR code ~ '^[A-Z0-9_-]{3,32}$'),
    title       text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 80),
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX promotions_code_key ON promotions (shop_id, code) WHERE code IS NOT NULL AND status = 'active';
CREATE INDEX promotions_shop_idx ON promotions (shop_id) WHERE status = 'active';
CREATE TRIGGER promotions_updated_at BEFORE UPDATE ON promotions FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE promotion_versions (
    promotion_id  uuid NOT NULL REFERENCES promotions (id) ON DELETE CASCADE,
    version       integer NOT NULL CHECK (version >= 1),
    rule          jsonb NOT NULL,
    created_by    uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (promotion_id, version)
);
CREATE TRIGGER promotion_versions_append_only BEFORE UPDATE OR DELETE ON promotion_versions
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Each use, for total and per-customer limits.
CREATE TABLE promotion_redemptions (
    promotion_id  uuid NOT NULL REFERENCES promotions (id) ON DELETE CASCADE,
    version       integer NOT NULL,
    order_id      uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    amount_minor  bigint NOT NULL CHECK (amount_minor >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (promotion_id, order_id)
);
CREATE INDEX promotion_redemptions_user_idx ON promotion_redemptions (promotion_id, user_id);

-- What each applied rule took off each order line, for finance.
CREATE TABLE order_line_discounts (
    order_line_id  uuid NOT NULL REFERENCES order_lines (id) ON DELETE CASCADE,
    promotion_id   uuid NOT NULL REFERENCES promotions (id) ON DELETE RESTRICT,
    version        integer NOT NULL,
    title          text NOT NULL,
    code           text,
    amount_minor   bigint NOT NULL CHECK (amount_minor > 0),
    PRIMARY KEY (order_line_id, promotion_id),
    FOREIGN KEY (promotion_id, version) REFERENCES promotion_versions (promotion_id, version)
);

-- Payments ------------------------------------------------------------------

-- One row per payment attempt. The idempotency key (checkout and attempt)
-- is unique, so a double click or a retry finds the same row and the
-- provider, asked with the same key, returns the same result: never two
-- charges, never two orders. Only brand and last four digits are stored.
CREATE TABLE payments (
    id               uuid PRIMARY KEY,
    checkout_id      uuid NOT NULL REFERENCES checkouts (id) ON DELETE RESTRICT,
    order_id         uuid REFERENCES orders (id) ON DELETE RESTRICT,
    idempotency_key  text NOT NULL UNIQUE,
    provider         text NOT NULL,
    provider_ref     text,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN
                     ('pending', 'authorized', 'captured', 'declined', 'failed', 'voided',
                      'refunded', 'partially_refunded')),
    amount_minor     bigint NOT NULL CHECK (amount_minor >= 0),
    currency         text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    captured_minor   bigint NOT NULL DEFAULT 0 CHECK (captured_minor >= 0),
    refunded_minor   bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
    card_brand       text,
    card_last4       text CHECK (card_last4 IS NULL OR card_last4 ~ '^[0-9]{4}$'),
    failure_code     text,
    failure_message  text,
    -- The priced order this payment is for, fixed before the provider is
    -- asked, so the order built after authorization (even by the recovery
    -- job after a crash) is exactly what was authorized.
    snapshot         jsonb NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (refunded_minor <= captured_minor),
    CHECK (captured_minor <= amount_minor)
);
CREATE UNIQUE INDEX payments_order_key ON payments (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX payments_pending_idx ON payments (created_at) WHERE status = 'pending';
CREATE INDEX payments_checkout_idx ON payments (checkout_id);
CREATE TRIGGER payments_updated_at BEFORE UPDATE ON payments FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The built-in test provider's own books, as a real provider keeps them on
-- its side: one intent per idempotency key, so asking again with the same
-- key returns the first answer.
CREATE TABLE test_provider_intents (
    idempotency_key  text PRIMARY KEY,
    reference        text NOT NULL UNIQUE,
    amount_minor     bigint NOT NULL,
    currency         text NOT NULL,
    status           text NOT NULL CHECK (status IN ('authorized', 'captured', 'declined', 'voided', 'refunded', 'partially_refunded')),
    captured_minor   bigint NOT NULL DEFAULT 0,
    refunded_minor   bigint NOT NULL DEFAULT 0,
    card_brand       text NOT NULL,
    card_last4       text NOT NULL,
    decline_code     text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
-- Transient failures the test provider has already reported for a key, so
-- the card that "fails once, then succeeds" does exactly that.
CREATE TABLE test_provider_attempts (
    idempotency_key  text PRIMARY KEY,
    failures         integer NOT NULL DEFAULT 0
);
