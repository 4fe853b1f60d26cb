-- Explore's "Has" filter (`?with=groups` / `?with=plans`) asks whether a
-- post shows a card of that kind, by the same rules its cards are drawn
-- with, so a post in the filtered feed shows what the filter promised.
-- Who may see the post at all stays `post_visible_to`'s, asked beside these.

-- A buy-together group a reader can still join: stored open, before its
-- deadline, with a seat left. Full, expired and cancelled groups still show
-- on the post, but the post no longer counts as a group deal.
CREATE FUNCTION post_shows_open_group(post uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT EXISTS (
        SELECT 1 FROM post_groups pg JOIN buy_groups g ON g.id = pg.group_id
        WHERE pg.post_id = post AND g.status = 'open' AND g.expires_at > app_now() AND g.joined < g.size)
$$;

-- An installment plan card: an offered plan of a product on sale (retired
-- plans and archived products drop off the post, as in `plans::db::cards`).
CREATE FUNCTION post_shows_plan(post uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT EXISTS (
        SELECT 1 FROM post_plans pp
        JOIN installment_plans pl ON pl.id = pp.plan_id AND pl.active
        JOIN products p ON p.id = pp.product_id AND p.status = 'active'
        WHERE pp.post_id = post)
$$;

-- An order refunded in full or cancelled owes nothing more: its unpaid
-- instalments are cancelled with it (`plans::instalments::cancel_remaining`)
-- and the instalment job never charges them.
ALTER TABLE order_instalments DROP CONSTRAINT order_instalments_status_check;
ALTER TABLE order_instalments ADD CONSTRAINT order_instalments_status_check
    CHECK (status IN ('scheduled', 'paid', 'failed', 'cancelled'));
