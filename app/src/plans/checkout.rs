//! Paying an order by plan: choosing the plan on the checkout, what the
//! checkout charges now, and the schedule stored with the order.
//!
//! The rules: a plan pays for one product's order (every line of the
//! checkout is the plan's product), for a signed-in shopper who
//! pre-qualifies on the order total (goods, shipping and tax) and has a
//! saved card. The checkout charges what is due now (the down payment, or
//! the first instalment when the plan has none) to that card through
//! `checkout::place`, the same path as every payment; the later
//! instalments are charged to the same card by the instalment job.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::amortization::{self, Schedule};
use super::db::{applicant, offered, plans_of};
use super::{CheckoutPlans, Plan, PlanTerms};
use crate::cart::db::Owner;
use crate::checkout::db::{self as checkout_db, CheckoutRow};
use crate::checkout::place::{self, Card, Placement};
use crate::checkout::pricing::Priced;
use crate::error::{AppError, AppResult};
use crate::inventory::gate::StockGate;
use crate::money::Money;
use crate::payments::cards::{CardBrand, CardDetails};
use crate::payments::provider::{PaymentProvider, Source};

/// The field plan errors on the checkout name.
pub const FIELD: &str = "plan";

/// The plan as the payment agreed it, kept in the payment's snapshot so
/// the order built from it (even by the recovery job) stores this exact
/// schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSnapshot {
    pub plan_id: Uuid,
    pub terms: PlanTerms,
    pub schedule: Schedule,
    /// Charged at checkout.
    pub due_now: i64,
    /// The saved card later instalments are charged to.
    pub card_token: String,
    pub customer: String,
}

fn refused(message: impl Into<String>) -> AppError {
    AppError::validation(FIELD, message)
}

/// The checkout's lines all of `plan`'s product?
fn one_product(priced: &Priced, plan: &Plan) -> bool {
    !priced.lines.is_empty() && priced.lines.iter().all(|l| l.input.product_id == plan.product_id)
}

/// Checks `plan` for this checkout at its current price: the plan's
/// product only, the buyer signed in and pre-qualified on the total.
async fn check(conn: &mut PgConnection, row: &CheckoutRow, priced: &Priced, plan: &Plan) -> AppResult<Schedule> {
    if !one_product(priced, plan) || plan.currency != row.currency {
        return Err(refused("That plan isn't offered for this order: a plan pays for one product's order."));
    }
    let buyer = row.user_id.ok_or_else(|| refused("Sign in to pay by plan."))?;
    let total = Money::new(priced.totals.total, row.currency);
    let verdict =
        super::eligibility::verdict(applicant(conn, Some(buyer)).await?, total, plan.min_total, plan.max_total);
    if !verdict.qualifies() {
        return Err(refused(verdict.label()));
    }
    amortization::schedule(total.minor, &plan.terms)
        .ok_or_else(|| refused("This order is too small to split into that many payments."))
}

/// The buyer's default saved card: token, customer and what the card is.
async fn saved_card(conn: &mut PgConnection, user: Uuid) -> AppResult<Option<(String, CardDetails)>> {
    let card = sqlx::query!(
        "SELECT token, brand, last4, exp_month, exp_year FROM saved_cards WHERE user_id = $1 AND is_default",
        user
    )
    .fetch_optional(&mut *conn)
    .await?;
    card.map(|c| {
        let bad = |_| AppError::Internal;
        Ok((
            c.token,
            CardDetails {
                brand: CardBrand::from_name(&c.brand),
                last4: c.last4,
                exp_month: u8::try_from(c.exp_month).map_err(bad)?,
                exp_year: u16::try_from(c.exp_year).map_err(bad)?,
            },
        ))
    })
    .transpose()
}

