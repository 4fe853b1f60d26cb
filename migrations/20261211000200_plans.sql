-- Installment plans (app/src/plans): a shop's payment plans per product,
-- plans linked to posts as cards, and the schedule of an order paid by
-- plan. The terms' limits are checked here as well as by `PlanForm::parse`,
-- so no code path can store a plan over 36% APR or with a down payment
-- over 100%. A plan's terms never change once saved (the shop retires a
-- plan and adds another): posts and orders quote them.
CREATE TABLE installment_plans (
    id               uuid PRIMARY KEY,
    product_id       uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    shop_id          uuid NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    payments         smallint NOT NULL CHECK (payments BETWEEN 2 AND 24),
    frequency        text NOT NULL CHECK (frequency IN ('monthly', 'biweekly')),
    apr_bp           integer NOT NULL CHECK (apr_bp BETWEEN 0 AND 3600),
    down_payment_bp  integer NOT NULL DEFAULT 0 CHECK (down_payment_bp BETWEEN 0 AND 10000),
    fee_minor        bigint NOT NULL DEFAULT 0 CHECK (fee_minor >= 0),
    -- Eligibility: the order total must be within these (either may be unset).
    min_total_minor  bigint CHECK (min_total_minor IS NULL OR min_total_minor >= 0),
    max_total_minor  bigint CHECK (max_total_minor IS NULL OR max_total_minor >= 0),
    active           boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT app_now(),
    updated_at       timestamptz NOT NULL DEFAULT app_now(),
    CHECK (min_total_minor IS NULL OR max_total_minor IS NULL OR min_total_minor <= max_total_minor)
);
CREATE INDEX installment_plans_product_idx ON installment_plans (product_id, payments);
CREATE TRIGGER installment_plans_updated_at BEFORE UPDATE ON installment_plans
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Plans a post shows as cards (the seed's PostInstallmentPlan): at most
-- three per post (counted under the post's lock by `plans::db::link`),
-- each once, at most one featured (highlighted in the comparison).
CREATE TABLE post_plans (
    post_id        uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    plan_id        uuid NOT NULL REFERENCES installment_plans (id) ON DELETE CASCADE,
    product_id     uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    display_order  smallint NOT NULL CHECK (display_order BETWEEN 0 AND 2),
    is_featured    boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT app_now(),
    PRIMARY KEY (post_id, plan_id),
    UNIQUE (post_id, display_order)
);
CREATE INDEX post_plans_plan_idx ON post_plans (plan_id);
CREATE INDEX post_plans_product_idx ON post_plans (product_id);
CREATE UNIQUE INDEX post_plans_featured_key ON post_plans (post_id) WHERE is_featured;

-- The plan a checkout pays by, chosen on the checkout page.
ALTER TABLE checkouts ADD COLUMN plan_id uuid REFERENCES installment_plans (id);

-- An order paid by plan: the terms as agreed (the plan row may be retired
-- later) and its instalments. Instalment 0 is what was paid at checkout
-- (the down payment, or the first instalment when there is none); the
-- others are charged on their due date by the instalment job.
CREATE TABLE order_plans (
    order_id         uuid PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    plan_id          uuid NOT NULL REFERENCES installment_plans (id),
    payments         smallint NOT NULL CHECK (payments BETWEEN 2 AND 24),
    frequency        text NOT NULL CHECK (frequency IN ('monthly', 'biweekly')),
    apr_bp           integer NOT NULL CHECK (apr_bp BETWEEN 0 AND 3600),
    down_payment_bp  integer NOT NULL CHECK (down_payment_bp BETWEEN 0 AND 10000),
    fee_minor        bigint NOT NULL CHECK (fee_minor >= 0),
    financed_minor   bigint NOT NULL CHECK (financed_minor >= 0),
    total_interest_minor bigint NOT NULL CHECK (total_interest_minor >= 0),
    total_cost_minor bigint NOT NULL CHECK (total_cost_minor >= 0),
    -- The saved card later instalments are charged to (the wallet's token).
    card_token       text,
    customer         text,
    created_at       timestamptz NOT NULL DEFAULT app_now()
);

CREATE TABLE order_instalments (
    order_id      uuid NOT NULL REFERENCES order_plans (order_id) ON DELETE CASCADE,
    seq           smallint NOT NULL CHECK (seq BETWEEN 0 AND 24),
    due_on        date NOT NULL,
    amount_minor  bigint NOT NULL CHECK (amount_minor >= 0),
    currency      text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    status        text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'paid', 'failed')),
    attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- A failed instalment is tried again from then (the job's clock).
    retry_at      timestamptz,
    provider_ref  text,
    failure       text CHECK (failure IS NULL OR char_length(failure) <= 500),
    paid_at       timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT app_now(),
    PRIMARY KEY (order_id, seq),
    CHECK ((status = 'paid') = (paid_at IS NOT NULL))
);
-- The instalment job's queue: what is due and not yet paid.
CREATE INDEX order_instalments_due_idx ON order_instalments (due_on) WHERE status <> 'paid';
CREATE TRIGGER order_instalments_updated_at BEFORE UPDATE ON order_instalments
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
