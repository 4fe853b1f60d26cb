-- Rollups the dashboards read instead of scanning credits and events.
-- PostgreSQL keeps them itself, with statement-level triggers in the same
-- transaction as the rows they sum, so they hold whoever writes (the app,
-- a backfill, a benchmark's data generator) and never drift from a commit.
-- scripts/bench-dashboards.sh checks them against a from-scratch GROUP BY.

-- The shops whose products a post features, and whether it tags one on a
-- photo ("tagged") or only links it as a card ("untagged").
CREATE FUNCTION post_featured_shops(posts uuid[]) RETURNS TABLE (post_id uuid, shop_id uuid, tagged boolean)
LANGUAGE sql STABLE AS $$
    SELECT post_id, shop_id, bool_or(tagged) FROM (
        SELECT m.post_id, pr.shop_id, true AS tagged
        FROM post_media m JOIN image_tags t ON t.media_id = m.id JOIN products pr ON pr.id = t.product_id
        WHERE m.post_id = ANY(posts)
        UNION ALL
        SELECT l.post_id, pr.shop_id, false
        FROM post_links l JOIN products pr ON pr.id = l.product_id
        WHERE l.post_id = ANY(posts)) f
    GROUP BY 1, 2
$$;

-- Whether a credit's post tagged one of the shop's products on a photo
-- when the credit was made (NULL without a post). Kept on the credit so
-- the rollup subtracts exactly what it added even if the post is edited.
ALTER TABLE attribution_credits ADD COLUMN post_tagged boolean;
UPDATE attribution_credits c SET post_tagged = coalesce(f.tagged, false)
FROM (SELECT DISTINCT post_id, shop_id FROM attribution_credits WHERE post_id IS NOT NULL) p
LEFT JOIN LATERAL (SELECT tagged FROM post_featured_shops(ARRAY[p.post_id]) f WHERE f.shop_id = p.shop_id) f ON true
WHERE c.post_id = p.post_id AND c.shop_id = p.shop_id;

-- Credits per shop, month (UTC) and model, five ways:
--   'creator'  key = the creator (the nil uuid: credit no creator earned);
--   'post'     key = the post;
--   'credited' key = nil: the lines any creator has credit on;
--   'tagged' / 'untagged'  key = nil: the lines credited to posts that
--              tagged the shop's product on a photo, or did not.
-- `lines` counts distinct order lines. A line's credits under one model are
-- inserted by one statement and a line's credits deleted all at once, so
-- counting distinct lines per statement adds and subtracts exactly.
CREATE TABLE credit_rollups (
    shop_id       uuid NOT NULL,
    month         date NOT NULL,
    model_key     text NOT NULL,
    dimension     text NOT NULL CHECK (dimension IN ('creator', 'post', 'credited', 'tagged', 'untagged')),
    key           uuid NOT NULL,
    amount_minor  bigint NOT NULL,
    lines         bigint NOT NULL,
    PRIMARY KEY (shop_id, month, model_key, dimension, key)
);

CREATE FUNCTION credit_rollups_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sign integer := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
BEGIN
    -- Ordered, so concurrent attributions lock rollup rows in one order.
    INSERT INTO credit_rollups AS r (shop_id, month, model_key, dimension, key, amount_minor, lines)
    SELECT shop_id, month, model_key, dimension, key, sign * sum(amount_minor), sign * count(DISTINCT order_line_id)
    FROM (
        SELECT shop_id, date_trunc('month', purchased_at AT TIME ZONE 'UTC')::date AS month, model_key,
               'creator' AS dimension, coalesce(creator_id, '00000000-0000-0000-0000-000000000000') AS key,
               amount_minor, order_line_id
        FROM changed
        UNION ALL
        SELECT shop_id, date_trunc('month', purchased_at AT TIME ZONE 'UTC')::date, model_key, 'post', post_id,
               amount_minor, order_line_id
        FROM changed WHERE post_id IS NOT NULL
        UNION ALL
        SELECT shop_id, date_trunc('month', purchased_at AT TIME ZONE 'UTC')::date, model_key, 'credited',
               '00000000-0000-0000-0000-000000000000', amount_minor, order_line_id
        FROM changed WHERE creator_id IS NOT NULL
        UNION ALL
        SELECT shop_id, date_trunc('month', purchased_at AT TIME ZONE 'UTC')::date, model_key,
               CASE WHEN post_tagged THEN 'tagged' ELSE 'untagged' END,
               '00000000-0000-0000-0000-000000000000', amount_minor, order_line_id
        FROM changed WHERE post_id IS NOT NULL
    ) c
    GROUP BY shop_id, month, model_key, dimension, key
    ORDER BY shop_id, month, model_key, dimension, key
    ON CONFLICT (shop_id, month, model_key, dimension, key) DO UPDATE
        SET amount_minor = r.amount_minor + excluded.amount_minor, lines = r.lines + excluded.lines;
    RETURN NULL;
END;
$$;
CREATE TRIGGER attribution_credits_rollup_insert AFTER INSERT ON attribution_credits
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION credit_rollups_apply();
CREATE TRIGGER attribution_credits_rollup_delete AFTER DELETE ON attribution_credits
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION credit_rollups_apply();
-- Credits are replaced (deleted and inserted), never edited in place.
CREATE TRIGGER attribution_credits_no_update BEFORE UPDATE ON attribution_credits
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

INSERT INTO credit_rollups (shop_id, month, model_key, dimension, key, amount_minor, lines)
SELECT shop_id, month, model_key, dimension, key, sum(amount_minor), count(DISTINCT order_line_id)
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
    FROM attribution_credits WHERE post_id IS NOT NULL
) c
GROUP BY shop_id, month, model_key, dimension, key;

