//! The stock gate: every new checkout hold goes through one worker that
//! takes whatever holds are waiting and commits them in one transaction.
//! A hot variant (a celebrity's post, a flash sale) is then locked and
//! flushed to disk once per batch instead of once per buyer, so its row
//! stops being the queue everyone waits in. The same worker folds sold
//! reservations into the variants' numbers (see [`settle_sold`]).
//!
//! Each request is still all-or-nothing and answered on its own: the batch
//! checks requests in arrival order against the stock it locked, so a hold
//! that can't be met gets `SoldOut` while the others in the batch succeed.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use super::db::{settle_sold, sold_out_message, Hold};
use crate::error::{AppError, AppResult};

/// The most hold requests one transaction takes.
const MAX_BATCH: usize = 512;

/// A checkout's request to hold stock until `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldRequest {
    pub checkout_id: Uuid,
    pub holds: Vec<Hold>,
    pub until: DateTime<Utc>,
}

enum Job {
    Hold(HoldRequest, oneshot::Sender<AppResult<()>>),
    Settle,
}

/// A handle to the gate's worker; cheap to clone.
#[derive(Clone)]
pub struct StockGate {
    jobs: mpsc::UnboundedSender<Job>,
}

impl StockGate {
    /// Starts the worker on the current tokio runtime.
    pub fn start(pool: PgPool) -> StockGate {
        let (jobs, rx) = mpsc::unbounded_channel();
        tokio::spawn(worker(pool, rx));
        StockGate { jobs }
    }

    /// Holds `request.holds` for the checkout, all or none. A checkout that
    /// already holds stock (a second tab got there first) is left as it is.
    pub async fn hold(&self, request: HoldRequest) -> AppResult<()> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send(Job::Hold(request, reply)).map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }

    /// Asks the worker to fold sold reservations into stock numbers soon.
    /// The minute job does it too, so a lost nudge (a crash) loses nothing.
    pub fn settle_soon(&self) {
        let _ = self.jobs.send(Job::Settle);
    }
}

fn gone() -> AppError {
    tracing::error!("the stock gate's worker has stopped");
    AppError::Internal
}

async fn worker(pool: PgPool, mut rx: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut holds = Vec::new();
        let mut settle = false;
        let mut next = Some(first);
        while let Some(job) = next {
            match job {
                Job::Hold(request, reply) => holds.push((request, reply)),
                Job::Settle => settle = true,
            }
            next = if holds.len() < MAX_BATCH { rx.try_recv().ok() } else { None };
        }
        if !holds.is_empty() {
            run_holds(&pool, holds).await;
        }
        if settle {
            if let Err(e) = settle_sold(&pool).await {
                tracing::warn!(error = %e, "settling sold stock failed; the minute job will retry");
            }
        }
    }
}

/// Commits a batch, or, if the batch's transaction fails, each request in
/// a transaction of its own so one bad request can't fail the others.
async fn run_holds(pool: &PgPool, batch: Vec<(HoldRequest, oneshot::Sender<AppResult<()>>)>) {
    let (requests, replies): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
    match hold_batch(pool, &requests).await {
        Ok(answers) => {
            for (reply, answer) in replies.into_iter().zip(answers) {
                let _ = reply.send(answer);
            }
        }
        Err(e) if requests.len() > 1 => {
            tracing::warn!(error = %e, size = requests.len(), "a batch of stock holds failed; retrying one by one");
            for (request, reply) in requests.into_iter().zip(replies) {
                let answer = hold_batch(pool, std::slice::from_ref(&request)).await.and_then(|mut a| a.remove(0));
                let _ = reply.send(answer);
            }
        }
        Err(e) => {
            for reply in replies {
                let _ = reply.send(Err(e.clone()));
            }
        }
    }
}

/// Stock of one variant as the batch found it, locked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stock {
    pub available: i32,
    pub name: String,
}

/// A checkout as the batch found it, locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckoutState {
    pub open: bool,
    pub holding: bool,
}

