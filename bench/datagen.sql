-- Synthetic data for the feed benchmark (scripts/bench-feed.sh), loaded into
-- an empty, migrated database in one transaction:
--
--   psql -v ON_ERROR_STOP=1 -v users=100000 -v posts=1000000 -v shops=3000 \
--        "$DATABASE_URL" -f bench/datagen.sql
--
-- Shapes, so the feed queries meet a realistic spread:
--   * follows: most users follow 20–200 accounts (log-uniform), 8% fewer than
--     20, 1.5% around a thousand; followees are drawn by popularity rank with
--     density ∝ (rank + 100)^-1.5, so a few dozen accounts have tens of
--     thousands of followers and most users a handful;
--   * posts: 60% by popularity rank (the top creators post about three a
--     day), 40% spread evenly over 40% of users, so about a third of users
--     never post; published over the last year, 10% followers-only, 1%
--     drafts, 1% deleted;
--   * 1–3 images per post (all pointing at a few bench image paths), 40% of
--     images with 1–3 tags (product, user, shop), 20% of posts with 1–2
--     linked products or shops; shops with products, options and variants;
--   * users' followers/following/posts counts match the rows.
-- Ids are v4-shaped UUIDs derived from row numbers (see pg_temp.uid), so
-- reruns with the same seed give the same data. Every bench account's
-- password is `storefeed-demo`.
-- Rows go in roughly in the order the app would have written them (posts,
-- media and follows by time), so tables are laid out as in production.
-- For speed, foreign-key triggers are skipped while loading (the rows are
-- built consistent), and indexes, primary keys and unique constraints that
-- no foreign key depends on are dropped and rebuilt from their catalog
-- definitions afterwards (sorting once beats millions of B-tree inserts).
-- CHECK constraints, primary keys and uniqueness are all enforced.

\set ON_ERROR_STOP on
\set QUIET on
\if :{?users}
\else
  \set users 100000
\endif
\if :{?posts}
\else
  \set posts 1000000
\endif
\if :{?shops}
\else
  \set shops 3000
\endif
\if :{?seed}
\else
  \set seed 0.42
\endif
-- argon2id of `storefeed-demo`.
\set password_hash '$argon2id$v=19$m=19456,t=2,p=1$hNHkXtLHejZVyvkYdtELrA$puYZicD6Krf/4CobzOaqSdbIUbYxjoW6kTK9PbL5axg'

\echo 'datagen: users=' :users ' posts=' :posts ' shops=' :shops
SELECT clock_timestamp() AS t0 \gset

SET work_mem = '256MB';
SET maintenance_work_mem = '512MB';
SET temp_buffers = '512MB';
-- One process, so setseed() makes the data repeatable.
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SET session_replication_role = replica;
SELECT setseed(:seed) AS seeded \gset

BEGIN;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM users) THEN
        RAISE EXCEPTION 'datagen needs an empty database: users already has rows';
    END IF;
END $$;

-- Indexes and constraints to rebuild after the load, as the migrations defined them.
CREATE TEMP TABLE g_loaded (t regclass);
INSERT INTO g_loaded
VALUES ('users'), ('follows'), ('shops'), ('products'), ('product_options'), ('product_option_values'),
       ('product_variants'), ('variant_option_values'), ('posts'), ('post_media'), ('image_tags'), ('post_links');
CREATE TEMP TABLE g_indexes AS
SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
FROM pg_index i JOIN g_loaded l ON l.t = i.indrelid
WHERE NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);
CREATE TEMP TABLE g_constraints AS
SELECT c.conrelid::regclass::text AS tab, quote_ident(c.conname) AS name, pg_get_constraintdef(c.oid) AS def
FROM pg_constraint c JOIN g_loaded l ON l.t = c.conrelid
WHERE c.contype IN ('p', 'u')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid);
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT name FROM g_indexes LOOP
        EXECUTE 'DROP INDEX ' || r.name;
    END LOOP;
    FOR r IN SELECT tab, name FROM g_constraints LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %s', r.tab, r.name);
    END LOOP;
END $$;

