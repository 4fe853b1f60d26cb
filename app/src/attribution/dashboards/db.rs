//! The dashboards' queries. Figures come from the credits under each shop's
//! own model (its `model_key`), the commissions, and the events; revenue is
//! the lines' attributable amount (see crediting's `rules::attributable`), so
//! a shop's creators plus "unattributed" add up exactly to its revenue.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{
    Conversion, CreatorDashboard, CreatorRevenue, DailySeries, DayAmount, Earner, Funnel, ModelComparison, Period,
    PostPerformance, SettingsForm, ShopDashboard, TOP_CREATORS,
};
use crate::attribution::crediting::engine::{self, Model};
use crate::attribution::crediting::rules::{model_key, models_kept};
use crate::attribution::rates::rules::rate_text;
use crate::error::AppResult;
use crate::money::{Currency, CurrencyTotals, Money};
use crate::shops::Shop;

/// Event counts of one post over a period.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    impressions: i64,
    tag_taps: i64,
    add_to_carts: i64,
}

/// The posts' event counts over the period's month (from `post_event_totals`).
async fn event_counts(pool: &PgPool, posts: &[Uuid], p: &Period) -> AppResult<HashMap<Uuid, Counts>> {
    if posts.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = sqlx::query!(
        "SELECT post_id, impressions, tag_taps, add_to_carts FROM post_event_totals WHERE post_id = ANY($1) AND month = $2",
        posts,
        p.month()
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let counts = Counts { impressions: r.impressions, tag_taps: r.tag_taps, add_to_carts: r.add_to_carts };
            (r.post_id, counts)
        })
        .collect())
}

/// The posts' first words as `viewer` may read them (the one visibility
/// rule, `post_visible_to`): a post they may not see, such as a private
/// account's or a deleted one, is named without its text.
async fn excerpts(pool: &PgPool, posts: &[Uuid], viewer: Uuid) -> AppResult<HashMap<Uuid, String>> {
    let rows = sqlx::query!(
        "SELECT p.id, CASE WHEN post_visible_to(p, $2) THEN p.body END AS body FROM posts p WHERE p.id = ANY($1)",
        posts,
        viewer
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.body.map_or_else(|| HIDDEN_POST.to_string(), |b| excerpt(&b)))).collect())
}

/// What a dashboard shows for a post its reader may not see.
const HIDDEN_POST: &str = "(a post you can't see)";

/// The first words of a post for a table cell.
pub fn excerpt(body: &str) -> String {
    let flat: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.is_empty() {
        return "(photo)".into();
    }
    match flat.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &flat[..i]),
        None => flat,
    }
}

/// The rows' amounts summed per currency (a currency that nets to zero is
/// left out).
fn sum_by_currency(rows: impl IntoIterator<Item = (String, i64)>) -> AppResult<CurrencyTotals> {
    let mut out = CurrencyTotals::new();
    for (code, amount) in rows {
        out.add(Money::new(amount, Currency::parse(&code)?));
    }
    Ok(out.without_zeros())
}

fn daily<D: Datelike>(period: &Period, rows: impl IntoIterator<Item = (D, i64)>) -> Vec<DayAmount> {
    let mut days: Vec<DayAmount> = (1..=period.days()).map(|day| DayAmount { day, amount_minor: 0 }).collect();
    for (at, amount) in rows {
        if let Some(d) = days.get_mut(at.day0() as usize) {
            d.amount_minor += amount;
        }
    }
    days
}

