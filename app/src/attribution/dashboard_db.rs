//! The dashboards' queries. Figures come from the credits under each shop's
//! own model (its `model_key`), the commissions, and the events; revenue is
//! the lines' attributable amount (see `db::attributable`), so a shop's
//! creators plus "unattributed" add up exactly to its revenue.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::dashboard::{
    Conversion, CreatorDashboard, CreatorRevenue, DayAmount, Funnel, ModelComparison, PostPerformance, SettingsForm,
    ShopDashboard, TouchView,
};
use super::db::{model_key, models_kept};
use super::engine::{self, Model};
use super::Period;
use crate::error::{AppError, AppResult};
use crate::money::{Currency, Money};
use crate::shops::Shop;

/// The authors of the published posts among `ids` (others are dropped).
pub async fn post_authors(pool: &PgPool, ids: &[Uuid]) -> AppResult<Vec<(Uuid, Uuid)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query!("SELECT id, author_id FROM posts WHERE id = ANY($1) AND status = 'published'", ids)
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.author_id)).collect())
}

/// Event counts of one post over a period.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    impressions: i64,
    tag_taps: i64,
    add_to_carts: i64,
}

async fn event_counts(pool: &PgPool, posts: &[Uuid], p: &Period) -> AppResult<HashMap<Uuid, Counts>> {
    if posts.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = sqlx::query!(
        r#"SELECT post_id AS "post_id!",
                  count(*) FILTER (WHERE kind = 'impression') AS "impressions!",
                  count(*) FILTER (WHERE kind = 'tag_tap') AS "taps!",
                  count(*) FILTER (WHERE kind = 'add_to_cart') AS "carts!"
           FROM shopper_events WHERE post_id = ANY($1) AND at >= $2 AND at < $3
           GROUP BY post_id"#,
        posts,
        p.start,
        p.end
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.post_id, Counts { impressions: r.impressions, tag_taps: r.taps, add_to_carts: r.carts }))
        .collect())
}

async fn excerpts(pool: &PgPool, posts: &[Uuid]) -> AppResult<HashMap<Uuid, String>> {
    let rows = sqlx::query!("SELECT id, body FROM posts WHERE id = ANY($1)", posts).fetch_all(pool).await?;
    Ok(rows.into_iter().map(|r| (r.id, excerpt(&r.body))).collect())
}

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

fn sum_by_currency(rows: impl IntoIterator<Item = (String, i64)>) -> AppResult<Vec<Money>> {
    let mut out: Vec<Money> = Vec::new();
    for (code, amount) in rows {
        let currency = Currency::parse(&code)?;
        match out.iter_mut().find(|m| m.currency == currency) {
            Some(m) => m.minor += amount,
            None => out.push(Money::new(amount, currency)),
        }
    }
    out.retain(|m| m.minor != 0);
    Ok(out)
}