-- A v4-shaped UUID for row n of a kind: 60 hashed bits, then n itself, so
-- ids are unique per kind and spread over the index like random ones (and
-- cheaper than md5). Kinds: 1 user, 2 post, 3 media, 4 tag, 5 shop,
-- 6 product, 7 option, 8 option value, 9 variant.
CREATE FUNCTION pg_temp.uid(kind int, n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
    SELECT (lpad(to_hex((hashint8extended(n, kind) & -61441) | 16384), 16, '0')
            || to_hex(n | (-9223372036854775807 - 1)))::uuid
$$;

-- A popularity rank in 1..n, drawn with density ∝ (rank + c)^-1.5 (inverse CDF).
CREATE FUNCTION pg_temp.popular(n int, c float8) RETURNS int LANGUAGE sql VOLATILE AS $$
    SELECT least(n, 1 + floor((c ^ -0.5 - random() * (c ^ -0.5 - (n + c) ^ -0.5)) ^ -2 - c))::int
$$;

-- ---------------------------------------------------------------- users
-- User n has popularity rank n. out_degree is how many accounts they try
-- to follow (duplicates and self-follows are dropped later).
CREATE TEMP TABLE g_users AS
SELECT n, pg_temp.uid(1, n) AS id,
       CASE WHEN r < 0.08 THEN floor(random() * 20)::int
            WHEN r < 0.985 THEN floor(20 * 10 ^ random())::int
            ELSE floor(600 * 3 ^ random())::int
       END AS out_degree,
       now() - interval '730 days' * random() AS joined
FROM (SELECT n, random() AS r FROM generate_series(1, :users) AS n) s;
ALTER TABLE g_users ADD PRIMARY KEY (n);
ANALYZE g_users;

CREATE TEMP TABLE g_follows AS
SELECT f, e
FROM (SELECT u.n AS f, pg_temp.popular(:users, 100) AS e
      FROM g_users u, generate_series(1, u.out_degree)) s
WHERE f <> e
GROUP BY f, e;
ANALYZE g_follows;

-- Authors: 60% by popularity, 40% uniform over the users whose number ends
-- in 1–4.
CREATE TEMP TABLE g_posts AS
SELECT pg_temp.uid(2, row_number() OVER (ORDER BY at)) AS id, row_number() OVER (ORDER BY at) AS i,
       author, author_id, at, status, visibility, n_media
FROM (
    SELECT s.author, u.id AS author_id,
           greatest(u.joined, now() - interval '365 days')
               + random() * (now() - greatest(u.joined, now() - interval '365 days')) AS at,
           CASE WHEN r < 0.01 THEN 'draft' WHEN r < 0.02 THEN 'deleted' ELSE 'published' END AS status,
           CASE WHEN random() < 0.10 THEN 'followers' ELSE 'public' END AS visibility,
           CASE WHEN m < 0.60 THEN 1 WHEN m < 0.85 THEN 2 ELSE 3 END AS n_media
    FROM (SELECT CASE WHEN random() < 0.6 THEN pg_temp.popular(:users, 300)
                      ELSE 1 + 10 * floor(random() * (:users / 10))::int + floor(random() * 4)::int
                 END AS author,
                 random() AS r, random() AS m
          FROM generate_series(1, :posts)) s
    JOIN g_users u ON u.n = s.author
) p;
ALTER TABLE g_posts ADD PRIMARY KEY (i);
ANALYZE g_posts;

SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1) AS el \gset
\echo '  ' :el 's: follow graph and post authors drawn'

INSERT INTO users (id, username, email, password_hash, display_name, bio, location, avatar_url, is_verified,
                   followers_count, following_count, posts_count, created_at, updated_at)
SELECT u.id,
       'user_' || u.n,
       'user_' || u.n || '@bench.example',
       :'password_hash',
       (ARRAY['Maya', 'Kofi', 'Lena', 'Amara', 'Sam', 'Noor', 'Tariq', 'Ines', 'Jun', 'Zola',
              'Priya', 'Omar', 'Chidi', 'Elif', 'Mateo', 'Hana', 'Yusuf', 'Aiko', 'Luca', 'Wanjiru'])[1 + u.n % 20]
           || ' ' ||
       (ARRAY['Lin', 'Mensah', 'Fischer', 'Okafor', 'Rivera', 'Haddad', 'Kim', 'Silva', 'Novak', 'Banda',
              'Sato', 'Dubois', 'Mwangi', 'Costa', 'Yilmaz', 'Ali', 'Berg', 'Nair', 'Adeyemi', 'Rossi'])[1 + (u.n / 20) % 20],
       CASE WHEN u.n % 3 = 0 THEN '' ELSE
           (ARRAY['Thrifted finds and slow fashion.', 'Sneakers, streetwear and the stories behind them.',
                  'Ceramics, plants and small homes done well.', 'Cooking for friends, mostly on weekends.',
                  'Vintage cameras and the photos they take.', 'Handmade jewellery from recycled silver.'])[1 + u.n % 6]
       END,
       (ARRAY['', 'Nairobi', 'Berlin', 'Lagos', 'Accra', 'Lisbon', 'Osaka', 'Toronto'])[1 + u.n % 8],
       CASE WHEN u.n % 2 = 0 THEN '/media/bench/avatar-' || (u.n % 8) || '.jpg' END,
       u.n <= 200,
       coalesce(fr.c, 0), coalesce(fe.c, 0), coalesce(po.c, 0),
       u.joined, u.joined
