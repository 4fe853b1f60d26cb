-- The books after a flash sale or a crash, one row per check: name, PASS or
-- FAIL, and what was found. :stock is the units the sale started with.
WITH
variant AS (SELECT * FROM product_variants WHERE sku = 'FLASH-1'),
sold AS (SELECT coalesce(sum(l.quantity), 0) AS units, count(DISTINCT o.id) AS orders
         FROM orders o JOIN order_lines l ON l.order_id = o.id),
ledger AS (
    SELECT v.id FROM product_variants v
    LEFT JOIN (SELECT variant_id, sum(on_hand_delta) AS on_hand, sum(reserved_delta) AS reserved
               FROM inventory_movements GROUP BY variant_id) l ON l.variant_id = v.id
    LEFT JOIN (SELECT variant_id, sum(quantity) AS quantity FROM stock_reservations
               WHERE status IN ('active', 'sold') GROUP BY variant_id) r ON r.variant_id = v.id
    WHERE v.stock_on_hand <> coalesce(l.on_hand, 0) OR v.stock_reserved <> coalesce(l.reserved, 0)
       OR v.stock_reserved <> coalesce(r.quantity, 0)),
-- Money the provider holds (authorized or captured) for a key.
charged AS (SELECT * FROM test_provider_intents WHERE status IN ('authorized', 'captured', 'refunded', 'partially_refunded')),
charged_without_one_order AS (
    SELECT i.idempotency_key FROM charged i
    LEFT JOIN payments p ON p.idempotency_key = i.idempotency_key
    LEFT JOIN orders o ON o.id = p.order_id
    GROUP BY i.idempotency_key HAVING count(o.id) <> 1),
orders_without_payment AS (
    SELECT o.id FROM orders o
    LEFT JOIN payments p ON p.order_id = o.id AND p.status IN ('authorized', 'captured', 'refunded', 'partially_refunded')
    GROUP BY o.id HAVING count(p.id) <> 1)
SELECT 'no unit sold twice' AS check_name,
       CASE WHEN (SELECT units FROM sold) <= :stock THEN 'PASS' ELSE 'FAIL' END,
       (SELECT units FROM sold)::text || ' units in ' || (SELECT orders FROM sold) || ' orders for ' || :stock || ' in stock'
UNION ALL
SELECT 'stock never negative',
       CASE WHEN (SELECT stock_on_hand >= 0 AND stock_on_hand - stock_reserved >= 0 FROM variant) THEN 'PASS' ELSE 'FAIL' END,
       (SELECT 'on hand ' || stock_on_hand || ', reserved ' || stock_reserved FROM variant)
UNION ALL
SELECT 'on hand + sold = received',
       CASE WHEN (SELECT stock_on_hand FROM variant) + (SELECT units FROM sold) = :stock THEN 'PASS' ELSE 'FAIL' END,
       ((SELECT stock_on_hand FROM variant) + (SELECT units FROM sold))::text
UNION ALL
SELECT 'ledger reconciles', CASE WHEN NOT EXISTS (SELECT 1 FROM ledger) THEN 'PASS' ELSE 'FAIL' END,
       (SELECT count(*) FROM ledger)::text || ' variants disagree'
UNION ALL
SELECT 'every charge has exactly one order',
       CASE WHEN NOT EXISTS (SELECT 1 FROM charged_without_one_order) THEN 'PASS' ELSE 'FAIL' END,
       (SELECT count(*) FROM charged)::text || ' charges, ' || (SELECT count(*) FROM charged_without_one_order) || ' without exactly one order'
UNION ALL
SELECT 'every order has its payment',
       CASE WHEN NOT EXISTS (SELECT 1 FROM orders_without_payment) THEN 'PASS' ELSE 'FAIL' END,
       (SELECT count(*) FROM orders_without_payment)::text || ' orders without exactly one payment'
UNION ALL
SELECT 'no payment left pending',
       CASE WHEN NOT EXISTS (SELECT 1 FROM payments WHERE status = 'pending') THEN 'PASS' ELSE 'FAIL' END,
       (SELECT count(*) FROM payments WHERE status = 'pending')::text || ' pending'
UNION ALL
SELECT 'no dead reservation left',
       CASE WHEN NOT EXISTS (SELECT 1 FROM stock_reservations WHERE status = 'active' AND expires_at < now()) THEN 'PASS' ELSE 'FAIL' END,
       (SELECT count(*) FROM stock_reservations WHERE status = 'active')::text || ' active, '
           || (SELECT count(*) FROM stock_reservations WHERE status = 'active' AND expires_at < now()) || ' past their time'
UNION ALL
SELECT 'sold stock settled',
       CASE WHEN NOT EXISTS (SELECT 1 FROM stock_reservations WHERE status = 'sold') THEN 'PASS' ELSE 'FAIL' END,
       (SELECT count(*) FROM stock_reservations WHERE status = 'sold')::text || ' unsettled';
