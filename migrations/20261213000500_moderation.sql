-- Reports and moderation (app/src/moderation): users report posts,
-- comments, accounts, shops and products; admins work through the queue
-- of open reports and act on a target: dismiss its reports, remove the
-- content (soft, the reason shown to its author), suspend its owner for N
-- days or ban them. Every action is written to `moderation_actions`.

-- An account's standing. A suspended account (`suspended_until` in the
-- future) or a banned one (`banned_at` set) may read but not post,
-- comment, repost or sell (`moderation::standing::require_active`); a
-- banned account can't sign in. `standing_reason` is the admin's reason,
-- shown to the account.
ALTER TABLE users
    ADD COLUMN suspended_until timestamptz,
    ADD COLUMN banned_at       timestamptz,
    ADD COLUMN standing_reason text CHECK (char_length(standing_reason) <= 1000),
    ADD CONSTRAINT users_standing_has_reason
        CHECK ((suspended_until IS NULL AND banned_at IS NULL) OR standing_reason IS NOT NULL);

-- Removed content: soft, so its author still sees it with the reason; the
-- visibility rules below close it to everyone else.
ALTER TABLE posts
    ADD COLUMN removed_at     timestamptz,
    ADD COLUMN removal_reason text CHECK (char_length(removal_reason) <= 1000),
    ADD CONSTRAINT posts_removal_has_reason CHECK ((removed_at IS NULL) = (removal_reason IS NULL));
ALTER TABLE comments
    ADD COLUMN removed_at     timestamptz,
    ADD COLUMN removal_reason text CHECK (char_length(removal_reason) <= 1000),
    ADD CONSTRAINT comments_removal_has_reason CHECK ((removed_at IS NULL) = (removal_reason IS NULL));
-- A removed product is also archived (what shoppers already never see), and
-- may not be made active again by its shop.
ALTER TABLE products
    ADD COLUMN removed_at     timestamptz,
    ADD COLUMN removal_reason text CHECK (char_length(removal_reason) <= 1000),
    ADD CONSTRAINT products_removal_has_reason CHECK ((removed_at IS NULL) = (removal_reason IS NULL)),
    ADD CONSTRAINT products_removed_stays_archived CHECK (removed_at IS NULL OR status = 'archived');

-- One report by one user of one target. Only one may be open per
-- (reporter, target): reporting again updates it.
CREATE TABLE reports (
    id           uuid PRIMARY KEY,
    reporter_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target_kind  text NOT NULL CHECK (target_kind IN ('post', 'comment', 'user', 'shop', 'product')),
    target_id    uuid NOT NULL,
    reason       text NOT NULL
                 CHECK (reason IN ('spam', 'scam', 'counterfeit', 'harassment', 'nudity', 'other')),
    details      text NOT NULL DEFAULT '' CHECK (char_length(details) <= 1000),
    status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'dismissed', 'actioned')),
    created_at   timestamptz NOT NULL DEFAULT app_now(),
    updated_at   timestamptz NOT NULL DEFAULT app_now(),
    resolved_at  timestamptz,
    CHECK ((status = 'open') = (resolved_at IS NULL)),
    CHECK (reason <> 'other' OR details <> '')
);
CREATE UNIQUE INDEX reports_one_open_idx ON reports (reporter_id, target_kind, target_id) WHERE status = 'open';
-- The queue groups open reports by target.
CREATE INDEX reports_open_target_idx ON reports (target_kind, target_id, created_at) WHERE status = 'open';
CREATE TRIGGER reports_updated_at BEFORE UPDATE ON reports FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The audit log: every moderation action, who took it, on what, and why.
-- `subject_id` is the account the action fell on (the content's author,
-- the shop's owner, the user reported).
CREATE TABLE moderation_actions (
    id              uuid PRIMARY KEY,
    admin_id        uuid REFERENCES users (id) ON DELETE SET NULL,
    action          text NOT NULL CHECK (action IN ('dismiss', 'remove', 'suspend', 'ban')),
    target_kind     text NOT NULL CHECK (target_kind IN ('post', 'comment', 'user', 'shop', 'product')),
    target_id       uuid NOT NULL,
    subject_id      uuid REFERENCES users (id) ON DELETE SET NULL,
    reason          text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 1000),
    days            integer CHECK (days BETWEEN 1 AND 365),
    reports_closed  integer NOT NULL DEFAULT 0 CHECK (reports_closed >= 0),
    created_at      timestamptz NOT NULL DEFAULT app_now(),
    CHECK ((action = 'suspend') = (days IS NOT NULL))
);
CREATE INDEX moderation_actions_recent_idx ON moderation_actions (created_at DESC, id DESC);

-- The one post rule (…10000100_reposts.sql) with removal added: a removed
-- post is seen by its author only (with the reason), by nobody else, so
-- it leaves every feed, grid, search and card at once.
CREATE OR REPLACE FUNCTION post_itself_visible_to(p posts, viewer uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT p.status <> 'deleted'
       AND (p.author_id = viewer
            OR (p.status = 'published'
                AND p.removed_at IS NULL
                AND account_visible_to(p.author_id, viewer)
                AND (p.visibility = 'public'
                     OR EXISTS (SELECT 1 FROM follows f
                                 WHERE f.follower_id = viewer
                                   AND f.followee_id = p.author_id
                                   AND f.status = 'accepted'))))
$$;

-- The one comment rule (…09000300_comment_safety.sql) with removal added:
-- a removed comment, and the thread under it, is seen by its writer only
-- (the post's author included among the others).
CREATE OR REPLACE FUNCTION comment_visible_to(c comments, viewer uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT NOT EXISTS (SELECT 1 FROM comments a
                        WHERE (a.id = c.id OR a.id = ANY (c.ancestors))
                          AND (blocked_between(a.author_id, viewer)
                               OR NOT comment_wanted_by(a.author_id, a.body, viewer)
                               OR (a.removed_at IS NOT NULL AND a.author_id IS DISTINCT FROM viewer)))
       AND (EXISTS (SELECT 1 FROM posts p WHERE p.id = c.post_id AND p.author_id = viewer)
            OR NOT EXISTS (SELECT 1 FROM comments a
                            WHERE (a.id = c.id OR a.id = ANY (c.ancestors))
                              AND a.hidden_at IS NOT NULL
                              AND a.author_id IS DISTINCT FROM viewer))
$$;
