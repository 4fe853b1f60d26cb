//! The real-time channel through the whole router: `/live` streams fed by
//! the outbox relay, as a browser's `EventSource` reads them (event ids,
//! `Last-Event-ID` on reconnect), and the position pages render for the
//! client's first connection.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, BodyDataStream};
use axum::http::{header, Request, StatusCode};
use futures_util::StreamExt;
use sqlx::PgPool;
use uuid::Uuid;

use crate::router_tests::{site, Site, HOST};

/// Runs the outbox relay with the site's hub as its one consumer, as the
/// server's job does, until the returned handle is dropped.
struct Relay(tokio::task::JoinHandle<()>);

impl Drop for Relay {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn relay(site: &Site) -> Relay {
    let relay = app::outbox::Relay::new(site.pool.clone()).with_local(Arc::new(site.live.clone()));
    Relay(tokio::spawn(relay.run(Duration::from_millis(50))))
}

async fn open(site: &Site, path: &str, last_event_id: Option<&str>) -> (StatusCode, BodyDataStream) {
    let mut req = Request::get(path).header(header::HOST, HOST);
    if let Some(id) = last_event_id {
        req = req.header("last-event-id", id);
    }
    let response = site.open(req.body(Body::empty()).unwrap()).await;
    (response.status(), response.into_body().into_data_stream())
}

/// One event that carries data, as `(id, data)`; comments (the greeting,
/// keep-alives) are skipped. `None` when the stream ended.
async fn next_event(stream: &mut BodyDataStream, buffer: &mut String) -> Option<(String, String)> {
    loop {
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let field = |name: &str| {
                block.lines().find_map(|l| l.strip_prefix(name).map(|v| v.trim_start().to_string())).unwrap_or_default()
            };
            let data = field("data:");
            if !data.is_empty() {
                return Some((field("id:"), data));
            }
        }
        let chunk = tokio::time::timeout(Duration::from_secs(10), stream.next()).await.expect("an event in time")?;
        buffer.push_str(std::str::from_utf8(&chunk.unwrap()).unwrap());
    }
}

async fn set_stock(pool: &PgPool, variant: Uuid, on_hand: i32) {
    sqlx::query("UPDATE product_variants SET stock_on_hand = $2 WHERE id = $1")
        .bind(variant)
        .bind(on_hand)
        .execute(pool)
        .await
        .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn an_unknown_or_missing_topic_is_a_400_naming_it(pool: PgPool) {
    let site = site(pool, |_| {}).await;
    let (status, body) = site.get("/live?topics=stock:1,weather:2", None).await;
    assert_eq!(status.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("Unknown topic: stock:1"), "{body}");
    let (status, _) = site.get("/live", None).await;
    assert_eq!(status.status(), StatusCode::BAD_REQUEST);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stock_change_reaches_the_streams_watching_it_and_no_other(pool: PgPool) {
    let site = site(pool, |_| {}).await;
    let _relay = relay(&site);
    let (seller, _) = site.seller().await;
    let variant = seller.shop.unwrap().variant_ids[0];
    let other = Uuid::new_v4();

    let (status, mut watching) = open(&site, &format!("/live?topics=stock:{variant}"), None).await;
    assert_eq!(status, StatusCode::OK);
    let (_, mut elsewhere) = open(&site, &format!("/live?topics=stock:{other}"), None).await;
    let (mut buf, mut other_buf) = (String::new(), String::new());
    // Both are connected once the hub counts them.
    while site.live.streams() < 2 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // Anything earlier (the seed's stock) may come first; 7 then 6 follow.
    set_stock(&site.pool, variant, 7).await;
    let (id, data) = until_event(&mut watching, &mut buf, 7).await;
    assert_eq!(data, format!(r#"{{"type":"stock","variant_id":"{variant}","available":7}}"#));
    assert!(app::outbox::Position::parse(&id).is_some(), "the id is a position: {id}");

    set_stock(&site.pool, variant, 6).await;
    let (next_id, data) = next_event(&mut watching, &mut buf).await.unwrap();
    assert!(data.contains(r#""available":6"#), "{data}");
    assert!(app::outbox::Position::parse(&next_id) > app::outbox::Position::parse(&id));

    site.live.close();
    assert_eq!(next_event(&mut elsewhere, &mut other_buf).await, None, "nothing for a topic it doesn't watch");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_reconnect_gets_the_newest_state_it_missed_then_what_follows(pool: PgPool) {
    let site = site(pool, |_| {}).await;
    let _relay = relay(&site);
    let (seller, _) = site.seller().await;
    let variant = seller.shop.unwrap().variant_ids[0];
    let path = format!("/live?topics=stock:{variant}");

    let (_, mut first) = open(&site, &path, None).await;
    let mut buf = String::new();
    while site.live.streams() < 1 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    set_stock(&site.pool, variant, 9).await;
    let (seen, _) = until_event(&mut first, &mut buf, 9).await;
    drop(first);

    // Missed while away: two changes, of which only the newest matters.
    set_stock(&site.pool, variant, 8).await;
    set_stock(&site.pool, variant, 5).await;
    let (_, mut again) = open(&site, &path, Some(&seen)).await;
    let mut buf = String::new();
    // Another test's long transaction on this PostgreSQL server can hold the
    // newest change back for a moment (the relay's gap rule); then an older
    // one comes first and the newest follows.
    let told = until_stock(&mut again, &mut buf, 5).await;
    assert!(told == [5] || told == [8, 5], "the newest missed state, nothing before {seen}: {told:?}");

    set_stock(&site.pool, variant, 4).await;
    assert_eq!(until_stock(&mut again, &mut buf, 4).await, [4], "then it follows live");

    // A page opening new topics passes the same through `after`.
    let (_, mut reopened) = open(&site, &format!("{path}&after={seen}"), None).await;
    let mut buf = String::new();
    let told = until_stock(&mut reopened, &mut buf, 4).await;
    assert!(told.windows(2).all(|w| w[0] > w[1]) && told.iter().all(|n| [8, 5, 4].contains(n)), "{told:?}");
}

/// Reads events until one tells `available`; returns every stock told on
/// the way, that one last.
async fn until_stock(stream: &mut BodyDataStream, buffer: &mut String, available: i64) -> Vec<i64> {
    let mut told = Vec::new();
    while told.last() != Some(&available) {
        let (_, data) = next_event(stream, buffer).await.expect("the stream goes on");
        told.push(stock_of(&data));
    }
    told
}

/// The first event that tells `available`, as `(id, data)`.
async fn until_event(stream: &mut BodyDataStream, buffer: &mut String, available: i64) -> (String, String) {
    loop {
        let (id, data) = next_event(stream, buffer).await.expect("the stream goes on");
        if stock_of(&data) == available {
            return (id, data);
        }
    }
}

fn stock_of(data: &str) -> i64 {
    let update: serde_json::Value = serde_json::from_str(data).unwrap();
    update["available"].as_i64().unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_page_names_where_its_first_connection_resumes(pool: PgPool) {
    let site = site(pool, |_| {}).await;
    let _relay = relay(&site);
    while site.live.position().is_none() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (_, html) = site.get("/", None).await;
    let at = html.split(r#"<meta name="sf-live-after" content=""#).nth(1).and_then(|rest| rest.split('"').next());
    let at = at.unwrap_or_else(|| panic!("no start position in the page"));
    assert!(app::outbox::Position::parse(at).is_some(), "{at}");
}
