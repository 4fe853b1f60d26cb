-- The full checkout takes the card through the payment provider's hosted
-- payment page, as "Add a card" does: Storefeed's pages and server never
-- see a card number, only a one-time token for it.

-- "Pay" on the checkout page: one round trip through the provider's page.
-- The session's `state` travels there and back, and only the buyer who
-- started it (a signed-in user, or a guest by their cart cookie's hash), for
-- this checkout, within its expiry, once, can pay with what comes back.
-- It holds the total the button showed: the order is charged exactly that,
-- or nothing.
CREATE TABLE checkout_payment_sessions (
    state         uuid PRIMARY KEY,
    checkout_id   uuid NOT NULL REFERENCES checkouts (id) ON DELETE CASCADE,
    user_id       uuid REFERENCES users (id) ON DELETE CASCADE,
    guest_hash    bytea,
    amount_minor  bigint NOT NULL CHECK (amount_minor > 0),
    currency      text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL CHECK (expires_at > created_at),
    used_at       timestamptz,
    -- Exactly one kind of buyer.
    CHECK ((user_id IS NULL) <> (guest_hash IS NULL))
);
CREATE INDEX checkout_payment_sessions_checkout_idx ON checkout_payment_sessions (checkout_id, created_at);
CREATE INDEX checkout_payment_sessions_user_idx ON checkout_payment_sessions (user_id, created_at)
    WHERE user_id IS NOT NULL;

-- The test provider's side. A token its hosted page issued and nobody
-- saved pays once, as a one-time payment method: `spent_by` is the
-- idempotency key of the authorization it paid for (a retry with that key
-- answers the same; any other key is refused), and a spent token can no
-- longer be saved to a customer.
ALTER TABLE test_provider_payment_methods ADD COLUMN spent_by text;

-- The hosted payment pages the merchant opened server to server: what the
-- page shows (amount, merchant) and where it sends the buyer back, so the
-- page reads nothing from the address but its id.
CREATE TABLE test_provider_payment_pages (
    id            text PRIMARY KEY,
    amount_minor  bigint NOT NULL CHECK (amount_minor > 0),
    currency      text NOT NULL,
    merchant      text NOT NULL CHECK (char_length(merchant) <= 200),
    return_to     text NOT NULL,
    state         text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT app_now()
);
