-- Guest checkout: a signed-out shopper checks out from their cookie cart
-- with an email. Their checkout and order have no user; the order keeps the
-- address as `guest_email` until an account that has verified that address
-- claims it (then `buyer_id` is set; `guest_email` stays as the record of
-- how it was bought).
ALTER TABLE checkouts ALTER COLUMN user_id DROP NOT NULL;
-- Where a guest checkout was opened from, to bound how many one address
-- may hold stock with at once (an account is the bound for signed-in buyers).
ALTER TABLE checkouts ADD COLUMN guest_ip text CHECK (guest_ip IS NULL OR char_length(guest_ip) <= 64);
ALTER TABLE checkouts ADD CONSTRAINT checkouts_guest_ip_only_for_guests CHECK (user_id IS NULL OR guest_ip IS NULL);
CREATE INDEX checkouts_guest_ip_idx ON checkouts (guest_ip, created_at) WHERE user_id IS NULL;

ALTER TABLE orders ALTER COLUMN buyer_id DROP NOT NULL;
ALTER TABLE orders ADD COLUMN guest_email text
    CHECK (guest_email IS NULL OR (char_length(guest_email) <= 254 AND guest_email = lower(guest_email)));
-- Set once the guest's receipt (with the order's link) is in the outbox, so
-- a retried "Pay" never mails it twice.
ALTER TABLE orders ADD COLUMN receipt_sent_at timestamptz;
ALTER TABLE orders ADD CONSTRAINT orders_buyer_or_guest CHECK (buyer_id IS NOT NULL OR guest_email IS NOT NULL);
CREATE INDEX orders_unclaimed_idx ON orders (guest_email) WHERE buyer_id IS NULL;

-- A guest's use of a promotion counts against their email (per-customer
-- limits), found through the order.
ALTER TABLE promotion_redemptions ALTER COLUMN user_id DROP NOT NULL;

-- The key that signs order links (`orders::link`).
ALTER TABLE signing_keys DROP CONSTRAINT signing_keys_purpose_check;
ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_purpose_check CHECK (purpose IN ('context', 'order_link'));