/// The signed-in creator's dashboard.
pub async fn creator(pool: &PgPool, creator: Uuid, p: &Period) -> AppResult<CreatorDashboard> {
    // The creator's credits under each shop's own model, with the rate of
    // the line's commission.
    let credits = sqlx::query!(
        r#"SELECT c.order_line_id, c.post_id, c.amount_minor, c.currency, c.purchased_at,
                  coalesce(m.rate_bp, 0) AS "rate_bp!", coalesce(t.self_referral, false) AS "self_referral!"
           FROM attribution_credits c
           LEFT JOIN attribution_settings s ON s.shop_id = c.shop_id
           LEFT JOIN commissions m ON m.order_line_id = c.order_line_id AND m.creator_id = c.creator_id
           LEFT JOIN order_line_touches t ON t.order_line_id = c.order_line_id AND t.touch_id = c.touch_id
           WHERE c.creator_id = $1 AND c.purchased_at >= $2 AND c.purchased_at < $3
             AND c.model_key = coalesce(s.model_key, 'last_click')"#,
        creator,
        p.start,
        p.end
    )
    .fetch_all(pool)
    .await?;
    let revenue = sum_by_currency(credits.iter().map(|c| (c.currency.clone(), c.amount_minor)))?;
    let daily_series: Vec<DailySeries> = revenue
        .currencies()
        .map(|currency| DailySeries {
            currency,
            days: daily(
                p,
                credits.iter().filter(|c| c.currency == currency.code()).map(|c| (c.purchased_at, c.amount_minor)),
            ),
        })
        .collect();

    let balances = sqlx::query!(
        r#"SELECT status, currency, sum(amount_minor)::bigint AS "amount!" FROM commissions
           WHERE creator_id = $1 AND status IN ('pending', 'payable') GROUP BY status, currency"#,
        creator
    )
    .fetch_all(pool)
    .await?;
    let balance = |status: &str| {
        sum_by_currency(balances.iter().filter(|b| b.status == status).map(|b| (b.currency.clone(), b.amount)))
    };

    // The creator's credits per post, in one pass, each currency apart (a
    // post may tag products of shops selling in different currencies). A
    // self-referred credit earns no commission, even on a line where
    // another touch of the creator's does.
    let mut per_post: HashMap<Uuid, PostCredits> = HashMap::new();
    for c in &credits {
        let Some(post) = c.post_id else { continue };
        let currency = Currency::parse(&c.currency)?;
        let e = per_post.entry(post).or_default();
        e.revenue.add(Money::new(c.amount_minor, currency));
        let commission = if c.self_referral {
            e.self_lines.insert(c.order_line_id);
            0
        } else {
            engine::commission(c.amount_minor, c.rate_bp as u32)
        };
        e.commission.add(Money::new(commission, currency));
        e.lines.insert(c.order_line_id);
    }
    // Every post of the creator's with activity or credit this month.
    let mut post_ids: Vec<Uuid> = sqlx::query_scalar!(
        "SELECT t.post_id FROM post_event_totals t JOIN posts p ON p.id = t.post_id WHERE p.author_id = $1 AND t.month = $2",
        creator,
        p.month()
    )
    .fetch_all(pool)
    .await?;
    let known: std::collections::HashSet<Uuid> = post_ids.iter().copied().collect();
    post_ids.extend(per_post.keys().filter(|post| !known.contains(post)));
    let counts = event_counts(pool, &post_ids, p).await?;
    let names = excerpts(pool, &post_ids, creator).await?;
    let mut posts: Vec<PostPerformance> = Vec::with_capacity(post_ids.len());
    for post in post_ids {
        let credited = per_post.remove(&post).unwrap_or_default();
        let c = counts.get(&post).copied().unwrap_or_default();
        posts.push(PostPerformance {
            post_id: post,
            excerpt: names.get(&post).cloned().unwrap_or_default(),
            impressions: c.impressions,
            tag_taps: c.tag_taps,
            add_to_carts: c.add_to_carts,
            purchases: credited.lines.len() as i64,
            revenue: credited.revenue,
            commission: Some(credited.commission),
            self_purchases: Some(credited.self_lines.len() as i64),
        });
    }
    sort_posts(&mut posts, revenue.first_currency());
    let funnel = Funnel {
        impressions: posts.iter().map(|x| x.impressions).sum(),
        tag_taps: posts.iter().map(|x| x.tag_taps).sum(),
        add_to_carts: posts.iter().map(|x| x.add_to_carts).sum(),
        purchases: posts.iter().map(|x| x.purchases).sum(),
    };
    Ok(CreatorDashboard {
        month: p.label(),
        revenue,
        commission_pending: balance("pending")?,
        commission_payable: balance("payable")?,
        daily: daily_series,
        funnel,
        posts,
    })
}

/// One post's credits to the creator in the month, per currency.
#[derive(Default)]
struct PostCredits {
    revenue: CurrencyTotals,
    commission: CurrencyTotals,
    lines: std::collections::HashSet<Uuid>,
    /// Lines credited through a self-referred touch.
    self_lines: std::collections::HashSet<Uuid>,
}

