-- Counter reconciliation (app/src/reconcile): a job recounts every stored
-- counter (likes, comments, reposts, quotes, bookmarks, comment likes,
-- followers, following, posts, unread notifications) from its source rows,
-- fixes the ones that drifted and writes what it found here, so an admin
-- sees it at /admin/counters. Only the newest runs are kept.
CREATE TABLE counter_reconciliation_runs (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The hourly job, or an admin's "Run now".
    trigger       text NOT NULL CHECK (trigger IN ('schedule', 'admin')),
    requested_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    started_at    timestamptz NOT NULL,
    duration_ms   bigint NOT NULL CHECK (duration_ms >= 0),
    -- Totals over the report's counters, for the list without the JSON.
    checked       bigint NOT NULL CHECK (checked >= 0),
    fixed         bigint NOT NULL CHECK (fixed >= 0),
    -- The typed report (reconcile::Report) as JSON: per counter, the rows
    -- checked, fixed and left busy, and a few fixed rows (id, was, now).
    report        jsonb NOT NULL,
    CHECK ((trigger = 'admin') OR requested_by IS NULL)
);
CREATE INDEX counter_reconciliation_runs_recent_idx ON counter_reconciliation_runs (started_at DESC, id DESC);
