-- Data for the dashboard benchmark (scripts/bench-dashboards.sh): one shop
-- with 200 products, 1,000 creators with 20 posts each linking its products,
-- :events shopper events this month on those posts and :orders orders this
-- month, each line credited under the seven kept models to one or two
-- creators, with commissions. Deterministic (setseed).
\set QUIET on
SELECT setseed(0.42);
BEGIN;
INSERT INTO users (id, username, email, password_hash, display_name)
VALUES ('00000000-0000-4000-8000-00000000da00', 'dash_owner', 'dash_owner@example.test', '!', 'Dash Owner');
INSERT INTO shops (id, owner_id, handle, name, currency)
VALUES ('00000000-0000-4000-8000-00000000da01', '00000000-0000-4000-8000-00000000da00', 'dash_shop', 'Dash Shop', 'USD');
CREATE TEMP TABLE dash_products AS
SELECT n, gen_random_uuid() AS product_id, gen_random_uuid() AS variant_id FROM generate_series(1, 200) n;
INSERT INTO products (id, shop_id, title, status, currency)
SELECT product_id, '00000000-0000-4000-8000-00000000da01', 'Product ' || n, 'active', 'USD' FROM dash_products;
INSERT INTO product_variants (id, product_id, shop_id, title, sku, price_minor, currency, stock_on_hand, position)
SELECT variant_id, product_id, '00000000-0000-4000-8000-00000000da01', 'Default', 'DASH-' || n, 1000 + n * 10, 'USD', 1000000, 0
FROM dash_products;
CREATE TEMP TABLE dash_creators AS
SELECT n, gen_random_uuid() AS id FROM generate_series(1, 1000) n;
INSERT INTO users (id, username, email, password_hash, display_name)
SELECT id, 'dash_creator_' || n, 'dash_creator_' || n || '@example.test', '!', 'Creator ' || n FROM dash_creators;
CREATE TEMP TABLE dash_posts AS
SELECT p.n, gen_random_uuid() AS id, c.id AS author_id, 1 + (p.n % 200) AS product_n
FROM generate_series(1, 20000) p(n) JOIN dash_creators c ON c.n = 1 + (p.n % 1000);
INSERT INTO posts (id, author_id, body, status, published_at)
SELECT id, author_id, 'Post ' || n, 'published', date_trunc('month', now()) FROM dash_posts;
INSERT INTO post_links (post_id, position, kind, product_id)
SELECT d.id, 0, 'product', p.product_id FROM dash_posts d JOIN dash_products p ON p.n = d.product_n;
CREATE TEMP TABLE dash_buyers AS
SELECT n, gen_random_uuid() AS id FROM generate_series(1, 20000) n;
INSERT INTO users (id, username, email, password_hash, display_name)
SELECT id, 'dash_buyer_' || n, 'dash_buyer_' || n || '@example.test', '!', 'Buyer ' || n FROM dash_buyers;
COMMIT;

-- Events: 90% impressions, 8% taps, 2% add to cart, spread over the month so far.
INSERT INTO shopper_events (at, kind, visitor_id, post_id, creator_ids, product_id, surface)
SELECT date_trunc('month', now()) + random() * (now() - date_trunc('month', now())),
       CASE WHEN r < 0.90 THEN 'impression' WHEN r < 0.98 THEN 'tag_tap' ELSE 'add_to_cart' END,
       gen_random_uuid(), d.id, ARRAY[d.author_id], p.product_id,
       CASE WHEN r < 0.90 THEN NULL ELSE 'product_card' END
FROM (SELECT 1 + (g % 20000) AS post_n, random() AS r FROM generate_series(1, :events) g) e
JOIN dash_posts d ON d.n = e.post_n JOIN dash_products p ON p.n = d.product_n;

BEGIN;
CREATE TEMP TABLE dash_orders AS
SELECT g AS n, gen_random_uuid() AS id, gen_random_uuid() AS cart_id, gen_random_uuid() AS checkout_id,
       gen_random_uuid() AS line_id, b.id AS buyer_id, 1 + (g % 20000) AS post_n,
       date_trunc('month', now()) + random() * (now() - date_trunc('month', now())) AS at