/// Best first: by revenue in `currency` (amounts in different currencies
/// are not comparable, so one ranks), then purchases, taps, impressions.
fn sort_posts(posts: &mut [PostPerformance], currency: Option<Currency>) {
    let revenue = |p: &PostPerformance| currency.map_or(0, |c| p.revenue.get(c).minor);
    posts.sort_by(|a, b| {
        (revenue(b), b.purchases, b.tag_taps, b.impressions).cmp(&(revenue(a), a.purchases, a.tag_taps, a.impressions))
    });
}

/// The shop's active model.
async fn active_model(pool: &PgPool, shop: Uuid) -> AppResult<engine::Settings> {
    let mut conn = pool.acquire().await?;
    crate::attribution::crediting::db::settings(&mut conn, shop).await
}

/// How many posts the dashboards list (the CSV of a creator lists theirs all).
pub const TOP_POSTS: i64 = 50;

/// The shop's dashboard. Every figure is aggregated by PostgreSQL: a shop
/// with hundreds of thousands of credited lines sends back only sums.
/// `now` is the app's clock: it decides which rates are in effect.
pub async fn shop(pool: &PgPool, shop: &Shop, p: &Period, now: DateTime<Utc>) -> AppResult<ShopDashboard> {
    let settings = active_model(pool, shop.id).await?;
    let key = model_key(&settings.model);
    let money = |minor: i64| Money::new(minor, shop.currency);

    // Revenue per day (kept by PostgreSQL from each line's attributable
    // amount as it is credited; see the rollups migration).
    let days = sqlx::query!(
        "SELECT day, amount_minor, lines FROM revenue_days WHERE shop_id = $1 AND day >= $2 AND day < $3",
        shop.id,
        p.month(),
        p.end.date_naive()
    )
    .fetch_all(pool)
    .await?;
    let revenue: i64 = days.iter().map(|d| d.amount_minor).sum();
    let line_count: i64 = days.iter().map(|d| d.lines).sum();
    let daily = daily(p, days.iter().map(|d| (d.day, d.amount_minor)));

    // Revenue by creator under every kept model (from the monthly rollup):
    // the top creators by name, the rest summed, and whatever no creator
    // earned (organic touches, lines without a touch) as "unattributed".
    let keys: Vec<String> = models_kept(&settings.model).iter().map(model_key).collect();
    let rolled = sqlx::query!(
        r#"SELECT model_key, dimension, key, amount_minor, lines FROM credit_rollups
           WHERE shop_id = $1 AND month = $2 AND model_key = ANY($3) AND dimension IN ('creator', 'credited')"#,
        shop.id,
        p.month(),
        &keys
    )
    .fetch_all(pool)
    .await?;
    let mut totals = CreatorTotals::default();
    for r in rolled {
        let creator = (r.key != Uuid::nil()).then_some(r.key);
        match (r.dimension.as_str(), creator) {
            ("creator", Some(creator)) => totals.credits.push(CreatorCredit {
                model_key: r.model_key,
                creator,
                amount: r.amount_minor,
                lines: r.lines,
            }),
            ("credited", _) if r.model_key == key => totals.credited_lines = r.lines,
            _ => {}
        }
    }
    let top = totals.top(&key);
    let names: HashMap<Uuid, String> = sqlx::query!("SELECT id, username FROM users WHERE id = ANY($1)", &top)
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|r| (r.id, r.username))
        .collect();
    let earner = |id: Uuid| Earner::Creator { id, username: names.get(&id).cloned().unwrap_or_default() };
    let tables = totals.tables(&top, &keys, &key, revenue, line_count, earner);
    let by_creator = tables
        .by_creator
        .into_iter()
        .map(|(earner, amount, lines)| CreatorRevenue { earner, revenue: money(amount), lines })
        .collect();

    // The posts that earned most.
    let top = sqlx::query!(
        r#"SELECT key AS post_id, amount_minor AS amount, lines FROM credit_rollups
           WHERE shop_id = $1 AND month = $2 AND model_key = $3 AND dimension = 'post' AND lines > 0
           ORDER BY amount_minor DESC, lines DESC, key LIMIT $4"#,
        shop.id,
        p.month(),
        key,
        TOP_POSTS
    )
    .fetch_all(pool)
    .await?;
    let post_ids: Vec<Uuid> = top.iter().map(|t| t.post_id).collect();
    let counts = event_counts(pool, &post_ids, p).await?;
    let owner = sqlx::query_scalar!("SELECT owner_id FROM shops WHERE id = $1", shop.id).fetch_one(pool).await?;
    let names = excerpts(pool, &post_ids, owner).await?;
    let by_post: Vec<PostPerformance> = top
        .iter()
        .map(|t| {
            let c = counts.get(&t.post_id).copied().unwrap_or_default();
            PostPerformance {
                post_id: t.post_id,
                excerpt: names.get(&t.post_id).cloned().unwrap_or_default(),
                impressions: c.impressions,
                tag_taps: c.tag_taps,
                add_to_carts: c.add_to_carts,
                purchases: t.lines,
                revenue: money(t.amount).into(),
                commission: None,
                self_purchases: None,
            }
        })
        .collect();

    let models = models_kept(&settings.model);
    let comparison = ModelComparison {
        models: models.iter().map(Model::label).collect(),
        active: models.iter().position(|m| *m == settings.model).unwrap_or(0),
        rows: tables
            .comparison
            .into_iter()
            .map(|(earner, amounts)| (earner, amounts.into_iter().map(money).collect()))
            .collect(),
    };
    let (tagged, untagged) = conversion(pool, shop.id, &key, p).await?;
    let rate = crate::attribution::rates::db::current_default_rate(pool, shop.id, p.end.min(now)).await?;
    let (half_life, first, last) = match settings.model {
        Model::TimeDecay { half_life_hours } => (half_life_hours, 70, 30),
        Model::CustomSplit { first_bp, last_bp } => (Model::DEFAULT_HALF_LIFE_HOURS, first_bp / 100, last_bp / 100),
        _ => (Model::DEFAULT_HALF_LIFE_HOURS, 70, 30),
    };
    Ok(ShopDashboard {
        shop_handle: shop.handle.clone(),
        shop_name: shop.name.clone(),
        month: p.label(),
        revenue: money(revenue),
        daily,
        by_creator,
        by_post,
        tagged,
        untagged,
        comparison,
        settings: SettingsForm {
            click_window_days: (settings.click_window.num_hours() / 24) as u32,
            view_window_hours: settings.view_window.num_hours() as u32,
            model: settings.model.code().to_string(),
            half_life_hours: half_life,
            first_pct: first,
            last_pct: last,
            default_rate_pct: rate_text(rate),
        },
        special_rates: crate::attribution::rates::db::special_rates(pool, shop.id, now).await?,
        products: crate::attribution::rates::db::products(pool, shop.id).await?,
    })
}

