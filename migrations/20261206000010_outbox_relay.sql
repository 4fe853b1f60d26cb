-- The one outbox relay (app/src/outbox). Every consumer reads every event
-- independently from its own cursor, so "processed" is no longer a property
-- of the event: `processed_at` (written by nobody, read by nobody) goes, and
-- each consumer's position lives in `outbox_consumers`.
--
-- Identity ids are taken before commit, so a lower id can become visible
-- after a higher one. Events are therefore read in (tx_id, id) order and
-- only from transactions older than every transaction still running
-- (`pg_snapshot_xmin(pg_current_snapshot())`): those can no longer change,
-- and anything that commits later has a larger tx_id, so a cursor never
-- moves past an event that is still to appear.
ALTER TABLE outbox_events ADD COLUMN tx_id xid8 NOT NULL DEFAULT pg_current_xact_id();
DROP INDEX outbox_events_pending_idx;
ALTER TABLE outbox_events DROP COLUMN processed_at;
CREATE INDEX outbox_events_order_idx ON outbox_events (tx_id, id);

-- Where each durable consumer has read up to (the last event it handled).
CREATE TABLE outbox_consumers (
    name        text PRIMARY KEY,
    last_tx     xid8 NOT NULL,
    last_id     bigint NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT app_now()
);
