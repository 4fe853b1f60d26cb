-- Refunds the built-in test provider has made, one per refund idempotency
-- key: a refund retried with the same key finds its row and is not paid
-- out twice, as with a real provider.
CREATE TABLE test_provider_refunds (
    idempotency_key  text PRIMARY KEY,
    reference        text NOT NULL REFERENCES test_provider_intents (reference) ON DELETE RESTRICT,
    amount_minor     bigint NOT NULL CHECK (amount_minor > 0),
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX test_provider_refunds_reference_idx ON test_provider_refunds (reference);
