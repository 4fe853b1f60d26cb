-- Seeds the notification benchmark into an empty Storefeed database (after
-- migrations): an author with :followers followers (`nf_1` … `nf_N`) and one
-- public post; the first :watchers followers each have a post of their own
-- and a session (their pages watch their own bell); the next :likers
-- followers have sessions to like with. Prints, one per line:
--   post <author's post id>
--   watcher <user id> <their post id> sf_session=<token>
--   liker sf_session=<token>
-- psql -v followers=10000 -v watchers=1000 -v likers=1000 -At -f notify_seed.sql
\set QUIET on
BEGIN;
INSERT INTO users (id, username, email, password_hash, display_name, followers_count)
VALUES ('00000000-0000-4000-8000-00000000a001', 'notify_author', 'notify_author@example.test', '!', 'Notify Author',
        :followers);
INSERT INTO posts (id, author_id, body, published_at)
VALUES ('00000000-0000-4000-8000-00000000a002', '00000000-0000-4000-8000-00000000a001',
        'New collection out now', app_now());
INSERT INTO users (id, username, email, password_hash, display_name, following_count)
SELECT gen_random_uuid(), 'nf_' || n, 'nf_' || n || '@example.test', '!', 'Follower ' || n, 1
FROM generate_series(1, :followers) n;
INSERT INTO follows (follower_id, followee_id, status)
SELECT id, '00000000-0000-4000-8000-00000000a001', 'accepted' FROM users WHERE username LIKE 'nf\_%';
CREATE TEMP TABLE nf_people ON COMMIT DROP AS
SELECT u.id, substring(u.username FROM 4)::int AS n, left(md5(random()::text) || md5(random()::text), 43) AS token,
       gen_random_uuid() AS post_id
FROM users u WHERE u.username LIKE 'nf\_%' AND substring(u.username FROM 4)::int <= :watchers + :likers;
INSERT INTO sessions (token_hash, user_id, expires_at, ip, user_agent)
SELECT sha256(convert_to(token, 'UTF8')), id, now() + interval '1 day', '127.0.0.1', 'storefeed-bench'
FROM nf_people;
INSERT INTO posts (id, author_id, body, published_at)
SELECT post_id, id, 'Watching my bell', app_now() FROM nf_people WHERE n <= :watchers;
\set QUIET off
SELECT 'post 00000000-0000-4000-8000-00000000a002';
SELECT 'watcher ' || id || ' ' || post_id || ' sf_session=' || token FROM nf_people WHERE n <= :watchers ORDER BY n;
SELECT 'liker sf_session=' || token FROM nf_people WHERE n > :watchers ORDER BY n;
\set QUIET on
COMMIT;
