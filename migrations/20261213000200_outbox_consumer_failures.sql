-- A durable outbox consumer that fails is retried with backoff, and while
-- it fails an admin sees it (`/admin/outbox`): how often in a row, since
-- when, the last error, and the event it is stuck on (the first after its
-- cursor). A success clears all four.
ALTER TABLE outbox_consumers
    ADD COLUMN failures      integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    ADD COLUMN last_error    text CHECK (last_error IS NULL OR char_length(last_error) <= 1000),
    ADD COLUMN failing_since timestamptz,
    ADD COLUMN retry_at      timestamptz,
    ADD CHECK ((failures = 0) = (failing_since IS NULL));