/// The batch's decisions: an answer per request, in order, and the holds
/// to write (one entry per request that takes stock).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Allocation {
    pub answers: Vec<AppResult<()>>,
    pub granted: Vec<usize>,
}

/// Decides a batch in memory: requests in arrival order, each all or none
/// against what the requests before it left. Pure, so the rules are tested
/// without a database.
pub fn allocate(
    requests: &[HoldRequest],
    checkouts: &HashMap<Uuid, CheckoutState>,
    stock: &mut HashMap<Uuid, Stock>,
) -> Allocation {
    let mut out = Allocation::default();
    let mut holding: HashSet<Uuid> = checkouts.iter().filter(|(_, c)| c.holding).map(|(id, _)| *id).collect();
    for (i, request) in requests.iter().enumerate() {
        let answer = match checkouts.get(&request.checkout_id) {
            None => Err(AppError::NotFound("Checkout".into())),
            Some(c) if !c.open => Err(AppError::conflict("checkout", "This order was already placed.")),
            Some(_) if holding.contains(&request.checkout_id) => Ok(()),
            Some(_) => {
                match request.holds.iter().find(|h| stock.get(&h.variant_id).is_none_or(|s| s.available < h.quantity)) {
                    Some(short) => Err(match stock.get(&short.variant_id) {
                        Some(s) => AppError::SoldOut(sold_out_message(&s.name, s.available)),
                        None => AppError::NotFound("Variant".into()),
                    }),
                    None => {
                        for h in &request.holds {
                            if let Some(s) = stock.get_mut(&h.variant_id) {
                                s.available -= h.quantity;
                            }
                        }
                        holding.insert(request.checkout_id);
                        out.granted.push(i);
                        Ok(())
                    }
                }
            }
        };
        out.answers.push(answer);
    }
    out
}

/// One transaction for the whole batch: lock the checkouts, then the
/// variants (both in id order, as every other stock path does), decide in
/// memory, write everything with one statement per table, commit once.
async fn hold_batch(pool: &PgPool, requests: &[HoldRequest]) -> AppResult<Vec<AppResult<()>>> {
    let mut tx = pool.begin().await?;
    let checkout_ids: Vec<Uuid> = requests.iter().map(|r| r.checkout_id).collect();
    let checkouts = lock_checkouts(&mut tx, &checkout_ids).await?;
    let mut variant_ids: Vec<Uuid> = requests.iter().flat_map(|r| r.holds.iter().map(|h| h.variant_id)).collect();
    variant_ids.sort();
    variant_ids.dedup();
    let mut stock = lock_stock(&mut tx, &variant_ids).await?;
    let allocation = allocate(requests, &checkouts, &mut stock);
    write_holds(&mut tx, requests, &allocation.granted).await?;
    tx.commit().await?;
    Ok(allocation.answers)
}

async fn lock_checkouts(tx: &mut PgConnection, ids: &[Uuid]) -> AppResult<HashMap<Uuid, CheckoutState>> {
    let rows = sqlx::query!(
        r#"SELECT c.id, c.step IN ('contact', 'shipping', 'payment') AS "open!",
                  EXISTS (SELECT 1 FROM stock_reservations r WHERE r.checkout_id = c.id AND r.status = 'active') AS "holding!"
           FROM checkouts c WHERE c.id = ANY($1) ORDER BY c.id FOR UPDATE OF c"#,
        ids
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, CheckoutState { open: r.open, holding: r.holding })).collect())
}

async fn lock_stock(tx: &mut PgConnection, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Stock>> {
    let rows = sqlx::query!(
        r#"SELECT v.id, v.stock_on_hand - v.stock_reserved AS "available!", p.title, v.title AS variant_title
           FROM product_variants v JOIN products p ON p.id = v.product_id
           WHERE v.id = ANY($1) ORDER BY v.id FOR UPDATE OF v"#,
        ids
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, Stock { available: r.available, name: super::item_name(&r.title, &r.variant_title) }))
        .collect())
}

