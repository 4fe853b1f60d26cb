-- The daily email digest (app/src/notifications/digest): a mail listing a
-- user's unread notifications of the last day. One row per user who chose,
-- or was sent, a digest; a missing row means 'daily'. `last_sent_at` is
-- stamped in the transaction that writes the digest to `mail_outbox`,
-- under this row's lock, so two servers never send the same day's digest.
CREATE TABLE notification_digests (
    user_id       uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    frequency     text NOT NULL DEFAULT 'daily' CHECK (frequency IN ('daily', 'off')),
    last_sent_at  timestamptz
);

-- A user's notifications as their inbox and their digest show them: rows
-- about a post the viewer can no longer see, and rows whose every actor is
-- across a block from the viewer, are left out (the rules may have changed
-- since the row was made); `names` are the newest three actors the viewer
-- may see, newest first, `avatar_url` the newest one's picture. One place
-- for the rule, read by notifications::db::page and the digest. A single
-- SQL SELECT, so the planner inlines it and the caller's filters, order and
-- limit reach the indexes.
CREATE FUNCTION notifications_seen_by(viewer uuid)
RETURNS TABLE (
    id uuid, seq bigint, kind text, preview text, href text, actor_count integer,
    updated_at timestamptz, read_at timestamptz, names text[], avatar_url text
)
LANGUAGE sql STABLE AS $$
    SELECT n.id, n.seq, n.kind, n.preview, n.href, n.actor_count, n.updated_at, n.read_at,
           COALESCE(actors.names, '{}'), actors.avatar_url
    FROM notifications n
    LEFT JOIN posts p ON p.id = n.post_id
    LEFT JOIN LATERAL (
        SELECT array_agg(u.username ORDER BY a.seq DESC) AS names,
               (array_agg(u.avatar_url ORDER BY a.seq DESC))[1] AS avatar_url
        FROM (SELECT actor_id, seq FROM notification_actors
              WHERE notification_id = n.id ORDER BY seq DESC LIMIT 3) a
        JOIN users u ON u.id = a.actor_id
        WHERE NOT blocked_between(viewer, u.id)
    ) actors ON true
    WHERE n.recipient_id = viewer
      AND (n.post_id IS NULL OR (p.id IS NOT NULL AND post_visible_to(p, viewer)))
      AND (n.actor_count = 0 OR actors.names IS NOT NULL)
$$;