fn daily(period: &Period, rows: impl IntoIterator<Item = (DateTime<Utc>, i64)>) -> Vec<DayAmount> {
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
                  coalesce(m.rate_bp, 0) AS "rate_bp!"
           FROM attribution_credits c
           LEFT JOIN attribution_settings s ON s.shop_id = c.shop_id
           LEFT JOIN commissions m ON m.order_line_id = c.order_line_id AND m.creator_id = c.creator_id
           WHERE c.creator_id = $1 AND c.purchased_at >= $2 AND c.purchased_at < $3
             AND c.model_key = coalesce(s.model_key, 'last_click')"#,
        creator,
        p.start,
        p.end
    )
    .fetch_all(pool)
    .await?;
    let revenue = sum_by_currency(credits.iter().map(|c| (c.currency.clone(), c.amount_minor)))?;
    let chart_currency = revenue.first().map(|m| m.currency.code().to_string());
    let daily = daily(
        p,
        credits
            .iter()
            .filter(|c| Some(&c.currency) == chart_currency.as_ref())
            .map(|c| (c.purchased_at, c.amount_minor)),
    );

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

    // The creator's credits per post, in one pass.
    let mut per_post: HashMap<Uuid, (String, i64, i64, std::collections::HashSet<Uuid>)> = HashMap::new();
    for c in &credits {
        let Some(post) = c.post_id else { continue };
        let e = per_post.entry(post).or_insert_with(|| (c.currency.clone(), 0, 0, Default::default()));
        e.1 += c.amount_minor;
        e.2 += engine::commission(c.amount_minor, c.rate_bp as u32);
        e.3.insert(c.order_line_id);
    }
    // Every post of the creator's with activity or credit this month.
    let mut post_ids: Vec<Uuid> = sqlx::query_scalar!(
        r#"SELECT DISTINCT e.post_id AS "post_id!" FROM shopper_events e JOIN posts p ON p.id = e.post_id
           WHERE p.author_id = $1 AND e.at >= $2 AND e.at < $3"#,
        creator,
        p.start,
        p.end
    )
    .fetch_all(pool)
    .await?;
    let known: std::collections::HashSet<Uuid> = post_ids.iter().copied().collect();
    post_ids.extend(per_post.keys().filter(|post| !known.contains(post)));
    let counts = event_counts(pool, &post_ids, p).await?;
    let names = excerpts(pool, &post_ids).await?;
    let fallback = chart_currency.as_deref().map(Currency::parse).transpose()?.unwrap_or(Currency::USD);
    let mut posts: Vec<PostPerformance> = Vec::with_capacity(post_ids.len());
    for post in post_ids {
        let (currency, revenue, commission, lines) = match per_post.get(&post) {
            Some((code, revenue, commission, lines)) => (Currency::parse(code)?, *revenue, *commission, lines.len()),
            None => (fallback, 0, 0, 0),
        };
        let c = counts.get(&post).copied().unwrap_or_default();
        posts.push(PostPerformance {
            post_id: post,
            excerpt: names.get(&post).cloned().unwrap_or_default(),
            impressions: c.impressions,
            tag_taps: c.tag_taps,
            add_to_carts: c.add_to_carts,
            purchases: lines as i64,
            revenue: Money::new(revenue, currency),
            commission: Some(Money::new(commission, currency)),
        });
    }
    sort_posts(&mut posts);
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
        daily,
        funnel,
        posts,
    })
}

fn sort_posts(posts: &mut [PostPerformance]) {
    posts.sort_by(|a, b| {
        (b.revenue.minor, b.purchases, b.tag_taps, b.impressions).cmp(&(
            a.revenue.minor,
            a.purchases,
            a.tag_taps,
            a.impressions,
        ))
    });
}

/// The shop's active model.
async fn active_model(pool: &PgPool, shop: Uuid) -> AppResult<engine::Settings> {
    let mut conn = pool.acquire().await?;
    super::db::settings(&mut conn, shop).await
}

/// How many posts the dashboards list (the CSV of a creator lists theirs all).
pub const TOP_POSTS: i64 = 50;