/// One creator's credits under one model in the month.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CreatorCredit {
    model_key: String,
    creator: Uuid,
    amount: i64,
    lines: i64,
}

/// The month's credits per creator and model, and how many lines any
/// creator has credit on under the shop's model.
#[derive(Debug, Default)]
struct CreatorTotals {
    credits: Vec<CreatorCredit>,
    credited_lines: i64,
}

/// The shop's creator tables, amounts in minor units.
#[derive(Debug, PartialEq, Eq)]
struct CreatorTables {
    /// (who, amount, lines) under the shop's model.
    by_creator: Vec<(Earner, i64, i64)>,
    /// (who, one amount per kept model).
    comparison: Vec<(Earner, Vec<i64>)>,
}

impl CreatorTotals {
    /// The creators listed by name: most credited under `active` first, then
    /// by what they earn under all models (so a creator only another model
    /// credits still shows in the comparison), then by id, at most
    /// [`TOP_CREATORS`].
    fn top(&self, active: &str) -> Vec<Uuid> {
        let mut per: HashMap<Uuid, (i64, i64)> = HashMap::new();
        for c in &self.credits {
            let e = per.entry(c.creator).or_default();
            if c.model_key == active {
                e.0 += c.amount;
            }
            e.1 += c.amount;
        }
        let mut ranked: Vec<(Uuid, (i64, i64))> = per.into_iter().filter(|(_, (_, all))| *all > 0).collect();
        ranked.sort_by(|(a, x), (b, y)| (y.0, y.1).cmp(&(x.0, x.1)).then(a.cmp(b)));
        ranked.into_iter().take(TOP_CREATORS as usize).map(|(id, _)| id).collect()
    }

