-- The attribution chain: what shoppers did (events, append-only), the
-- touch points each order line's journey had (fixed when it was bought),
-- the credits derived from them under each model (recomputed, never edited
-- by hand), the shops' settings, and creators' commissions.

-- Shopper events --------------------------------------------------------------------
-- Append-only and partitioned by month, so old months can be detached or
-- dropped whole and "this month" queries touch one partition.
CREATE TABLE shopper_events (
    id            bigint GENERATED ALWAYS AS IDENTITY,
    at            timestamptz NOT NULL,
    kind          text NOT NULL CHECK (kind IN
                  ('impression', 'tag_tap', 'product_view', 'add_to_cart', 'checkout_started', 'purchase')),
    -- The browser's anonymous id (cookie `sf_visitor`); user_id when signed in.
    visitor_id    uuid NOT NULL,
    user_id       uuid,
    session_id    uuid,
    post_id       uuid,
    creator_ids   uuid[] NOT NULL DEFAULT '{}',
    product_id    uuid,
    shop_id       uuid,
    surface       text CHECK (surface IS NULL OR surface IN
                  ('image_tag', 'product_card', 'shop_tag', 'comment_mention', 'group_card', 'plan_card', 'search', 'direct')),
    order_id      uuid,
    amount_minor  bigint,
    PRIMARY KEY (at, id)
) PARTITION BY RANGE (at);
CREATE INDEX shopper_events_visitor_idx ON shopper_events (visitor_id, at);
CREATE INDEX shopper_events_user_idx ON shopper_events (user_id, at) WHERE user_id IS NOT NULL;
CREATE INDEX shopper_events_post_idx ON shopper_events (post_id, kind, at) WHERE post_id IS NOT NULL;
CREATE TABLE shopper_events_default PARTITION OF shopper_events DEFAULT;
CREATE TRIGGER shopper_events_append_only BEFORE UPDATE OR DELETE ON shopper_events_default
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Creates the month's partition (and its append-only trigger) if missing.
CREATE FUNCTION ensure_shopper_events_partition(month date) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    first date := date_trunc('month', month)::date;
    name text := 'shopper_events_' || to_char(first, 'YYYY_MM');
BEGIN
    IF to_regclass(name) IS NULL THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF shopper_events FOR VALUES FROM (%L) TO (%L)',
                       name, first, (first + interval '1 month')::date);
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION refuse_change()',
                       name || '_append_only', name);
    END IF;
END;
$$;
SELECT ensure_shopper_events_partition((now() - interval '1 month')::date);
SELECT ensure_shopper_events_partition(now()::date);
SELECT ensure_shopper_events_partition((now() + interval '1 month')::date);

-- A browser's anonymous id belongs to the account that signed in on it, so
-- a journey that began before login is still the buyer's.
CREATE TABLE visitor_users (
    visitor_id  uuid NOT NULL,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    linked_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (visitor_id, user_id)
);
CREATE INDEX visitor_users_user_idx ON visitor_users (user_id);

-- Settings ----------------------------------------------------------------------
-- A shop without a row uses the site default (7-day click, 1-day view, last click).
CREATE TABLE attribution_settings (
    shop_id              uuid PRIMARY KEY REFERENCES shops (id) ON DELETE CASCADE,
    click_window_secs    integer NOT NULL CHECK (click_window_secs BETWEEN 3600 AND 90 * 86400),
    view_window_secs     integer NOT NULL CHECK (view_window_secs BETWEEN 0 AND 30 * 86400),
    model                text NOT NULL CHECK (model IN
                         ('last_click', 'first_click', 'linear', 'position_based', 'time_decay', 'custom_split')),
    param1               integer,
    param2               integer,
    -- The key its credits are stored under (see attribution_credits).
    model_key            text GENERATED ALWAYS AS (CASE model
                             WHEN 'custom_split' THEN model || ':' || param1 || ':' || param2
                             WHEN 'time_decay' THEN model || ':' || param1
                             ELSE model END) STORED,
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER attribution_settings_updated_at BEFORE UPDATE ON attribution_settings
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Journeys and credits ------------------------------------------------------------
-- When the order's journeys were fixed and credited (the minute job
-- attributes any order a failure left without).
ALTER TABLE orders ADD COLUMN attributed_at timestamptz;
CREATE INDEX orders_unattributed_idx ON orders (placed_at) WHERE attributed_at IS NULL;