FROM g_users u
LEFT JOIN (SELECT e AS n, count(*) AS c FROM g_follows GROUP BY e) fr ON fr.n = u.n
LEFT JOIN (SELECT f AS n, count(*) AS c FROM g_follows GROUP BY f) fe ON fe.n = u.n
LEFT JOIN (SELECT author AS n, count(*) AS c FROM g_posts WHERE status = 'published' GROUP BY author) po
       ON po.n = u.n
ORDER BY u.joined;

SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1) AS el \gset
\echo '  ' :el 's: users'

-- Each follow made after both accounts joined.
INSERT INTO follows (follower_id, followee_id, status, created_at)
SELECT follower_id, followee_id, 'accepted', at
FROM (SELECT follower_id, followee_id, since + random() * (now() - since) AS at
      FROM (SELECT uf.id AS follower_id, ue.id AS followee_id, greatest(uf.joined, ue.joined) AS since
            FROM g_follows g JOIN g_users uf ON uf.n = g.f JOIN g_users ue ON ue.n = g.e) s) t
ORDER BY at;

SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1) AS el \gset
\echo '  ' :el 's: follows'

-- ---------------------------------------------------------------- shops and catalog
CREATE TEMP TABLE g_shops AS
SELECT k, 1 + ((k - 1) * 37) % :users AS owner,
       (ARRAY['USD', 'EUR', 'GBP', 'KES', 'NGN'])[1 + k % 5] AS currency,
       1 + floor(40 * random() ^ 2)::int AS n_products
FROM generate_series(1, :shops) AS k;

INSERT INTO shops (id, owner_id, handle, name, description, currency, created_at, updated_at)
SELECT pg_temp.uid(5, s.k), u.id, 'shop_' || s.k,
       (ARRAY['Threads', 'Leather', 'Studio', 'Ceramics', 'Market', 'Supply', 'Goods', 'Atelier'])[1 + s.k % 8]
           || ' ' || s.k,
       'Small-batch goods, shipped from our workshop.', s.currency, u.joined, u.joined
FROM g_shops s JOIN g_users u ON u.n = s.owner
ORDER BY s.k;

-- 1–40 products per shop (skewed towards few), 85% active.
CREATE TEMP TABLE g_products AS
SELECT row_number() OVER (ORDER BY s.k, j) AS k, s.k AS shop, s.currency, j,
       CASE WHEN random() < 0.7 THEN 1 ELSE 2 + floor(random() * 3)::int END AS n_variants,
       CASE WHEN r < 0.85 THEN 'active' WHEN r < 0.95 THEN 'draft' ELSE 'archived' END AS status,
       now() - interval '365 days' * random() AS created
FROM g_shops s,
     generate_series(1, s.n_products) AS j,
     LATERAL (SELECT random() AS r WHERE j > 0) x;
ALTER TABLE g_products ADD PRIMARY KEY (k);
ANALYZE g_products;
SELECT count(*) AS n_products FROM g_products \gset

INSERT INTO products (id, shop_id, title, description, status, currency, created_at, updated_at)
SELECT pg_temp.uid(6, p.k), pg_temp.uid(5, p.shop),
       (ARRAY['Linen shirt', 'Leather tote', 'Ceramic mug', 'Canvas sneakers', 'Silver ring', 'Wool scarf',
              'Denim jacket', 'Table lamp', 'Tea set', 'Backpack'])[1 + p.k % 10] || ' no. ' || p.j,
       'Made in small batches. Ships in five days.', p.status, p.currency, p.created, p.created
FROM g_products p
ORDER BY p.k;

