-- Buy-together group deals (app/src/groups). A shop offers a deal on a
-- variant (`group_deals`: a group price below the single price, a group
-- size, a time limit and a most-per-customer); shoppers start groups on it
-- (`buy_groups`, the deal's terms copied when started) and join them
-- (`group_members`, one row per join, each with its own checkout, stock
-- hold, payment authorization and pending order). Seats are counted under
-- the group row's lock by the one function that claims them
-- (`groups::db::claim_seats`); the CHECK on `joined` makes one member too
-- many impossible whatever code runs.

CREATE TABLE group_deals (
    variant_id        uuid PRIMARY KEY REFERENCES product_variants (id) ON DELETE CASCADE,
    product_id        uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    shop_id           uuid NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    price_minor       bigint NOT NULL CHECK (price_minor > 0),
    currency          text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    group_size        integer NOT NULL CHECK (group_size BETWEEN 2 AND 50),
    duration_hours    integer NOT NULL CHECK (duration_hours BETWEEN 1 AND 720),
    max_per_customer  integer NOT NULL CHECK (max_per_customer BETWEEN 1 AND 50),
    active            boolean NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL DEFAULT app_now(),
    updated_at        timestamptz NOT NULL DEFAULT app_now()
);
CREATE INDEX group_deals_product_idx ON group_deals (product_id);
CREATE TRIGGER group_deals_updated_at BEFORE UPDATE ON group_deals FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- A group: 'open' until every seat is paid for ('full', all captured) or
-- its time runs out ('expired', all voided); 'cancelled' when its
-- organiser's own payment was declined. "Almost full" is derived (two seats
-- or fewer left), as is "full" while the last seats' payments are pending.
CREATE TABLE buy_groups (
    id                uuid PRIMARY KEY,
    variant_id        uuid NOT NULL REFERENCES product_variants (id) ON DELETE RESTRICT,
    product_id        uuid NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
    shop_id           uuid NOT NULL REFERENCES shops (id) ON DELETE RESTRICT,
    organiser_id      uuid NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    price_minor       bigint NOT NULL CHECK (price_minor > 0),
    currency          text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    size              integer NOT NULL CHECK (size BETWEEN 2 AND 50),
    max_per_customer  integer NOT NULL CHECK (max_per_customer BETWEEN 1 AND 50),
    joined            integer NOT NULL DEFAULT 0,
    status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'full', 'expired', 'cancelled')),
    expires_at        timestamptz NOT NULL,
    ended_at          timestamptz,
    created_at        timestamptz NOT NULL DEFAULT app_now(),
    updated_at        timestamptz NOT NULL DEFAULT app_now(),
    CHECK (joined BETWEEN 0 AND size),
    CHECK ((status = 'full') <= (joined = size))
);
CREATE INDEX buy_groups_product_idx ON buy_groups (product_id, expires_at) WHERE status = 'open';
CREATE INDEX buy_groups_due_idx ON buy_groups (expires_at) WHERE status = 'open';
CREATE INDEX buy_groups_organiser_idx ON buy_groups (organiser_id, created_at DESC);
CREATE TRIGGER buy_groups_updated_at BEFORE UPDATE ON buy_groups FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- One join: `quantity` seats (and units), paid for by one authorization.
-- 'pending' while the provider is asked, 'authorized' with its pending
-- order, 'captured' when the group filled, 'voided' when it expired (or the
-- authorization came too late), 'declined' when the card said no (its
-- seats went back).
CREATE TABLE group_members (
    id            uuid PRIMARY KEY,
    group_id      uuid NOT NULL REFERENCES buy_groups (id) ON DELETE CASCADE,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    quantity      integer NOT NULL CHECK (quantity BETWEEN 1 AND 50),
    -- The Join form's key: a double click or a retried request is one join.
    click_key     uuid NOT NULL UNIQUE,
    checkout_id   uuid NOT NULL UNIQUE REFERENCES checkouts (id) ON DELETE RESTRICT,
    payment_id    uuid NOT NULL UNIQUE REFERENCES payments (id) ON DELETE RESTRICT,
    order_id      uuid UNIQUE REFERENCES orders (id) ON DELETE RESTRICT,
    status        text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'authorized', 'captured', 'voided', 'declined')),
    joined_at     timestamptz NOT NULL DEFAULT app_now(),
    updated_at    timestamptz NOT NULL DEFAULT app_now(),
    CHECK ((status IN ('authorized', 'captured')) <= (order_id IS NOT NULL))
);
CREATE INDEX group_members_group_idx ON group_members (group_id, joined_at);
CREATE INDEX group_members_user_idx ON group_members (user_id, joined_at DESC);
CREATE TRIGGER group_members_updated_at BEFORE UPDATE ON group_members FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- What organiser and members are told (a plain list for now; the
-- notification system will take it over): someone joined, it filled, it
-- failed.
CREATE TABLE group_notices (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id    uuid NOT NULL REFERENCES buy_groups (id) ON DELETE CASCADE,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('joined', 'filled', 'failed')),
    actor_id    uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT app_now()
);
CREATE INDEX group_notices_user_idx ON group_notices (user_id, id DESC);
CREATE INDEX group_notices_group_idx ON group_notices (group_id, id DESC);

-- Groups linked to a post (the seed's PostBuyTogetherGroup), shown as
-- group cards under it in `display_order`.
CREATE TABLE post_groups (
    id             uuid PRIMARY KEY,
    post_id        uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    group_id       uuid NOT NULL REFERENCES buy_groups (id) ON DELETE CASCADE,
    display_order  smallint NOT NULL CHECK (display_order BETWEEN 0 AND 9),
    created_at     timestamptz NOT NULL DEFAULT app_now(),
    UNIQUE (post_id, group_id),
    UNIQUE (post_id, display_order)
);
CREATE INDEX post_groups_group_idx ON post_groups (group_id);
