-- Each instalment of a plan is its own charge at the provider, so a refund
-- of a plan order gives money back across the checkout's payment and the
-- instalments paid since, each through its own reference
-- (`orders::charges`). What was given back of each instalment:
ALTER TABLE order_instalments
    ADD COLUMN refunded_minor bigint NOT NULL DEFAULT 0
        CHECK (refunded_minor >= 0 AND refunded_minor <= amount_minor);