/// The shop's dashboard. Every figure is aggregated by PostgreSQL: a shop
/// with hundreds of thousands of credited lines sends back only sums.
pub async fn shop(pool: &PgPool, shop: &Shop, p: &Period) -> AppResult<ShopDashboard> {
    let settings = active_model(pool, shop.id).await?;
    let key = model_key(&settings.model);
    let money = |minor: i64| Money::new(minor, shop.currency);

    let days = sqlx::query!(
        r#"SELECT date_trunc('day', o.placed_at) AS "day!",
                  sum(CASE WHEN o.status = 'cancelled' THEN 0
                           ELSE floor((l.total_minor - l.refunded_minor)::numeric * (l.total_minor - l.tax_minor)
                                      / greatest(l.total_minor, 1)) END)::bigint AS "attributable!",
                  count(*) AS "lines!"
           FROM order_lines l JOIN orders o ON o.id = l.order_id
           WHERE o.shop_id = $1 AND o.placed_at >= $2 AND o.placed_at < $3
           GROUP BY 1"#,
        shop.id,
        p.start,
        p.end
    )
    .fetch_all(pool)
    .await?;
    let revenue: i64 = days.iter().map(|d| d.attributable).sum();
    let line_count: i64 = days.iter().map(|d| d.lines).sum();
    let daily = daily(p, days.iter().map(|d| (d.day, d.attributable)));

    // Revenue by creator under the shop's model; whatever no creator earned
    // (organic touches, lines without a touch) is "unattributed".
    let mut by_creator: Vec<CreatorRevenue> = sqlx::query!(
        r#"SELECT c.creator_id AS "creator_id!", u.username, sum(c.amount_minor)::bigint AS "amount!",
                  count(DISTINCT c.order_line_id) AS "lines!"
           FROM attribution_credits c JOIN users u ON u.id = c.creator_id
           WHERE c.shop_id = $1 AND c.model_key = $4 AND c.purchased_at >= $2 AND c.purchased_at < $3
           GROUP BY c.creator_id, u.username
           ORDER BY 3 DESC, 2"#,
        shop.id,
        p.start,
        p.end,
        key
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| CreatorRevenue {
        creator_id: Some(r.creator_id),
        username: Some(r.username),
        revenue: money(r.amount),
        lines: r.lines,
    })
    .collect();
    let credited: i64 = by_creator.iter().map(|r| r.revenue.minor).sum();
    if revenue - credited != 0 {
        let credited_lines = sqlx::query_scalar!(
            r#"SELECT count(DISTINCT order_line_id) AS "n!" FROM attribution_credits
               WHERE shop_id = $1 AND model_key = $4 AND purchased_at >= $2 AND purchased_at < $3
                 AND creator_id IS NOT NULL"#,
            shop.id,
            p.start,
            p.end,
            key
        )
        .fetch_one(pool)
        .await?;
        by_creator.push(CreatorRevenue {
            creator_id: None,
            username: None,
            revenue: money(revenue - credited),
            lines: (line_count - credited_lines).max(0),
        });
    }

    // The posts that earned most.
    let top = sqlx::query!(
        r#"SELECT post_id AS "post_id!", sum(amount_minor)::bigint AS "amount!", count(DISTINCT order_line_id) AS "lines!"
           FROM attribution_credits
           WHERE shop_id = $1 AND model_key = $4 AND purchased_at >= $2 AND purchased_at < $3 AND post_id IS NOT NULL
           GROUP BY post_id ORDER BY 2 DESC, 3 DESC LIMIT $5"#,
        shop.id,
        p.start,
        p.end,
        key,
        TOP_POSTS
    )
    .fetch_all(pool)
    .await?;
    let post_ids: Vec<Uuid> = top.iter().map(|t| t.post_id).collect();
    let counts = event_counts(pool, &post_ids, p).await?;
    let names = excerpts(pool, &post_ids).await?;
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
                revenue: money(t.amount),
                commission: None,
            }
        })
        .collect();

    let sums = sqlx::query!(
        r#"SELECT c.model_key, u.username AS "username?", sum(c.amount_minor)::bigint AS "amount!"
           FROM attribution_credits c LEFT JOIN users u ON u.id = c.creator_id
           WHERE c.shop_id = $1 AND c.purchased_at >= $2 AND c.purchased_at < $3
           GROUP BY c.model_key, u.username"#,
        shop.id,
        p.start,
        p.end
    )
    .fetch_all(pool)
    .await?;
    let by_model = credits_by_model(sums.iter().map(|r| (r.model_key.as_str(), r.username.as_deref(), r.amount)));
    let comparison = compare(&by_model, &settings.model, shop.currency);
    let (tagged, untagged) = conversion(pool, shop.id, &key, p).await?;
    let rate = current_default_rate(pool, shop.id, p.end.min(Utc::now())).await?;
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
            default_rate_pct: super::settings_form::rate_text(rate),
        },
    })
}

/// (model key, creator username or None) → amount.
type ByModel = HashMap<(String, Option<String>), i64>;

fn credits_by_model<'a>(rows: impl IntoIterator<Item = (&'a str, Option<&'a str>, i64)>) -> ByModel {
    let mut out = ByModel::new();
    for (key, creator, amount) in rows {
        *out.entry((key.to_string(), creator.map(str::to_string))).or_default() += amount;
    }
    out
}

/// The model comparison: every kept model as a column, every creator (and
/// "unattributed") as a row.
fn compare(by_model: &ByModel, active: &Model, currency: Currency) -> ModelComparison {
    let models = models_kept(active);
    let keys: Vec<String> = models.iter().map(model_key).collect();
    let mut creators: Vec<Option<String>> = by_model.keys().map(|(_, c)| c.clone()).collect();
    creators.sort_by(|a, b| match (a, b) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, _) => std::cmp::Ordering::Greater,
        (_, None) => std::cmp::Ordering::Less,
        (Some(a), Some(b)) => a.cmp(b),
    });
    creators.dedup();
    let rows = creators
        .into_iter()
        .map(|c| {
            let amounts = keys
                .iter()
                .map(|k| Money::new(by_model.get(&(k.clone(), c.clone())).copied().unwrap_or(0), currency))
                .collect();
            (c, amounts)
        })
        .collect();
    ModelComparison {
        models: models.iter().map(Model::label).collect(),
        active: models.iter().position(|m| m == active).unwrap_or(0),
        rows,
    }
}