-- Products with several variants get one "Size" option with a value per variant.
INSERT INTO product_options (id, product_id, name, position)
SELECT pg_temp.uid(7, p.k), pg_temp.uid(6, p.k), 'Size', 0
FROM g_products p WHERE p.n_variants > 1;

INSERT INTO product_option_values (id, option_id, value, position)
SELECT pg_temp.uid(8, p.k * 10 + v), pg_temp.uid(7, p.k), (ARRAY['S', 'M', 'L', 'XL'])[1 + v], v
FROM g_products p, generate_series(0, p.n_variants - 1) AS v
WHERE p.n_variants > 1;

INSERT INTO product_variants (id, product_id, shop_id, title, sku, price_minor, compare_at_minor, currency,
                              stock_on_hand, position, created_at, updated_at)
SELECT pg_temp.uid(9, p.k * 10 + v), pg_temp.uid(6, p.k), pg_temp.uid(5, p.shop),
       CASE WHEN p.n_variants = 1 THEN 'Default' ELSE (ARRAY['S', 'M', 'L', 'XL'])[1 + v] END,
       'BN-' || p.k || '-' || v, x.price, CASE WHEN x.r < 0.3 THEN x.price + 100 + floor(x.r * 10000)::bigint END,
       p.currency, floor(random() * 200)::int, v, p.created, p.created
FROM g_products p, generate_series(0, p.n_variants - 1) AS v,
     LATERAL (SELECT 500 + floor(random() * 30000)::bigint AS price, random() AS r WHERE v >= 0) x;

INSERT INTO variant_option_values (variant_id, option_value_id)
SELECT pg_temp.uid(9, p.k * 10 + v), pg_temp.uid(8, p.k * 10 + v)
FROM g_products p, generate_series(0, p.n_variants - 1) AS v
WHERE p.n_variants > 1;

SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1) AS el \gset
\echo '  ' :el 's: shops and' :n_products 'products'

-- ---------------------------------------------------------------- posts
INSERT INTO posts (id, author_id, body, status, visibility, created_at, published_at, deleted_at)
SELECT p.id, p.author_id,
       (ARRAY['New in the shop this week.', 'Golden hour on the balcony.', 'Thrifted this for almost nothing.',
              'Sunday market haul.', 'Tagged everything I am wearing.', 'Restocked: the one you kept asking about.',
              'First try at glazing, not bad.', 'Packing orders all afternoon.', 'Which colour would you pick?',
              'Made to last, made to be repaired.', 'Studio tidy-up before the weekend.', 'Link in the tags.',
              'A quiet corner of the flat.', 'Fresh batch out of the kiln.', 'Outfit for the wedding.',
              'Behind the scenes of the shoot.'])[1 + p.i % 16]
           || CASE WHEN p.i % 3 = 0 THEN '' ELSE ' ' ||
       (ARRAY['Details in the first photo.', 'Sizes run small, go one up.', 'Ships worldwide.',
              'Hand-stitched in Nairobi.', 'Only a few left.', 'Thank you for 10k!', 'More soon.'])[1 + (p.i / 16) % 7]
           END,
       p.status, p.visibility,
       p.at - interval '1 minute',
       CASE WHEN p.status <> 'draft' THEN p.at END,
       CASE WHEN p.status = 'deleted' THEN p.at + interval '1 day' END
FROM g_posts p
ORDER BY p.i;

SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1) AS el \gset
\echo '  ' :el 's: posts'

-- Media m = 10 * post + position; a handful of image files in three shapes.
CREATE TEMP TABLE g_media AS
SELECT pg_temp.uid(3, p.i * 10 + pos) AS id, p.i * 10 + pos AS m, p.id AS post_id, pos,
       CASE WHEN random() < 0.4 THEN 1 + floor(random() * 3)::int ELSE 0 END AS n_tags
FROM g_posts p, generate_series(0, p.n_media - 1) AS pos;
ANALYZE g_media;

INSERT INTO post_media (id, post_id, position, url_150, url_600, url_1200, width, height, alt)
SELECT g.id, g.post_id, g.pos,
       '/media/bench/photo-' || (g.m % 8) || '-150.jpg',
       '/media/bench/photo-' || (g.m % 8) || '-600.jpg',
       '/media/bench/photo-' || (g.m % 8) || '-1200.jpg',
       1200, (ARRAY[1500, 1200, 800])[1 + g.m % 3], ''
