-- Seeds a flash sale into an empty Storefeed database (after migrations):
-- one shop with one variant holding :stock units, and :buyers signed-in
-- buyers, each with a saved address and a saved test card (what Buy now
-- pays with; the card as the test provider's hosted field would have
-- tokenized 4242 4242 4242 4242). Prints one `sf_session=…` cookie per buyer, the way the app signs
-- people in (the cookie carries a token, the sessions table its SHA-256).
-- psql -v stock=500 -v buyers=10000 -At -f flash_seed.sql
\set QUIET on
BEGIN;
INSERT INTO users (id, username, email, password_hash, display_name)
VALUES ('00000000-0000-4000-8000-00000000f1a5', 'flash_owner', 'flash_owner@example.test', '!', 'Flash Owner');
INSERT INTO shops (id, owner_id, handle, name, currency)
VALUES ('00000000-0000-4000-8000-00000000f1a6', '00000000-0000-4000-8000-00000000f1a5', 'flash_shop', 'Flash Shop', 'USD');
INSERT INTO products (id, shop_id, title, status, currency)
VALUES ('00000000-0000-4000-8000-00000000f1a7', '00000000-0000-4000-8000-00000000f1a6', 'Limited sneaker', 'active', 'USD');
INSERT INTO product_variants (id, product_id, shop_id, title, sku, price_minor, currency, stock_on_hand, position)
VALUES ('00000000-0000-4000-8000-00000000f1a8', '00000000-0000-4000-8000-00000000f1a7',
        '00000000-0000-4000-8000-00000000f1a6', 'Default', 'FLASH-1', 12000, 'USD', :stock, 0);
INSERT INTO inventory_movements (variant_id, kind, on_hand_delta, reserved_delta, reason, actor_id)
VALUES ('00000000-0000-4000-8000-00000000f1a8', 'receive', :stock, 0, 'flash sale stock',
        '00000000-0000-4000-8000-00000000f1a5');
INSERT INTO users (id, username, email, password_hash, display_name)
SELECT gen_random_uuid(), 'flash_buyer_' || n, 'flash_buyer_' || n || '@example.test', '!', 'Buyer ' || n
FROM generate_series(1, :buyers) n;
INSERT INTO saved_addresses (user_id, address)
SELECT id, '{"name":"Flash Buyer","line1":"1 Market St","line2":"","city":"San Francisco","region":"CA",
             "postal_code":"94105","country":"US","phone":""}'::jsonb
FROM users WHERE username LIKE 'flash\_buyer\_%';
INSERT INTO test_provider_payment_methods (token, customer, brand, last4, exp_month, exp_year, outcome)
SELECT 'pm_flash_' || replace(id::text, '-', ''), 'cus_' || replace(id::text, '-', ''), 'Visa', '4242', 12, 2034, 'succeeds'
FROM users WHERE username LIKE 'flash\_buyer\_%';
INSERT INTO saved_cards (id, user_id, provider, token, brand, last4, exp_month, exp_year, is_default)
SELECT gen_random_uuid(), id, 'test', 'pm_flash_' || replace(id::text, '-', ''), 'Visa', '4242', 12, 2034, true
FROM users WHERE username LIKE 'flash\_buyer\_%';
CREATE TEMP TABLE flash_tokens ON COMMIT DROP AS
SELECT id, left(md5(random()::text) || md5(random()::text), 43) AS token
FROM users WHERE username LIKE 'flash\_buyer\_%';
INSERT INTO sessions (token_hash, user_id, expires_at, ip, user_agent)
SELECT sha256(convert_to(token, 'UTF8')), id, now() + interval '1 day', '127.0.0.1', 'storefeed-bench'
FROM flash_tokens;
SELECT 'sf_session=' || token FROM flash_tokens ORDER BY random();
COMMIT;