-- The touch points an order line's buyer had with its product before the
-- purchase (within the widest window any model may use), copied from the
-- events when the order was placed; events never change, so neither does this.
CREATE TABLE order_line_touches (
    order_line_id  uuid NOT NULL REFERENCES order_lines (id) ON DELETE CASCADE,
    touch_id       uuid NOT NULL,
    event_id       bigint NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('click', 'view')),
    surface        text NOT NULL,
    post_id        uuid,
    creator_ids    uuid[] NOT NULL DEFAULT '{}',
    at             timestamptz NOT NULL,
    PRIMARY KEY (order_line_id, touch_id)
);

-- Each line's credits under one model (`model_key`: code plus parameters,
-- e.g. 'custom_split:7000:3000'). They sum exactly to the line's
-- attributable amount; recomputed when a refund or a settings change asks.
CREATE TABLE attribution_credits (
    order_line_id  uuid NOT NULL REFERENCES order_lines (id) ON DELETE CASCADE,
    model_key      text NOT NULL,
    touch_id       uuid NOT NULL,
    shop_id        uuid NOT NULL,
    post_id        uuid,
    creator_id     uuid,
    surface        text NOT NULL,
    amount_minor   bigint NOT NULL CHECK (amount_minor > 0),
    currency       text NOT NULL,
    purchased_at   timestamptz NOT NULL
);
CREATE INDEX attribution_credits_line_idx ON attribution_credits (order_line_id, model_key);
CREATE INDEX attribution_credits_shop_idx ON attribution_credits (shop_id, model_key, purchased_at);
CREATE INDEX attribution_credits_creator_idx ON attribution_credits (creator_id, model_key, purchased_at)
    WHERE creator_id IS NOT NULL;

-- Commissions ---------------------------------------------------------------------
-- A shop's rates: its default (no product, no creator), per product, per
-- creator, or both. A lowered rate takes effect only after notice
-- (`effective_from` a week ahead); a raised one at once.
CREATE TABLE commission_rates (
    id              uuid PRIMARY KEY,
    shop_id         uuid NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    product_id      uuid REFERENCES products (id) ON DELETE CASCADE,
    creator_id      uuid REFERENCES users (id) ON DELETE CASCADE,
    rate_bp         integer NOT NULL CHECK (rate_bp BETWEEN 0 AND 8000),
    effective_from  timestamptz NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX commission_rates_shop_idx ON commission_rates (shop_id, effective_from DESC);

-- One row per creator per order line: what they earn on their credit under
-- the shop's model. Pending until the order is delivered and the return
-- window passed, then payable; reversed by a full refund.
CREATE TABLE commissions (
    order_line_id   uuid NOT NULL REFERENCES order_lines (id) ON DELETE CASCADE,
    creator_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    shop_id         uuid NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    credit_minor    bigint NOT NULL CHECK (credit_minor >= 0),
    rate_bp         integer NOT NULL CHECK (rate_bp BETWEEN 0 AND 8000),
    amount_minor    bigint NOT NULL CHECK (amount_minor >= 0),
    currency        text NOT NULL,
    status          text NOT NULL CHECK (status IN ('pending', 'payable', 'reversed')),
    payable_after   timestamptz,
    purchased_at    timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (order_line_id, creator_id)
);
CREATE INDEX commissions_creator_idx ON commissions (creator_id, purchased_at DESC);
CREATE INDEX commissions_due_idx ON commissions (payable_after) WHERE status = 'pending';
CREATE TRIGGER commissions_updated_at BEFORE UPDATE ON commissions FOR EACH ROW EXECUTE FUNCTION set_updated_at();
