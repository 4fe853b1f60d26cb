-- Event tickets sold through the shop: an event with a shop may have one
-- ticket product (kind 'ticket') whose variants are its ticket types (price,
-- and quota as stock), so cart, checkout, holds and refunds apply unchanged.
-- A paid order issues one ticket per unit; a cancelled or refunded one voids
-- them.

ALTER TABLE products
    ADD COLUMN kind text NOT NULL DEFAULT 'goods' CHECK (kind IN ('goods', 'ticket'));

-- A variant the shop stopped selling stays on past orders but can't be
-- added to a cart or checked out any more.
ALTER TABLE product_variants ADD COLUMN on_sale boolean NOT NULL DEFAULT true;

ALTER TABLE events ADD COLUMN ticket_product_id uuid UNIQUE REFERENCES products (id) ON DELETE SET NULL;

-- Tickets need no delivery: a checkout of tickets only ships as an e-ticket.
ALTER TABLE checkouts DROP CONSTRAINT checkouts_shipping_option_check;
ALTER TABLE checkouts ADD CONSTRAINT checkouts_shipping_option_check
    CHECK (shipping_option IS NULL OR shipping_option IN ('standard', 'express', 'eticket'));

CREATE TABLE event_tickets (
    id          uuid PRIMARY KEY,
    order_id    uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    event_id    uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    variant_id  uuid NOT NULL REFERENCES product_variants (id) ON DELETE RESTRICT,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[0-9A-HJKMNP-TV-Z]{10}$'),
    status      text NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'void')),
    issued_at   timestamptz NOT NULL,
    voided_at   timestamptz,
    CHECK ((status = 'void') = (voided_at IS NOT NULL))
);
CREATE INDEX event_tickets_order_idx ON event_tickets (order_id, variant_id, issued_at, id);
CREATE INDEX event_tickets_event_idx ON event_tickets (event_id) WHERE status = 'valid';