/// Chooses `plan` for the buyer's open checkout, or pay in full (`None`).
/// A plan of another product or shop, a retired one, or one the buyer
/// doesn't pre-qualify for is refused (422) and nothing changes.
pub async fn choose(
    pool: &PgPool,
    buyer: Uuid,
    checkout: Uuid,
    plan: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let row = checkout_db::lock(&mut tx, checkout, &Owner::User(buyer)).await?;
    if !row.step.open() {
        return Err(AppError::conflict("checkout", "This order was already placed."));
    }
    if let Some(plan_id) = plan {
        let plan = offered(&mut tx, plan_id).await?.ok_or_else(|| refused("That plan is not available."))?;
        let (priced, _, _) = checkout_db::price(&mut tx, &row, now).await?;
        check(&mut tx, &row, &priced, &plan).await?;
    }
    sqlx::query!("UPDATE checkouts SET plan_id = $2 WHERE id = $1", checkout, plan).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// "Buy with plan" on a product page, as its form sent it.
#[derive(Debug, Clone, Copy)]
pub struct BuyWithPlan<'a> {
    pub buyer: Uuid,
    pub variant: Uuid,
    pub plan: Uuid,
    /// The attribution context the product was found through.
    pub ctx: Option<&'a str>,
}

/// "Buy with plan": puts one of the variant in the shopper's cart, opens
/// their checkout for its shop and chooses the plan there. Returns the
/// shop's handle (the checkout's address). A plan that is not the
/// variant's product's is refused before anything is written.
pub async fn start(
    pool: &PgPool,
    stock: &StockGate,
    tap: BuyWithPlan<'_>,
    now: DateTime<Utc>,
    ttl: std::time::Duration,
) -> AppResult<String> {
    let BuyWithPlan { buyer, variant, plan, ctx } = tap;
    let mut conn = pool.acquire().await?;
    let offered_plan = offered(&mut conn, plan).await?.ok_or_else(|| refused("That plan is not available."))?;
    let item = sqlx::query!(
        "SELECT v.product_id, s.handle FROM product_variants v JOIN shops s ON s.id = v.shop_id WHERE v.id = $1",
        variant
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::NotFound("Product".into()))?;
    if item.product_id != offered_plan.product_id {
        return Err(refused("That plan isn't offered for this product."));
    }
    drop(conn);
    crate::cart::db::add(pool, &Owner::User(buyer), variant, 1, ctx).await?;
    let checkout = checkout_db::open(pool, stock, buyer, &item.handle, now, ttl).await?;
    choose(pool, buyer, checkout, Some(plan), now).await?;
    Ok(item.handle)
}

/// What the checkout page shows of plans: those offered for its one
/// product, quoted at its total, and the one chosen (with why it can't be
/// used, if it can't). `None` when the checkout isn't one product's with
/// plans.
pub async fn for_view(conn: &mut PgConnection, row: &CheckoutRow, priced: &Priced) -> AppResult<Option<CheckoutPlans>> {
    let Some(first) = priced.lines.first() else { return Ok(None) };
    let product = first.input.product_id;
    if priced.lines.iter().any(|l| l.input.product_id != product) {
        return Ok(None);
    }
    let plans = plans_of(conn, product, true).await?;
    let chosen_id =
        sqlx::query_scalar!("SELECT plan_id FROM checkouts WHERE id = $1", row.id).fetch_one(&mut *conn).await?;
    if plans.is_empty() && chosen_id.is_none() {
        return Ok(None);
    }
    let who = applicant(conn, row.user_id).await?;
    let total = Money::new(priced.totals.total, row.currency);
    let offered_quotes: Vec<_> = plans.iter().filter_map(|p| p.quote(total, who)).collect();
    let mut problem = None;
    let mut card = None;
    if let Some(id) = chosen_id {
        match plans.iter().find(|p| p.id == id) {
            Some(plan) => {
                if let Err(e) = check(conn, row, priced, plan).await {
                    problem = Some(e.to_string());
                }
            }
            None => problem = Some("That plan is no longer offered. Choose another or pay in full.".into()),
        }
        if let Some(user) = row.user_id {
            match saved_card(conn, user).await? {
                Some((_, details)) => card = Some(format!("{} •••• {}", details.brand.name(), details.last4)),
                None => {
                    problem.get_or_insert_with(|| {
                        "Save a card in Payment and shipping to pay by plan: later instalments are charged to it."
                            .into()
                    });
                }
            }
        }
    }
    let chosen = chosen_id.and_then(|id| offered_quotes.iter().find(|q| q.plan_id == id).cloned());
    Ok(Some(CheckoutPlans { offered: offered_quotes, chosen, problem, card }))
}