/// Conversion of posts featuring the shop's products with an image tag
/// ("tagged") and of those linking them only as cards ("untagged").
async fn conversion(pool: &PgPool, shop: Uuid, key: &str, p: &Period) -> AppResult<(Conversion, Conversion)> {
    let rows = sqlx::query!(
        r#"WITH featured AS (
               SELECT m.post_id, true AS tagged FROM image_tags t
               JOIN post_media m ON m.id = t.media_id JOIN products pr ON pr.id = t.product_id WHERE pr.shop_id = $1
               UNION ALL
               SELECT l.post_id, false FROM post_links l JOIN products pr ON pr.id = l.product_id WHERE pr.shop_id = $1),
           posts AS (SELECT post_id, bool_or(tagged) AS tagged FROM featured GROUP BY post_id),
           seen AS (
               SELECT post_id, count(*) FILTER (WHERE kind = 'impression') AS impressions,
                      count(*) FILTER (WHERE kind = 'tag_tap') AS taps
               FROM shopper_events WHERE post_id IN (SELECT post_id FROM posts) AND at >= $2 AND at < $3
               GROUP BY post_id),
           bought AS (
               SELECT post_id, count(DISTINCT order_line_id) AS lines FROM attribution_credits
               WHERE shop_id = $1 AND model_key = $4 AND purchased_at >= $2 AND purchased_at < $3 AND post_id IS NOT NULL
               GROUP BY post_id)
           SELECT p.tagged AS "tagged!", count(*) AS "posts!", coalesce(sum(s.impressions), 0)::bigint AS "impressions!",
                  coalesce(sum(s.taps), 0)::bigint AS "taps!", coalesce(sum(b.lines), 0)::bigint AS "purchases!"
           FROM posts p LEFT JOIN seen s USING (post_id) LEFT JOIN bought b USING (post_id)
           GROUP BY p.tagged"#,
        shop,
        p.start,
        p.end,
        key
    )
    .fetch_all(pool)
    .await?;
    let pick = |tagged: bool| {
        rows.iter()
            .find(|r| r.tagged == tagged)
            .map(|r| Conversion {
                posts: r.posts,
                impressions: r.impressions,
                tag_taps: r.taps,
                purchases: r.purchases,
            })
            .unwrap_or_default()
    };
    Ok((pick(true), pick(false)))
}

/// The shop's default rate in effect at `at`.
pub async fn current_default_rate(pool: &PgPool, shop: Uuid, at: DateTime<Utc>) -> AppResult<i32> {
    let rate = sqlx::query_scalar!(
        "SELECT rate_bp FROM commission_rates WHERE shop_id = $1 AND product_id IS NULL AND creator_id IS NULL
           AND effective_from <= $2 ORDER BY effective_from DESC, created_at DESC LIMIT 1",
        shop,
        at
    )
    .fetch_optional(pool)
    .await?;
    Ok(rate.unwrap_or(super::db::DEFAULT_RATE_BP))
}