    /// Revenue by creator under `active` and the model comparison, each with
    /// the top creators, one row for the others and one for what no creator
    /// earned; every column adds up to `revenue`.
    fn tables(
        &self,
        top: &[Uuid],
        keys: &[String],
        active: &str,
        revenue: i64,
        line_count: i64,
        earner: impl Fn(Uuid) -> Earner,
    ) -> CreatorTables {
        let column = |key: &str| keys.iter().position(|k| k == key);
        let mut named: Vec<(Vec<i64>, i64)> = vec![(vec![0; keys.len()], 0); top.len()];
        let mut others = (vec![0; keys.len()], 0i64);
        let mut other_creators: std::collections::HashSet<Uuid> = Default::default();
        let mut other_active: std::collections::HashSet<Uuid> = Default::default();
        let mut credited = vec![0i64; keys.len()];
        for c in &self.credits {
            let Some(col) = column(&c.model_key) else { continue };
            credited[col] += c.amount;
            let row = match top.iter().position(|id| *id == c.creator) {
                Some(i) => &mut named[i],
                None => {
                    other_creators.insert(c.creator);
                    if c.model_key == active {
                        other_active.insert(c.creator);
                    }
                    &mut others
                }
            };
            row.0[col] += c.amount;
            if c.model_key == active {
                row.1 += c.lines;
            }
        }
        let active_col = column(active).unwrap_or(0);
        let unattributed: Vec<i64> = credited.iter().map(|c| revenue - c).collect();

        let mut by_creator: Vec<(Earner, i64, i64)> = top
            .iter()
            .zip(&named)
            .filter(|(_, (amounts, _))| amounts[active_col] > 0)
            .map(|(id, (amounts, lines))| (earner(*id), amounts[active_col], *lines))
            .collect();
        if !other_active.is_empty() {
            by_creator.push((Earner::Others { creators: other_active.len() as i64 }, others.0[active_col], others.1));
        }
        if unattributed[active_col] != 0 {
            by_creator.push((
                Earner::Unattributed,
                unattributed[active_col],
                (line_count - self.credited_lines).max(0),
            ));
        }

        let mut comparison: Vec<(Earner, Vec<i64>)> =
            top.iter().zip(named).map(|(id, (amounts, _))| (earner(*id), amounts)).collect();
        if !other_creators.is_empty() {
            comparison.push((Earner::Others { creators: other_creators.len() as i64 }, others.0));
        }
        if unattributed.iter().any(|u| *u != 0) {
            comparison.push((Earner::Unattributed, unattributed));
        }
        CreatorTables { by_creator, comparison }
    }
}