/// The plan a payment for this checkout agrees to, checked afresh, or
/// `None` when the checkout pays in full. Called by `checkout::place`
/// inside the transaction that records the payment.
pub async fn for_payment(
    conn: &mut PgConnection,
    row: &CheckoutRow,
    priced: &Priced,
) -> AppResult<Option<PlanSnapshot>> {
    let chosen =
        sqlx::query_scalar!("SELECT plan_id FROM checkouts WHERE id = $1", row.id).fetch_one(&mut *conn).await?;
    let Some(plan_id) = chosen else { return Ok(None) };
    let plan = offered(conn, plan_id)
        .await?
        .ok_or_else(|| refused("That plan is no longer offered. Choose another or pay in full."))?;
    let schedule = check(conn, row, priced, &plan).await?;
    let buyer = row.user_id.ok_or_else(|| refused("Sign in to pay by plan."))?;
    let (card_token, _) =
        saved_card(conn, buyer).await?.ok_or_else(|| refused("Save a card in Payment and shipping to pay by plan."))?;
    Ok(Some(PlanSnapshot {
        plan_id,
        terms: plan.terms,
        due_now: amortization::due_at_checkout(&schedule),
        schedule,
        card_token,
        customer: crate::wallet::db::customer(buyer),
    }))
}

/// Whether the checkout has a plan chosen (then it is paid with the saved
/// card, not on the hosted page, whose one-time token can't pay later
/// instalments).
pub async fn chosen(conn: &mut PgConnection, checkout: Uuid) -> AppResult<bool> {
    Ok(sqlx::query_scalar!("SELECT plan_id FROM checkouts WHERE id = $1", checkout)
        .fetch_optional(conn)
        .await?
        .flatten()
        .is_some())
}

/// Pays the buyer's checkout by its plan: what is due now, with their
/// saved card, exactly the amount the button showed (`shown`).
pub async fn pay(
    pool: &PgPool,
    provider: &dyn PaymentProvider,
    buyer: Uuid,
    checkout: Uuid,
    shown: Money,
    now: DateTime<Utc>,
    ttl: std::time::Duration,
) -> AppResult<Uuid> {
    let mut conn = pool.acquire().await?;
    if !chosen(&mut conn, checkout).await? {
        return Err(refused("Choose a plan first."));
    }
    let (token, details) = saved_card(&mut conn, buyer)
        .await?
        .ok_or_else(|| refused("Save a card in Payment and shipping to pay by plan."))?;
    drop(conn);
    let customer = crate::wallet::db::customer(buyer);
    let card = Card { source: Source::Saved { token: &token, customer: &customer }, details: &details };
    place::place(pool, provider, Placement { checkout, buyer: Owner::User(buyer), card, shown }, now, ttl).await
}

/// Stores the order's plan and instalments, in the transaction that builds
/// the order: the first (paid now) as paid, the others scheduled from
/// `placed_at`'s date.
pub async fn record(
    tx: &mut PgConnection,
    order: Uuid,
    currency: crate::money::Currency,
    plan: &PlanSnapshot,
    placed_at: DateTime<Utc>,
) -> AppResult<()> {
    let t = &plan.terms;
    let s = &plan.schedule;
    sqlx::query!(
        "INSERT INTO order_plans (order_id, plan_id, payments, frequency, apr_bp, down_payment_bp, fee_minor,
                                  financed_minor, total_interest_minor, total_cost_minor, card_token, customer)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        order,
        plan.plan_id,
        i16::from(t.payments),
        t.frequency.as_str(),
        i32::from(t.apr_bp),
        i32::from(t.down_payment_bp),
        t.fee_minor,
        s.financed,
        s.total_interest,
        s.total_cost,
        plan.card_token,
        plan.customer
    )
    .execute(&mut *tx)
    .await?;
    let start = placed_at.date_naive();
    for (seq, amount) in amortization::instalments(s).into_iter().enumerate() {
        let seq32 = u32::try_from(seq).map_err(|_| AppError::Internal)?;
        let due = amortization::due_on(start, t.frequency, seq32).ok_or(AppError::Internal)?;
        let paid = seq == 0;
        sqlx::query!(
            "INSERT INTO order_instalments (order_id, seq, due_on, amount_minor, currency, status, paid_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            order,
            i16::try_from(seq).map_err(|_| AppError::Internal)?,
            due,
            amount,
            currency.code(),
            if paid { "paid" } else { "scheduled" },
            paid.then_some(placed_at)
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