FROM generate_series(1, :orders) g JOIN dash_buyers b ON b.n = 1 + (g % 20000);
INSERT INTO carts (id, user_id, status) SELECT cart_id, buyer_id, 'merged' FROM dash_orders;
INSERT INTO checkouts (id, cart_id, shop_id, user_id, currency, step)
SELECT checkout_id, cart_id, '00000000-0000-4000-8000-00000000da01', buyer_id, 'USD', 'placed' FROM dash_orders;
INSERT INTO orders (id, shop_id, buyer_id, checkout_id, status, currency, subtotal_minor, total_minor, email,
                    ship_name, ship_line1, ship_city, ship_country, shipping_option, placed_at)
SELECT o.id, '00000000-0000-4000-8000-00000000da01', o.buyer_id, o.checkout_id, 'paid', 'USD', v.price_minor,
       v.price_minor, 'buyer@example.test', 'Buyer', '1 Market St', 'San Francisco', 'US', 'standard', o.at
FROM dash_orders o JOIN dash_posts d ON d.n = o.post_n JOIN dash_products p ON p.n = d.product_n
JOIN product_variants v ON v.id = p.variant_id;
INSERT INTO order_attributions (order_id, attributed_at) SELECT id, at FROM dash_orders;
INSERT INTO order_lines (id, order_id, variant_id, product_id, title, variant_title, sku, quantity,
                         unit_price_minor, total_minor, position)
SELECT o.line_id, o.id, v.id, p.product_id, 'Product', 'Default', v.sku, 1, v.price_minor, v.price_minor, 0
FROM dash_orders o JOIN dash_posts d ON d.n = o.post_n JOIN dash_products p ON p.n = d.product_n
JOIN product_variants v ON v.id = p.variant_id;
-- Credits (the posts only link products as cards, so none is tagged):
-- the post's creator gets the line under last click; a second
-- creator (the "earlier" post) shares it under the other models.
INSERT INTO attribution_credits (order_line_id, model_key, touch_id, shop_id, post_id, creator_id, surface,
                                 amount_minor, currency, purchased_at, post_tagged)
SELECT o.line_id, m.key, gen_random_uuid(), '00000000-0000-4000-8000-00000000da01',
       CASE WHEN s.second THEN e.id ELSE d.id END, CASE WHEN s.second THEN e.author_id ELSE d.author_id END,
       'product_card',
       CASE WHEN m.key = 'last_click' THEN CASE WHEN s.second THEN 0 ELSE l.total_minor END
            WHEN m.key = 'first_click' THEN CASE WHEN s.second THEN l.total_minor ELSE 0 END
            ELSE CASE WHEN s.second THEN l.total_minor / 2 ELSE l.total_minor - l.total_minor / 2 END END,
       'USD', o.at, false
FROM dash_orders o
JOIN order_lines l ON l.id = o.line_id
JOIN dash_posts d ON d.n = o.post_n
JOIN dash_posts e ON e.n = 1 + ((o.post_n + 7) % 20000)
CROSS JOIN (VALUES ('last_click'), ('first_click'), ('linear'), ('position_based'), ('time_decay:168'),
                   ('custom_split:7000:3000')) m(key)
CROSS JOIN (VALUES (false), (true)) s(second)
WHERE CASE WHEN m.key = 'last_click' THEN NOT s.second WHEN m.key = 'first_click' THEN s.second ELSE true END;
-- What recompute_line writes beside the credits: each line's revenue.
INSERT INTO line_revenue (order_line_id, shop_id, purchased_at, amount_minor)
SELECT o.line_id, '00000000-0000-4000-8000-00000000da01', o.at, l.total_minor
FROM dash_orders o JOIN order_lines l ON l.id = o.line_id;
INSERT INTO commissions (order_line_id, creator_id, shop_id, credit_minor, rate_bp, amount_minor, currency, status,
                         purchased_at)
SELECT c.order_line_id, c.creator_id, c.shop_id, c.amount_minor, 1000, c.amount_minor / 10, 'USD', 'pending', c.purchased_at
FROM attribution_credits c WHERE c.model_key = 'last_click' AND c.shop_id = '00000000-0000-4000-8000-00000000da01';
COMMIT;
ANALYZE;