/// Each of the order's lines' touch path with the credit each touch earned
/// under the shop's model, for the shop's order page.
pub async fn touch_paths(pool: &PgPool, order: Uuid) -> AppResult<HashMap<Uuid, Vec<TouchView>>> {
    let rows = sqlx::query!(
        r#"SELECT t.order_line_id, t.touch_id, t.at, t.surface, t.kind, t.post_id,
                  coalesce((SELECT array_agg(u.username ORDER BY u.username) FROM users u WHERE u.id = ANY(t.creator_ids)),
                           '{}') AS "creators!",
                  (SELECT sum(c.amount_minor)::bigint FROM attribution_credits c
                   LEFT JOIN attribution_settings s ON s.shop_id = c.shop_id
                   WHERE c.order_line_id = t.order_line_id AND c.touch_id = t.touch_id
                     AND c.model_key = coalesce(s.model_key, 'last_click')) AS credit,
                  o.currency
           FROM order_line_touches t JOIN order_lines l ON l.id = t.order_line_id JOIN orders o ON o.id = l.order_id
           WHERE l.order_id = $1 ORDER BY t.at, t.touch_id"#,
        order
    )
    .fetch_all(pool)
    .await?;
    let mut out: HashMap<Uuid, Vec<TouchView>> = HashMap::new();
    for r in rows {
        let currency = Currency::parse(&r.currency)?;
        let surface = engine::Surface::parse(&r.surface).map_err(|_| AppError::Internal)?;
        out.entry(r.order_line_id).or_default().push(TouchView {
            at: r.at,
            surface: surface_label(surface).into(),
            post_id: r.post_id,
            creators: r.creators,
            kind: if r.kind == "view" { "Saw the post".into() } else { "Tapped".into() },
            credit: r.credit.map(|c| Money::new(c, currency)),
        });
    }
    Ok(out)
}

pub fn surface_label(s: engine::Surface) -> &'static str {
    use engine::Surface::*;
    match s {
        ImageTag => "Tag on a post's photo",
        ProductCard => "Product card in a post",
        ShopTag => "Shop tag",
        CommentMention => "Mention in a comment",
        GroupCard => "Group deal card",
        PlanCard => "Installment plan card",
        Search => "Search",
        Direct => "Direct visit",
    }
}

/// The creator's posts of the month as CSV.
pub fn creator_csv(d: &CreatorDashboard) -> String {
    let mut out =
        String::from("post_id,post,impressions,tag_taps,add_to_carts,purchases,revenue,commission,currency\n");
    for p in &d.posts {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\n",
            p.post_id,
            csv_field(&p.excerpt),
            p.impressions,
            p.tag_taps,
            p.add_to_carts,
            p.purchases,
            p.revenue.amount_string(),
            p.commission.as_ref().map(Money::amount_string).unwrap_or_default(),
            p.revenue.currency.code()
        ));
    }
    out
}

/// The shop's month as CSV: revenue by creator, then the model comparison.
pub fn shop_csv(d: &ShopDashboard) -> String {
    let mut out = String::from("section,creator,lines,revenue,currency\n");
    for r in &d.by_creator {
        out.push_str(&format!(
            "by_creator,{},{},{},{}\n",
            csv_field(r.username.as_deref().unwrap_or("unattributed")),
            r.lines,
            r.revenue.amount_string(),
            r.revenue.currency.code()
        ));
    }
    out.push_str(&format!(
        "\nmodel_comparison,creator,{}\n",
        d.comparison.models.iter().map(|m| csv_field(m)).collect::<Vec<_>>().join(",")
    ));
    for (creator, amounts) in &d.comparison.rows {
        out.push_str(&format!(
            "model_comparison,{},{}\n",
            csv_field(creator.as_deref().unwrap_or("unattributed")),
            amounts.iter().map(Money::amount_string).collect::<Vec<_>>().join(",")
        ));
    }
    out
}

/// A CSV field, quoted when needed; a leading formula character is
/// neutralised so a spreadsheet never runs a post's text.
pub fn csv_field(raw: &str) -> String {
    let mut text = raw.to_string();
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        text.insert(0, '\'');
    }
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-5"), "'-5");
    }

    #[test]
    fn excerpts_are_short_and_one_line() {
        assert_eq!(excerpt("  New\nlinen  "), "New linen");
        assert_eq!(excerpt(""), "(photo)");
        assert_eq!(excerpt(&"é".repeat(100)).chars().count(), 61);
    }

    #[test]
    fn the_comparison_has_a_column_per_model_and_a_row_per_creator() {
        let mut by = ByModel::new();
        by.insert(("last_click".into(), Some("maya".into())), 1000);
        by.insert(("first_click".into(), None), 500);
        let c = compare(&by, &Model::LastClick, Currency::USD);
        assert_eq!(c.models.len(), Model::all_defaults().len());
        assert_eq!(c.active, 0);
        assert_eq!(c.rows.len(), 2);
        assert_eq!(c.rows[0].0.as_deref(), Some("maya"), "creators first, unattributed last");
        assert_eq!(c.rows[0].1[0].minor, 1000);
        assert_eq!(c.rows[1].1[1].minor, 500);
    }
}