-- Each attributed line's revenue (its attributable amount: see
-- attribution::db::attributable), written with its credits, and the
-- shop's revenue per day (UTC) kept from it by triggers.
CREATE TABLE line_revenue (
    order_line_id  uuid PRIMARY KEY REFERENCES order_lines (id) ON DELETE CASCADE,
    shop_id        uuid NOT NULL,
    purchased_at   timestamptz NOT NULL,
    amount_minor   bigint NOT NULL CHECK (amount_minor >= 0)
);

CREATE TABLE revenue_days (
    shop_id       uuid NOT NULL,
    day           date NOT NULL,
    amount_minor  bigint NOT NULL,
    lines         bigint NOT NULL,
    PRIMARY KEY (shop_id, day)
);

-- One function per operation: each reads only the transition tables its
-- trigger declares.
CREATE FUNCTION revenue_days_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO revenue_days AS r (shop_id, day, amount_minor, lines)
    SELECT shop_id, (at AT TIME ZONE 'UTC')::date, sum(amount_minor), sum(lines)
    FROM (SELECT shop_id, purchased_at AS at, amount_minor, 1 AS lines FROM new_rows) d
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (shop_id, day) DO UPDATE
        SET amount_minor = r.amount_minor + excluded.amount_minor, lines = r.lines + excluded.lines;
    RETURN NULL;
END;
$$;
CREATE FUNCTION revenue_days_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO revenue_days AS r (shop_id, day, amount_minor, lines)
    SELECT shop_id, (at AT TIME ZONE 'UTC')::date, sum(amount_minor), sum(lines)
    FROM (SELECT shop_id, purchased_at AS at, -amount_minor AS amount_minor, -1 AS lines FROM old_rows
          UNION ALL SELECT shop_id, purchased_at, amount_minor, 1 FROM new_rows) d
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (shop_id, day) DO UPDATE
        SET amount_minor = r.amount_minor + excluded.amount_minor, lines = r.lines + excluded.lines;
    RETURN NULL;
END;
$$;
CREATE FUNCTION revenue_days_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO revenue_days AS r (shop_id, day, amount_minor, lines)
    SELECT shop_id, (at AT TIME ZONE 'UTC')::date, sum(amount_minor), sum(lines)
    FROM (SELECT shop_id, purchased_at AS at, -amount_minor AS amount_minor, -1 AS lines FROM old_rows) d
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (shop_id, day) DO UPDATE
        SET amount_minor = r.amount_minor + excluded.amount_minor, lines = r.lines + excluded.lines;
    RETURN NULL;
END;
$$;
CREATE TRIGGER line_revenue_days_insert AFTER INSERT ON line_revenue
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION revenue_days_insert();
CREATE TRIGGER line_revenue_days_update AFTER UPDATE ON line_revenue
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION revenue_days_update();
CREATE TRIGGER line_revenue_days_delete AFTER DELETE ON line_revenue
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION revenue_days_delete();