/// Writes the granted holds: reservations, the variants' reserved counts,
/// the ledger's `reserve` entries and each checkout's `reserved_until`.
async fn write_holds(tx: &mut PgConnection, requests: &[HoldRequest], granted: &[usize]) -> AppResult<()> {
    if granted.is_empty() {
        return Ok(());
    }
    let (mut ids, mut checkouts, mut variants, mut quantities, mut expiries) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for &i in granted {
        let request = &requests[i];
        for h in &request.holds {
            ids.push(Uuid::new_v4());
            checkouts.push(request.checkout_id);
            variants.push(h.variant_id);
            quantities.push(h.quantity);
            expiries.push(request.until);
        }
    }
    sqlx::query!(
        r#"WITH new AS (
               SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::timestamptz[])
                   AS t(id, checkout_id, variant_id, quantity, expires_at)),
           r AS (
               INSERT INTO stock_reservations (id, checkout_id, variant_id, quantity, expires_at)
               SELECT id, checkout_id, variant_id, quantity, expires_at FROM new),
           v AS (
               UPDATE product_variants pv SET stock_reserved = pv.stock_reserved + s.quantity
               FROM (SELECT variant_id, sum(quantity)::int AS quantity FROM new GROUP BY variant_id) s
               WHERE pv.id = s.variant_id),
           c AS (
               UPDATE checkouts ch SET reserved_until = e.until
               FROM (SELECT checkout_id, max(expires_at) AS until FROM new GROUP BY checkout_id) e
               WHERE ch.id = e.checkout_id)
           INSERT INTO inventory_movements (variant_id, kind, on_hand_delta, reserved_delta, reservation_id)
           SELECT variant_id, 'reserve', 0, quantity, id FROM new"#,
        &ids,
        &checkouts,
        &variants,
        &quantities,
        &expiries
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(checkout: Uuid, variant: Uuid, quantity: i32) -> HoldRequest {
        HoldRequest {
            checkout_id: checkout,
            holds: vec![Hold { variant_id: variant, quantity }],
            until: crate::clock::Clock::system().now(),
        }
    }

    fn open() -> CheckoutState {
        CheckoutState { open: true, holding: false }
    }

    #[test]
    fn requests_are_served_in_order_until_stock_runs_out() {
        let variant = Uuid::new_v4();
        let buyers: Vec<Uuid> = (0..4).map(|_| Uuid::new_v4()).collect();
        let checkouts = buyers.iter().map(|b| (*b, open())).collect();
        let mut stock = HashMap::from([(variant, Stock { available: 3, name: "Tote".into() })]);
        let requests: Vec<_> = buyers.iter().zip([2, 2, 1, 1]).map(|(b, q)| request(*b, variant, q)).collect();
        let out = allocate(&requests, &checkouts, &mut stock);
        assert_eq!(
            out.answers,
            vec![
                Ok(()),
                Err(AppError::SoldOut("Only 1 left of Tote.".into())),
                Ok(()),
                Err(AppError::SoldOut("Sold out: Tote.".into()))
            ]
        );
        assert_eq!(out.granted, vec![0, 2]);
        assert_eq!(stock[&variant].available, 0);
    }

    #[test]
    fn a_hold_is_all_or_nothing_across_variants() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let buyer = Uuid::new_v4();
        let mut stock = HashMap::from([
            (a, Stock { available: 5, name: "A".into() }),
            (b, Stock { available: 0, name: "B".into() }),
        ]);
        let both = HoldRequest {
            checkout_id: buyer,
            holds: vec![Hold { variant_id: a, quantity: 1 }, Hold { variant_id: b, quantity: 1 }],
            until: crate::clock::Clock::system().now(),
        };
        let out = allocate(&[both], &HashMap::from([(buyer, open())]), &mut stock);
        assert_eq!(out.answers, vec![Err(AppError::SoldOut("Sold out: B.".into()))]);
        assert!(out.granted.is_empty());
        assert_eq!(stock[&a].available, 5, "nothing taken from A");
    }

    #[test]
    fn a_checkout_holds_once_however_often_it_asks() {
        let variant = Uuid::new_v4();
        let (held, twice, placed, unknown) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let checkouts = HashMap::from([
            (held, CheckoutState { open: true, holding: true }),
            (twice, open()),
            (placed, CheckoutState { open: false, holding: false }),
        ]);
        let mut stock = HashMap::from([(variant, Stock { available: 10, name: "Tote".into() })]);
        let requests = [
            request(held, variant, 1),
            request(twice, variant, 2),
            request(twice, variant, 2),
            request(placed, variant, 1),
            request(unknown, variant, 1),
        ];
        let out = allocate(&requests, &checkouts, &mut stock);
        assert_eq!(out.granted, vec![1], "only the first of the second tab's requests takes stock");
        assert_eq!(stock[&variant].available, 8);
        assert!(out.answers[..3].iter().all(|a| a.is_ok()));
        assert!(matches!(out.answers[3], Err(AppError::Conflict { .. })));
        assert_eq!(out.answers[4], Err(AppError::NotFound("Checkout".into())));
    }

    mod db {
        use super::super::*;
        use crate::inventory::db::{reconcile, settle_sold};
        use crate::test_support::user;
        use crate::test_support::{checkout_for, count_true as futures_count, stocked_variant};

        #[sqlx::test(migrations = "../migrations")]
        async fn concurrent_buyers_through_the_gate_get_exactly_the_stock(pool: PgPool) {
            let owner = user(&pool, "maker").await;
            let variant = stocked_variant(&pool, owner, "maker_shop", 7).await;
            let gate = StockGate::start(pool.clone());
            let until = crate::clock::Clock::system().now() + chrono::Duration::minutes(10);
            let mut checkouts = Vec::new();
            for i in 0..40 {
                let buyer = user(&pool, &format!("buyer{i}")).await;
                checkouts.push(checkout_for(&pool, buyer, variant).await);
            }
            let tasks = checkouts.iter().map(|&checkout_id| {
                let gate = gate.clone();
                tokio::spawn(async move {
                    let holds = vec![Hold { variant_id: variant, quantity: 1 }];
                    match gate.hold(HoldRequest { checkout_id, holds, until }).await {
                        Ok(()) => true,
                        Err(AppError::SoldOut(message)) => {
                            assert_eq!(message, "Sold out: Linen shirt.");
                            false
                        }
                        Err(other) => panic!("unexpected {other:?}"),
                    }
                })
            });
            assert_eq!(futures_count(tasks).await, 7);
            let r = sqlx::query!("SELECT stock_on_hand, stock_reserved FROM product_variants WHERE id = $1", variant)
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!((r.stock_on_hand, r.stock_reserved), (7, 7));
            let until_set =
                sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM checkouts WHERE reserved_until IS NOT NULL"#)
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            assert_eq!(until_set, 7, "each granted checkout knows how long it holds");
            assert!(reconcile(&pool).await.unwrap().is_empty());

            // Asking again (a second tab) changes nothing for a checkout that holds.
            let holder =
                sqlx::query_scalar!("SELECT checkout_id FROM stock_reservations WHERE status = 'active' LIMIT 1")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            let holds = vec![Hold { variant_id: variant, quantity: 1 }];
            gate.hold(HoldRequest { checkout_id: holder, holds, until }).await.unwrap();
            let held = sqlx::query_scalar!(
                r#"SELECT count(*) AS "n!" FROM stock_reservations WHERE checkout_id = $1 AND status = 'active'"#,
                holder
            )
            .fetch_one(&pool)
            .await
            .unwrap();
            assert_eq!(held, 1, "never two holds for one checkout");
            assert_eq!(settle_sold(&pool).await.unwrap(), 0, "nothing sold yet");
        }
    }
}
