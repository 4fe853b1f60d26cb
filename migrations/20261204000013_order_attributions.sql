-- Attribution writes only its own tables. Whether an order's journeys were
-- fixed and credited moves from `orders.attributed_at` to attribution's
-- `order_attributions`; the order's `placed_at` is checkout's, written when
-- the order is placed with the app's clock (attribution used to rewrite it).

CREATE TABLE order_attributions (
    order_id       uuid PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    attributed_at  timestamptz NOT NULL DEFAULT app_now()
);
INSERT INTO order_attributions (order_id, attributed_at)
SELECT id, attributed_at FROM orders WHERE attributed_at IS NOT NULL;

DROP INDEX orders_unattributed_idx;
ALTER TABLE orders DROP COLUMN attributed_at;
-- The minute job looks back a week for orders without an attribution.
CREATE INDEX orders_placed_idx ON orders (placed_at);

-- A line's own signed token is a touch of record when the tap it carried
-- never reached `shopper_events` (shed under load or lost): such a touch
-- has no event.
ALTER TABLE order_line_touches ALTER COLUMN event_id DROP NOT NULL;
