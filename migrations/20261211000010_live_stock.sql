-- The real-time channel's stock updates (app/src/live). Every change of a
-- variant's available stock (on hand less held), whichever code path made
-- it (holds, releases, sales, receipts, counts, returns), writes one
-- `stock.changed` event to the outbox in the same transaction, so the
-- relay tells every server's open pages, and the NOTIFY wakes the relays
-- when it commits (several in one transaction fold into one).
CREATE FUNCTION publish_stock_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.stock_on_hand - NEW.stock_reserved IS DISTINCT FROM OLD.stock_on_hand - OLD.stock_reserved THEN
        INSERT INTO outbox_events (aggregate, aggregate_id, kind, payload)
        VALUES ('variant', NEW.id, 'stock.changed',
                jsonb_build_object('available', NEW.stock_on_hand - NEW.stock_reserved));
        PERFORM pg_notify('outbox', '');
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER product_variants_stock_changed
    AFTER UPDATE OF stock_on_hand, stock_reserved ON product_variants
    FOR EACH ROW EXECUTE FUNCTION publish_stock_changed();
