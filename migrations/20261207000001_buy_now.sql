-- Buy now: a shopper's saved shipping address and saved cards, and the
-- one-request purchase that uses them.

-- One saved shipping address per account, as validated by
-- `checkout::address::validate` (the `Address` struct as JSON).
CREATE TABLE saved_addresses (
    user_id     uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    address     jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT app_now()
);

-- Cards saved with the payment provider. Storefeed keeps the provider's
-- token (usable only for this account's customer at the provider), brand,
-- last four and expiry; never the number.
CREATE TABLE saved_cards (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider    text NOT NULL,
    token       text NOT NULL UNIQUE CHECK (char_length(token) <= 200),
    brand       text NOT NULL,
    last4       text NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
    exp_month   smallint NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
    exp_year    smallint NOT NULL CHECK (exp_year BETWEEN 2000 AND 2200),
    is_default  boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT app_now()
);
CREATE UNIQUE INDEX saved_cards_default_key ON saved_cards (user_id) WHERE is_default;
CREATE INDEX saved_cards_user_idx ON saved_cards (user_id, created_at);

-- A Buy now purchase has a cart of its own (one line), so the shopper's
-- cart is left as it was.
ALTER TABLE carts DROP CONSTRAINT carts_status_check;
ALTER TABLE carts ADD CONSTRAINT carts_status_check CHECK (status IN ('open', 'merged', 'express'));

-- One row per Buy now click: the click's key finds the checkout it
-- started, so a double click or a retried request places one order.
CREATE TABLE buy_now_clicks (
    click_key    uuid PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    checkout_id  uuid NOT NULL REFERENCES checkouts (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT app_now()
);
CREATE INDEX buy_now_clicks_checkout_idx ON buy_now_clicks (checkout_id);

-- The built-in test provider's payment methods: cards its hosted field
-- tokenized. Like a real provider it answers for a token with the card's
-- brand, last four and expiry; the number itself is not kept here, only
-- what the test card would do (`cards::TestOutcome`). A token is attached
-- to at most one customer, and only that customer may pay with it.
CREATE TABLE test_provider_payment_methods (
    token       text PRIMARY KEY,
    customer    text,
    brand       text NOT NULL,
    last4       text NOT NULL,
    exp_month   smallint NOT NULL,
    exp_year    smallint NOT NULL,
    outcome     text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT app_now()
);

-- "Add a card": the round trip through the provider's hosted field. The
-- setup's id travels there and back as `state`, so only a card setup the
-- signed-in shopper started (recently, once) can save a card to their
-- account; a link made by someone else saves nothing.
CREATE TABLE card_setups (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX card_setups_user_idx ON card_setups (user_id, created_at);
