-- One clock. `app_now()` is the database's side of the app's clock
-- (`app/src/clock.rs`): the transaction's time plus the offset a test
-- deployment moved the clock by, which the app sets on each connection as
-- `storefeed.clock_offset_secs` when (and only when) its clock is movable.
-- Unset, it is exactly `now()`. Every default, trigger and query that needs
-- "now" reads it, so rows stamped by the database agree with the app.
CREATE FUNCTION app_now() RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT now() + make_interval(secs => coalesce(nullif(current_setting('storefeed.clock_offset_secs', true), ''), '0')::double precision)
$$;

CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger AS $$
BEGIN
    NEW.updated_at = app_now();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

-- Every column that defaulted to now() defaults to app_now() (partitions
-- included: they carry their own copy of the default).
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN
        SELECT a.attrelid::regclass AS tbl, a.attname AS col
          FROM pg_attrdef d
          JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
          JOIN pg_class k ON k.oid = a.attrelid
          JOIN pg_namespace n ON n.oid = k.relnamespace
         WHERE n.nspname = current_schema()
           AND pg_get_expr(d.adbin, d.adrelid) = 'now()'
    LOOP
        EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT app_now()', c.tbl, c.col);
    END LOOP;
END
$$;