-- Lines attributed before this migration.
INSERT INTO line_revenue (order_line_id, shop_id, purchased_at, amount_minor)
SELECT l.id, o.shop_id, o.placed_at,
       CASE WHEN o.status = 'cancelled' THEN 0
            ELSE floor(greatest(l.total_minor - l.refunded_minor, 0)::numeric * greatest(l.total_minor - l.tax_minor, 0)
                       / greatest(l.total_minor, 1))::bigint END
FROM order_lines l JOIN orders o ON o.id = l.order_id
WHERE o.attributed_at IS NOT NULL;

-- Each post's events per month (UTC): the funnels and the tagged/untagged
-- conversion read these instead of the events. Events are append-only, so
-- only inserts need counting; the event sink is the one writer, so the
-- upserts do not contend.
CREATE TABLE post_event_totals (
    post_id       uuid NOT NULL,
    month         date NOT NULL,
    impressions   bigint NOT NULL DEFAULT 0,
    tag_taps      bigint NOT NULL DEFAULT 0,
    add_to_carts  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (post_id, month)
);

-- Impressions and tag taps of the posts featuring each shop's products per
-- month, split by whether the post tagged one on a photo (as the post was
-- when the event happened): the tagged-versus-untagged comparison.
CREATE TABLE conversion_rollups (
    shop_id      uuid NOT NULL,
    month        date NOT NULL,
    tagged       boolean NOT NULL,
    impressions  bigint NOT NULL DEFAULT 0,
    tag_taps     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (shop_id, month, tagged)
);

CREATE FUNCTION event_rollups_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO conversion_rollups AS r (shop_id, month, tagged, impressions, tag_taps)
    SELECT f.shop_id, date_trunc('month', e.at AT TIME ZONE 'UTC')::date, f.tagged,
           count(*) FILTER (WHERE e.kind = 'impression'), count(*) FILTER (WHERE e.kind = 'tag_tap')
    FROM added e
    JOIN post_featured_shops((SELECT array_agg(DISTINCT post_id) FROM added
                              WHERE post_id IS NOT NULL AND kind IN ('impression', 'tag_tap'))) f
      ON f.post_id = e.post_id
    WHERE e.kind IN ('impression', 'tag_tap')
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT (shop_id, month, tagged) DO UPDATE
        SET impressions = r.impressions + excluded.impressions, tag_taps = r.tag_taps + excluded.tag_taps;

    INSERT INTO post_event_totals AS t (post_id, month, impressions, tag_taps, add_to_carts)
    SELECT post_id, date_trunc('month', at AT TIME ZONE 'UTC')::date,
           count(*) FILTER (WHERE kind = 'impression'),
           count(*) FILTER (WHERE kind = 'tag_tap'),
           count(*) FILTER (WHERE kind = 'add_to_cart')
    FROM added
    WHERE post_id IS NOT NULL AND kind IN ('impression', 'tag_tap', 'add_to_cart')
    GROUP BY 1, 2
    ORDER BY 1, 2
    ON CONFLICT (post_id, month) DO UPDATE
        SET impressions = t.impressions + excluded.impressions,
            tag_taps = t.tag_taps + excluded.tag_taps,
            add_to_carts = t.add_to_carts + excluded.add_to_carts;
    RETURN NULL;
END;
$$;
CREATE TRIGGER shopper_events_post_totals AFTER INSERT ON shopper_events
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION event_rollups_apply();

INSERT INTO post_event_totals (post_id, month, impressions, tag_taps, add_to_carts)
SELECT post_id, date_trunc('month', at AT TIME ZONE 'UTC')::date,
       count(*) FILTER (WHERE kind = 'impression'),
       count(*) FILTER (WHERE kind = 'tag_tap'),
       count(*) FILTER (WHERE kind = 'add_to_cart')
FROM shopper_events
WHERE post_id IS NOT NULL AND kind IN ('impression', 'tag_tap', 'add_to_cart')
GROUP BY 1, 2;

INSERT INTO conversion_rollups (shop_id, month, tagged, impressions, tag_taps)
SELECT f.shop_id, t.month, f.tagged, sum(t.impressions), sum(t.tag_taps)
FROM post_event_totals t
JOIN post_featured_shops((SELECT array_agg(post_id) FROM post_event_totals)) f ON f.post_id = t.post_id
GROUP BY 1, 2, 3;

-- Nothing reads events by post any more; one index fewer to write per event.
DROP INDEX shopper_events_post_idx;
