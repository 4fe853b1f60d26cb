-- The dashboards' rollups against a from-scratch recomputation, one row per
-- check: name, PASS or FAIL, and how many rows differ (see the rollups
-- migration for what each one keeps).
WITH
credit_scratch AS (
    SELECT shop_id, month, model_key, dimension, key, sum(amount_minor) AS amount_minor,
           count(DISTINCT order_line_id) AS lines
    FROM (
        SELECT shop_id, date_trunc('month', purchased_at AT TIME ZONE 'UTC')::date AS month, model_key,
               'creator' AS dimension, coalesce(creator_id, '00000000-0000-0000-0000-000000000000') AS key,
               amount_minor, order_line_id
        FROM attribution_credits
        UNION ALL
        SELECT shop_id, date_trunc('month', purchased_at AT TIME ZONE 'UTC')::date, model_key, 'post', post_id,
               amount_minor, order_line_id
        FROM attribution_credits WHERE post_id IS NOT NULL
        UNION ALL
        SELECT shop_id, date_trunc('month', purchased_at AT TIME ZONE 'UTC')::date, model_key, 'credited',
               '00000000-0000-0000-0000-000000000000', amount_minor, order_line_id
        FROM attribution_credits WHERE creator_id IS NOT NULL
        UNION ALL
        SELECT shop_id, date_trunc('month', purchased_at AT TIME ZONE 'UTC')::date, model_key,
               CASE WHEN post_tagged THEN 'tagged' ELSE 'untagged' END,
               '00000000-0000-0000-0000-000000000000', amount_minor, order_line_id
        FROM attribution_credits WHERE post_id IS NOT NULL) c
    GROUP BY 1, 2, 3, 4, 5),
credit_diff AS (
    SELECT 1 FROM credit_scratch s
    FULL JOIN (SELECT * FROM credit_rollups WHERE amount_minor <> 0 OR lines <> 0) r
      USING (shop_id, month, model_key, dimension, key)
    WHERE s.amount_minor IS DISTINCT FROM r.amount_minor OR s.lines IS DISTINCT FROM r.lines),
revenue_scratch AS (
    SELECT shop_id, (purchased_at AT TIME ZONE 'UTC')::date AS day, sum(amount_minor) AS amount_minor,
           count(*) AS lines
    FROM line_revenue GROUP BY 1, 2),
revenue_diff AS (
    SELECT 1 FROM revenue_scratch s
    FULL JOIN (SELECT * FROM revenue_days WHERE amount_minor <> 0 OR lines <> 0) r USING (shop_id, day)
    WHERE s.amount_minor IS DISTINCT FROM r.amount_minor OR s.lines IS DISTINCT FROM r.lines),
line_diff AS (
    SELECT 1 FROM order_lines l JOIN orders o ON o.id = l.order_id
    LEFT JOIN line_revenue r ON r.order_line_id = l.id
    WHERE EXISTS (SELECT 1 FROM order_attributions a WHERE a.order_id = o.id)
      AND r.amount_minor IS DISTINCT FROM
          CASE WHEN o.status = 'cancelled' THEN 0
               ELSE floor(greatest(l.total_minor - l.refunded_minor, 0)::numeric
                          * greatest(l.total_minor - l.tax_minor, 0) / greatest(l.total_minor, 1))::bigint END),
events_scratch AS (
    SELECT post_id, date_trunc('month', at AT TIME ZONE 'UTC')::date AS month,
           count(*) FILTER (WHERE kind = 'impression') AS impressions,
           count(*) FILTER (WHERE kind = 'tag_tap') AS tag_taps,
           count(*) FILTER (WHERE kind = 'add_to_cart') AS add_to_carts
    FROM shopper_events
    WHERE post_id IS NOT NULL AND kind IN ('impression', 'tag_tap', 'add_to_cart')
    GROUP BY 1, 2),
events_diff AS (
    SELECT 1 FROM events_scratch s FULL JOIN post_event_totals t USING (post_id, month)
    WHERE (s.impressions, s.tag_taps, s.add_to_carts) IS DISTINCT FROM (t.impressions, t.tag_taps, t.add_to_carts)),
-- Posts are not edited during the benchmark, so classifying by the posts as
-- they are now matches classifying when each event happened.
conversion_scratch AS (
    SELECT f.shop_id, s.month, f.tagged, sum(s.impressions) AS impressions, sum(s.tag_taps) AS tag_taps
    FROM events_scratch s
    JOIN post_featured_shops((SELECT array_agg(post_id) FROM events_scratch)) f ON f.post_id = s.post_id
    GROUP BY 1, 2, 3
    HAVING sum(s.impressions) + sum(s.tag_taps) > 0),
conversion_diff AS (
    SELECT 1 FROM conversion_scratch s
    FULL JOIN (SELECT * FROM conversion_rollups WHERE impressions <> 0 OR tag_taps <> 0) r USING (shop_id, month, tagged)
    WHERE (s.impressions, s.tag_taps) IS DISTINCT FROM (r.impressions, r.tag_taps))
SELECT 'credit rollups = GROUP BY over credits', CASE WHEN count(*) = 0 THEN 'PASS' ELSE 'FAIL' END,
       count(*) || ' rows differ of ' || (SELECT count(*) FROM credit_scratch)
FROM credit_diff
UNION ALL
SELECT 'revenue per day = GROUP BY over line revenue', CASE WHEN count(*) = 0 THEN 'PASS' ELSE 'FAIL' END,
       count(*) || ' days differ of ' || (SELECT count(*) FROM revenue_scratch)
FROM revenue_diff
UNION ALL
SELECT 'line revenue = attributable amount of each attributed line', CASE WHEN count(*) = 0 THEN 'PASS' ELSE 'FAIL' END,
       count(*) || ' lines differ'
FROM line_diff
UNION ALL
SELECT 'post event totals = GROUP BY over events', CASE WHEN count(*) = 0 THEN 'PASS' ELSE 'FAIL' END,
       count(*) || ' rows differ of ' || (SELECT count(*) FROM events_scratch)
FROM events_diff
UNION ALL
SELECT 'tagged/untagged conversion = GROUP BY over events', CASE WHEN count(*) = 0 THEN 'PASS' ELSE 'FAIL' END,
       count(*) || ' rows differ of ' || (SELECT count(*) FROM conversion_scratch)
FROM conversion_diff;
