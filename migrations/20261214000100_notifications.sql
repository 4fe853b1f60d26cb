-- Notifications (app/src/notifications): one row per thing a user is told,
-- written by the outbox relay's `notifications` consumer from the events
-- the domains publish. Same-kind actions on the same object batch into one
-- row while it is unread and its newest action is recent (the grouping key
-- is recipient + kind + entity; see notifications::batching), so "Alice,
-- Bob and 10 others liked your post" is one row whose actors are listed in
-- `notification_actors`.
-- `seq` orders the inbox and the actors: every new row and every action
-- batched into one takes the next value, so the newest is first even when
-- one transaction made several.
CREATE SEQUENCE notification_seq;

CREATE TABLE notifications (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq           bigint NOT NULL DEFAULT nextval('notification_seq'),
    recipient_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
    -- What the row is about and where it links: a post, comment, user,
    -- order, group or product; `post_id` is the post the link opens (the
    -- comment's post for a comment), and the one the visibility rule asks.
    entity_type   text NOT NULL CHECK (entity_type IN ('post', 'comment', 'user', 'order', 'group', 'product', 'plan')),
    entity_id     uuid NOT NULL,
    post_id       uuid REFERENCES posts (id) ON DELETE CASCADE,
    -- A short quote of what was written ("nice!" for a comment), a product
    -- name, a tracking number: shown as text, never as markup.
    preview       text CHECK (length(preview) <= 300),
    -- The page the row opens (a post, a comment on it, an order).
    href          text NOT NULL CHECK (href ~ '^/'),
    actor_count   integer NOT NULL DEFAULT 0 CHECK (actor_count >= 0),
    created_at    timestamptz NOT NULL DEFAULT app_now(),
    -- The newest action in the row, as shown.
    updated_at    timestamptz NOT NULL DEFAULT app_now(),
    read_at       timestamptz
);
CREATE INDEX notifications_inbox_idx ON notifications (recipient_id, seq DESC);
CREATE INDEX notifications_batch_idx ON notifications (recipient_id, kind, entity_id, updated_at DESC)
    WHERE read_at IS NULL;
CREATE INDEX notifications_post_idx ON notifications (post_id) WHERE post_id IS NOT NULL;

-- Who did it, newest first by `seq`. Withdrawing an action (an undone
-- like) deletes its actor, and the row with its last one.
CREATE TABLE notification_actors (
    notification_id  uuid NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    actor_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    acted_at         timestamptz NOT NULL,
    seq              bigint NOT NULL DEFAULT nextval('notification_seq'),
    PRIMARY KEY (notification_id, actor_id)
);
CREATE INDEX notification_actors_actor_idx ON notification_actors (actor_id);

-- Per category: 'on', 'off' or 'following' (only from accounts the user
-- follows). A missing row is 'on'. Honoured when a notification is made.
CREATE TABLE notification_preferences (
    user_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    category  text NOT NULL CHECK (category IN ('follows', 'likes', 'comments', 'mentions', 'reposts', 'collaborations', 'commerce')),
    setting   text NOT NULL CHECK (setting IN ('on', 'off', 'following')),
    PRIMARY KEY (user_id, category)
);

-- The bell: unread rows and a version that grows with every change to the
-- user's notifications, under this row's lock. Pages keep the highest
-- version they saw, so an older count that arrives late is ignored.
CREATE TABLE notification_inboxes (
    user_id  uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    unread   integer NOT NULL DEFAULT 0 CHECK (unread >= 0),
    version  bigint NOT NULL DEFAULT 0
);

-- When the buyer was reminded that an instalment is coming due
-- (plans::instalments::remind_due), so each is announced once.
ALTER TABLE order_instalments ADD COLUMN reminded_at timestamptz;
CREATE INDEX order_instalments_remind_idx ON order_instalments (due_on)
    WHERE status = 'scheduled' AND reminded_at IS NULL AND seq > 0;