FROM g_media g
ORDER BY g.m;

SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1) AS el \gset
\echo '  ' :el 's: post media'

-- Tags: 60% products (any status: the feed hides those not active), 25% people, 15% shops.
-- (Random numbers are drawn in the inner query so pg_temp.uid stays inlined.)
INSERT INTO image_tags (id, media_id, x_pct, y_pct, kind, user_id, product_id, shop_id)
SELECT pg_temp.uid(4, t.m * 4 + t.j), t.id, t.x, t.y, t.kind,
       CASE WHEN t.kind = 'user' THEN pg_temp.uid(1, t.target) END,
       CASE WHEN t.kind = 'product' THEN pg_temp.uid(6, t.target) END,
       CASE WHEN t.kind = 'shop' THEN pg_temp.uid(5, t.target) END
FROM (SELECT g.m, g.id, j, x.kind,
             round((5 + random() * 90)::numeric, 2) AS x, round((5 + random() * 90)::numeric, 2) AS y,
             CASE x.kind WHEN 'user' THEN pg_temp.popular(:users, 300)
                         WHEN 'product' THEN 1 + floor(random() * :n_products)::int
                         ELSE 1 + floor(random() * :shops)::int END AS target
      FROM g_media g, generate_series(1, g.n_tags) AS j,
           LATERAL (SELECT CASE WHEN r < 0.60 THEN 'product' WHEN r < 0.85 THEN 'user' ELSE 'shop' END AS kind
                    FROM (SELECT random() AS r WHERE j > 0) r) x) t;

SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1) AS el \gset
\echo '  ' :el 's: image tags'

-- Links: 20% of posts, 1–2 cards, 80% products.
INSERT INTO post_links (post_id, position, kind, product_id, shop_id)
SELECT l.post_id, l.pos, l.kind,
       CASE WHEN l.kind = 'product' THEN pg_temp.uid(6, l.target) END,
       CASE WHEN l.kind = 'shop' THEN pg_temp.uid(5, l.target) END
FROM (SELECT p.id AS post_id, pos, x.kind,
             CASE WHEN x.kind = 'product' THEN 1 + floor(random() * :n_products)::int
                  ELSE 1 + floor(random() * :shops)::int END AS target
      FROM (SELECT id, CASE WHEN random() < 0.2 THEN 1 + floor(random() * 2)::int ELSE 0 END AS n FROM g_posts) p,
           generate_series(0, p.n - 1) AS pos,
           LATERAL (SELECT CASE WHEN random() < 0.8 THEN 'product' ELSE 'shop' END AS kind WHERE pos >= 0) x) l;

SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1) AS el \gset
\echo '  ' :el 's: post links'

DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT tab, name, def FROM g_constraints LOOP
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %s %s', r.tab, r.name, r.def);
    END LOOP;
    FOR r IN SELECT def FROM g_indexes LOOP
        EXECUTE r.def;
    END LOOP;
END $$;

SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1) AS el \gset
\echo '  ' :el 's: indexes rebuilt'

-- Accounts past the timeline fan-out limit (posts::timeline::FANOUT_LIMIT)
-- are merged at read, as the timeline consumer marks them when they post.
-- Timelines themselves are built on each reader's first read.
INSERT INTO timeline_merged_authors (user_id) SELECT id FROM users WHERE followers_count >= 5000;

COMMIT;
RESET session_replication_role;

-- Fresh statistics, hint bits and visibility map, as on a database that has been running a while.
VACUUM (ANALYZE) users, follows, posts, post_media, image_tags, post_links, shops, products,
    product_options, product_option_values, product_variants, variant_option_values;

SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1) AS el \gset
\echo '  ' :el 's: vacuum analyze'

\pset footer off
\pset border 1
SELECT 'users' AS "table", count(*) AS "rows" FROM users
UNION ALL SELECT 'follows', count(*) FROM follows
UNION ALL SELECT 'posts', count(*) FROM posts
UNION ALL SELECT 'post_media', count(*) FROM post_media
UNION ALL SELECT 'image_tags', count(*) FROM image_tags
UNION ALL SELECT 'post_links', count(*) FROM post_links
UNION ALL SELECT 'shops', count(*) FROM shops
UNION ALL SELECT 'products', count(*) FROM products
UNION ALL SELECT 'product_variants', count(*) FROM product_variants;

SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1) AS el \gset
\echo 'datagen: done in' :el 's'
