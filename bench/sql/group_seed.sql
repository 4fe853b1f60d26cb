-- Seeds a group rush into an empty Storefeed database (after migrations):
-- the flash sale's shop, variant (:stock units, sku FLASH-1) and :buyers
-- signed-in buyers with saved cards and addresses (flash_seed.sql, which
-- prints one `sf_session=…` cookie per buyer), a group deal on the variant,
-- and one open group of :size seats at the group price, none taken yet:
-- its organiser started it for others and took no seat, so every seat is
-- up for grabs.
-- psql -v stock=100 -v buyers=1000 -v size=10 -At -f group_seed.sql
\ir flash_seed.sql
\set QUIET on
BEGIN;
INSERT INTO users (id, username, email, password_hash, display_name)
VALUES ('00000000-0000-4000-8000-0000000061a1', 'group_organiser', 'group_organiser@example.test', '!', 'Group Organiser');
INSERT INTO group_deals (variant_id, product_id, shop_id, price_minor, currency, group_size, duration_hours, max_per_customer)
VALUES ('00000000-0000-4000-8000-00000000f1a8', '00000000-0000-4000-8000-00000000f1a7',
        '00000000-0000-4000-8000-00000000f1a6', 9000, 'USD', :size, 24, 1);
INSERT INTO buy_groups (id, variant_id, product_id, shop_id, organiser_id, price_minor, currency, size,
                        max_per_customer, expires_at)
VALUES ('00000000-0000-4000-8000-0000000061a2', '00000000-0000-4000-8000-00000000f1a8',
        '00000000-0000-4000-8000-00000000f1a7', '00000000-0000-4000-8000-00000000f1a6',
        '00000000-0000-4000-8000-0000000061a1', 9000, 'USD', :size, 1, app_now() + interval '24 hours');
COMMIT;
