-- A shop's figures are summed per shop with no currency column (revenue per
-- day, credit rollups, promotion totals, the analytics page and CSV). That
-- is right only while every order of a shop is in one currency, so once a
-- shop has an order its currency can no longer change, and an order is
-- always in its shop's currency. Money of different currencies is never
-- added (see app/src/money.rs).
CREATE FUNCTION shop_currency_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.currency IS DISTINCT FROM OLD.currency
       AND EXISTS (SELECT 1 FROM orders WHERE shop_id = NEW.id) THEN
        RAISE EXCEPTION 'shop % has orders in %: its currency cannot change', NEW.id, OLD.currency
            USING ERRCODE = 'P0003';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER shops_currency_fixed BEFORE UPDATE OF currency ON shops
    FOR EACH ROW EXECUTE FUNCTION shop_currency_fixed();

CREATE FUNCTION order_in_shop_currency() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM shops WHERE id = NEW.shop_id AND currency = NEW.currency) THEN
        RAISE EXCEPTION 'order % is in %, not its shop''s currency', NEW.id, NEW.currency
            USING ERRCODE = 'P0003';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER orders_in_shop_currency BEFORE INSERT OR UPDATE OF currency, shop_id ON orders
    FOR EACH ROW EXECUTE FUNCTION order_in_shop_currency();
