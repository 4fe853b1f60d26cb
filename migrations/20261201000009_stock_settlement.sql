-- A sale marks its reservations 'sold' in the order's own transaction,
-- touching no shared row; the stock gate then folds sold reservations into
-- the variants' numbers in batches ('settled') and writes the 'sell' ledger
-- entries. Until then a sold reservation still counts in stock_reserved, so
-- available = on hand - reserved is right at every moment.
ALTER TABLE stock_reservations DROP CONSTRAINT stock_reservations_status_check;
UPDATE stock_reservations SET status = 'settled' WHERE status = 'sold';
ALTER TABLE stock_reservations ADD CONSTRAINT stock_reservations_status_check
    CHECK (status IN ('active', 'released', 'expired', 'sold', 'settled'));
ALTER TABLE stock_reservations ADD COLUMN order_id uuid;
CREATE INDEX stock_reservations_sold_idx ON stock_reservations (variant_id) WHERE status = 'sold';
