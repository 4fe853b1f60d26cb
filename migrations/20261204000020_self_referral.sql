-- Self-referral: a touch whose buyer is one of the creators it would credit
-- (the post's author or a co-author), or the owner of the shop that made
-- the sale, still shows on the touch path and in the dashboards but earns
-- no commission (attribution::crediting marks it when the journey is fixed).
ALTER TABLE order_line_touches ADD COLUMN self_referral boolean NOT NULL DEFAULT false;