/// Conversion of posts featuring the shop's products that tag one on a
/// photo ("tagged") and of those linking them only as cards ("untagged"):
/// their impressions and tag taps, and the lines credited to them under
/// the shop's model (all from the monthly rollups).
async fn conversion(pool: &PgPool, shop: Uuid, key: &str, p: &Period) -> AppResult<(Conversion, Conversion)> {
    let seen = sqlx::query!(
        "SELECT tagged, impressions, tag_taps FROM conversion_rollups WHERE shop_id = $1 AND month = $2",
        shop,
        p.month()
    )
    .fetch_all(pool)
    .await?;
    let bought = sqlx::query!(
        "SELECT dimension, lines FROM credit_rollups
         WHERE shop_id = $1 AND month = $2 AND model_key = $3 AND dimension IN ('tagged', 'untagged')",
        shop,
        p.month(),
        key
    )
    .fetch_all(pool)
    .await?;
    let pick = |tagged: bool| {
        let s = seen.iter().find(|r| r.tagged == tagged);
        let dimension = if tagged { "tagged" } else { "untagged" };
        Conversion {
            impressions: s.map(|r| r.impressions).unwrap_or(0),
            tag_taps: s.map(|r| r.tag_taps).unwrap_or(0),
            purchases: bought.iter().find(|r| r.dimension == dimension).map(|r| r.lines).unwrap_or(0),
        }
    };
    Ok((pick(true), pick(false)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_short_and_one_line() {
        assert_eq!(excerpt("  New\nlinen  "), "New linen");
        assert_eq!(excerpt(""), "(photo)");
        assert_eq!(excerpt(&"é".repeat(100)).chars().count(), 61);
    }

    fn credit(model_key: &str, creator: Uuid, amount: i64, lines: i64) -> CreatorCredit {
        CreatorCredit { model_key: model_key.into(), creator, amount, lines }
    }

    fn named(id: Uuid) -> Earner {
        Earner::Creator { id, username: id.to_string() }
    }

    #[test]
    fn a_creator_only_another_model_credits_still_shows_in_the_comparison() {
        let (x, y) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let keys: Vec<String> = vec!["last_click".into(), "first_click".into()];
        let totals = CreatorTotals {
            credits: vec![credit("last_click", x, 5000, 1), credit("first_click", y, 5000, 1)],
            credited_lines: 1,
        };
        let top = totals.top("last_click");
        assert_eq!(top, vec![x, y], "the active model's earner ranks first");
        let t = totals.tables(&top, &keys, "last_click", 8000, 3, named);
        assert_eq!(
            t.by_creator,
            vec![(named(x), 5000, 1), (Earner::Unattributed, 3000, 2)],
            "y earned nothing under last click; unattributed completes the revenue"
        );
        assert_eq!(
            t.comparison,
            vec![(named(x), vec![5000, 0]), (named(y), vec![0, 5000]), (Earner::Unattributed, vec![3000, 3000]),]
        );
    }

    #[test]
    fn creators_beyond_the_top_share_one_row_and_every_column_sums_to_revenue() {
        let creators: Vec<Uuid> = (1..=(TOP_CREATORS as u128 + 3)).map(Uuid::from_u128).collect();
        let keys: Vec<String> = vec!["last_click".into(), "linear".into()];
        let mut credits = Vec::new();
        for (i, c) in creators.iter().enumerate() {
            credits.push(credit("last_click", *c, 1000 + i as i64, 1));
            credits.push(credit("linear", *c, 500, 2));
        }
        let totals = CreatorTotals { credits, credited_lines: creators.len() as i64 };
        let top = totals.top("last_click");
        assert_eq!(top.len(), TOP_CREATORS as usize);
        assert_eq!(top[0], *creators.last().unwrap(), "highest earner first");
        let revenue: i64 = 1_000_000;
        let t = totals.tables(&top, &keys, "last_click", revenue, 60, named);
        let others = t.by_creator.iter().find(|(e, ..)| *e == Earner::Others { creators: 3 }).expect("others row");
        assert_eq!(others.1, 1000 + 1001 + 1002, "the three smallest earners");
        assert_eq!(others.2, 3);
        assert_eq!(t.by_creator.iter().map(|r| r.1).sum::<i64>(), revenue);
        for col in 0..keys.len() {
            assert_eq!(t.comparison.iter().map(|(_, a)| a[col]).sum::<i64>(), revenue, "column {col}");
        }
        assert_eq!(t.comparison.len(), TOP_CREATORS as usize + 2);
    }

    #[test]
    fn no_sales_means_empty_tables() {
        let t = CreatorTotals::default().tables(&[], &["last_click".into()], "last_click", 0, 0, named);
        assert!(t.by_creator.is_empty() && t.comparison.is_empty());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_creator_buying_through_their_own_post_earns_no_commission_and_sees_it_as_self(pool: PgPool) {
        use crate::attribution::crediting::db::tests::{
            buy_and_attribute, commissions, credits, link_product, post, token_on_cart_lines,
        };
        use crate::attribution::crediting::db::touch_paths;
        use crate::attribution::tracking::Surface;

        let (checkout, buyer, variant) = crate::test_support::ready_checkout(&pool, 5, 1).await;
        let product = sqlx::query_scalar!("SELECT product_id FROM product_variants WHERE id = $1", variant)
            .fetch_one(&pool)
            .await
            .unwrap();
        // The buyer is also a creator and buys through their own post.
        let own_post = post(&pool, buyer).await;
        link_product(&pool, own_post, product).await;
        let now = crate::clock::Clock::system().now();
        token_on_cart_lines(&pool, own_post, vec![buyer], Surface::ProductCard, now).await;
        let order = buy_and_attribute(&pool, checkout, buyer, now).await;

        assert_eq!(commissions(&pool).await, vec![], "no commission on one's own purchase");
        assert_eq!(
            credits(&pool, "last_click").await,
            vec![(Some("buyer".into()), 2500)],
            "the sale is still the post's"
        );
        let line = sqlx::query_scalar!("SELECT id FROM order_lines WHERE order_id = $1", order)
            .fetch_one(&pool)
            .await
            .unwrap();
        let path = touch_paths(&pool, &[line]).await.unwrap().remove(&line).unwrap();
        assert!(path.len() == 1 && path[0].self_referral, "the touch path marks it self");

        let d = super::creator(&pool, buyer, &Period::parse(None, now).unwrap()).await.unwrap();
        let row = d.posts.iter().find(|p| p.post_id == own_post).expect("the post's row");
        assert_eq!((row.purchases, row.self_purchases), (1, Some(1)), "the dashboard shows the purchase as self");
        assert_eq!(row.commission.as_ref().map(|m| m.get(Currency::USD).minor), Some(0));
        assert_eq!(row.revenue.get(Currency::USD).minor, 2500);
        assert!(d.commission_pending.is_empty());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_shop_dashboard_reads_the_rollups_and_every_model_adds_up_to_the_revenue(pool: PgPool) {
        use crate::attribution::crediting::db::tests::{key, order_after_two_taps, rollups_match_a_recomputation};
        use crate::attribution::crediting::db::{attribute_order, save_settings};
        use crate::attribution::crediting::engine::Settings;
        use crate::payments::test_provider::TestProvider;

        let provider = TestProvider::new(pool.clone());
        let (order, now) = order_after_two_taps(&pool, &provider).await;
        attribute_order(&pool, &key(), order).await.unwrap();
        let shop = sqlx::query!("SELECT id, owner_id, handle FROM shops").fetch_one(&pool).await.unwrap();
        let linear = Settings { model: Model::Linear, ..Settings::default() };
        save_settings(&pool, shop.id, &linear).await.unwrap();
        rollups_match_a_recomputation(&pool).await;

        // Revenue, each creator's half, and every model's column adding up
        // to the revenue.
        let owned = crate::shops::db::owned_by(&pool, &shop.handle, shop.owner_id).await.unwrap();
        let month = Period::parse(None, now).unwrap();
        let d = super::shop(&pool, &owned, &month, now).await.unwrap();
        assert_eq!(d.revenue.minor, 2500);
        let mut by_creator: Vec<(String, i64, i64)> =
            d.by_creator.iter().map(|r| (r.earner.key(), r.revenue.minor, r.lines)).collect();
        by_creator.sort();
        assert_eq!(by_creator, vec![("creator_x".into(), 1250, 1), ("creator_y".into(), 1250, 1)]);
        for column in 0..d.comparison.models.len() {
            let sum: i64 = d.comparison.rows.iter().map(|(_, amounts)| amounts[column].minor).sum();
            assert_eq!(sum, 2500, "{}", d.comparison.models[column]);
        }
        assert_eq!(d.untagged.purchases, 1, "the posts link no product on a photo");
        assert_eq!(d.tagged.purchases, 0);
        assert_eq!(d.by_post.len(), 2);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_shop_that_has_sold_keeps_its_currency_so_its_sums_stay_in_one(pool: PgPool) {
        use crate::attribution::crediting::db::tests::buy_and_attribute;

        let (checkout, buyer, variant) = crate::test_support::ready_checkout(&pool, 5, 1).await;
        let shop = sqlx::query_scalar!("SELECT shop_id FROM product_variants WHERE id = $1", variant)
            .fetch_one(&pool)
            .await
            .unwrap();
        let change = "UPDATE shops SET currency = 'EUR' WHERE id = $1";
        let mut tx = pool.begin().await.unwrap();
        sqlx::query(change).bind(shop).execute(&mut *tx).await.expect("a shop with no orders may still change");
        tx.rollback().await.unwrap();

        let order = buy_and_attribute(&pool, checkout, buyer, crate::clock::Clock::system().now()).await;
        let refused = sqlx::query(change).bind(shop).execute(&pool).await.unwrap_err();
        assert!(refused.to_string().contains("currency cannot change"), "{refused}");
        let refused = sqlx::query("UPDATE orders SET currency = 'EUR' WHERE id = $1")
            .bind(order)
            .execute(&pool)
            .await
            .unwrap_err();
        assert!(refused.to_string().contains("not its shop's currency"), "{refused}");
    }
}
