//! Recording what the current request's shopper did, from pages and server
//! functions: never fails and never waits (the sink writes in batches).

use std::net::IpAddr;

use sqlx::PgPool;
use uuid::Uuid;

use super::event::NewEvent;
use super::sink::EventSink;
use super::token::Context;
use super::{EventKind, Surface};

/// User agents that are scripts or crawlers, not shoppers.
const AUTOMATED: [&str; 9] =
    ["bot", "crawler", "spider", "slurp", "curl/", "wget/", "python-requests", "httpclient", "go-http-client"];

/// Whether a user agent says it is automated (or says nothing at all).
pub fn automated(user_agent: Option<&str>) -> bool {
    match user_agent {
        None => true,
        Some(ua) => {
            let ua = ua.to_ascii_lowercase();
            ua.trim().is_empty() || AUTOMATED.iter().any(|needle| ua.contains(needle))
        }
    }
}

/// The current request's shopper, looked up once for any number of events.
pub struct Shopper {
    state: crate::state::AppState,
    visitor: super::visitor::Visitor,
    user: Option<Uuid>,
    /// The client's address, as the login throttle reads it.
    source: Option<IpAddr>,
}

impl Shopper {
    /// `None` for a request without a visitor cookie or from a script.
    pub async fn current() -> Option<Shopper> {
        let state = crate::state::app_state().ok()?;
        let visitor = super::visitor::current()?;
        if automated(crate::request::user_agent().as_deref()) {
            return None;
        }
        let user = crate::accounts::session::current_user().await.ok().flatten().map(|u| u.id);
        let source = crate::request::client_ip(&state.config).parse().ok();
        Some(Shopper { state, visitor, user, source })
    }

    /// An event of `kind` by this shopper, now, about nothing yet.
    fn event(&self, kind: EventKind) -> NewEvent {
        let mut event = NewEvent::new(kind, self.state.clock.now(), self.visitor.id);
        event.user_id = self.user;
        event.session_id = self.visitor.visit;
        event.source = self.source;
        event
    }

    /// Records `kind`; `fill` says what it was about. Returns whether it was
    /// kept (not a duplicate).
    pub fn record(&self, kind: EventKind, fill: impl FnOnce(&mut NewEvent)) -> bool {
        let mut event = self.event(kind);
        fill(&mut event);
        self.state.events.record(event)
    }

    /// Records impressions of `posts` (see [`impressions`]).
    pub async fn impressions(&self, posts: &[Uuid]) -> crate::error::AppResult<usize> {
        impressions(&self.state.pool, &self.state.events, &self.event(EventKind::Impression), posts).await
    }
}

/// Records `seen`'s shopper seeing `posts`: only the posts they may see
/// (`post_visible_to`, so a followers-only post seen by a stranger or by
/// someone signed out counts for nothing), each once per visitor and at
/// most the per-address cap (the sink's filter). Returns how many counted.
pub async fn impressions(
    pool: &PgPool,
    sink: &EventSink,
    seen: &NewEvent,
    posts: &[Uuid],
) -> crate::error::AppResult<usize> {
    let visible = super::db::visible_authors(pool, posts, seen.user_id).await?;
    Ok(visible
        .into_iter()
        .filter(|(post, author)| {
            sink.record(NewEvent { post_id: Some(*post), creator_ids: vec![*author], ..seen.clone() })
        })
        .count())
}

/// Records `kind` for the current shopper; `fill` says what it was about.
pub async fn record(kind: EventKind, fill: impl FnOnce(&mut NewEvent)) {
    if let Some(shopper) = Shopper::current().await {
        shopper.record(kind, fill);
    }
}

/// A product seen: through a post's tag or card when `ctx` verifies (a
/// click for the post's creators), found by search, or reached directly.
pub async fn product_seen(product: Uuid, shop: Uuid, ctx: Option<&Context>, searched: bool) {
    record(if ctx.is_some() { EventKind::TagTap } else { EventKind::ProductView }, |e| {
        e.product_id = Some(product);
        e.shop_id = Some(shop);
        match ctx {
            Some(c) => {
                e.post_id = Some(c.post_id);
                e.creator_ids = c.creators.clone();
                e.surface = Some(c.surface);
            }
            None => e.surface = Some(if searched { Surface::Search } else { Surface::Direct }),
        }
    })
    .await
}

/// A step toward buying a product (add to cart, checkout started), credited
/// to the post whose verified context `ctx` the shopper came through.
pub async fn product_step(kind: EventKind, product: Uuid, shop: Uuid, ctx: Option<&Context>) {
    record(kind, |e| {
        e.product_id = Some(product);
        e.shop_id = Some(shop);
        if let Some(c) = ctx {
            e.post_id = Some(c.post_id);
            e.creator_ids = c.creators.clone();
            e.surface = Some(c.surface);
        }
    })
    .await
}

/// The context of a token a request attached to `product`, if it is
/// genuine and its post shows the product (`super::binding`); anything else
/// is ignored, like a forged token.
pub async fn verify(token: Option<&str>, product: Uuid) -> Option<Context> {
    let state = crate::state::app_state().ok()?;
    let token = token?;
    let mut conn = state.pool.acquire().await.ok()?;
    match super::binding::accept(&mut conn, &state.context_keys, token, product, state.clock.now()).await {
        Ok(ctx) => ctx,
        Err(e) => {
            // Tracking never fails a page: the view counts as untracked.
            tracing::warn!(error = %e, "checking a context token failed; ignored");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posts::Visibility;
    use crate::test_support::{follow, post, user};

    /// Impressions of `post` written to the events table.
    async fn written(pool: &PgPool, sink: &EventSink, post: Uuid) -> i64 {
        sink.flush().await;
        sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM shopper_events WHERE kind = 'impression' AND post_id = $1"#,
            post
        )
        .fetch_one(pool)
        .await
        .unwrap()
    }

    fn seen_by(user: Option<Uuid>, source: &str) -> NewEvent {
        NewEvent {
            user_id: user,
            source: Some(source.parse().unwrap()),
            ..NewEvent::new(EventKind::Impression, crate::clock::Clock::system().now(), Uuid::new_v4())
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_followers_only_post_counts_impressions_only_from_those_who_may_see_it(pool: PgPool) {
        let author = user(&pool, "author").await;
        let stranger = user(&pool, "stranger").await;
        let follower = user(&pool, "follower").await;
        follow(&pool, follower, "author").await;
        let public = post(&pool, author, "for everyone", Visibility::Public).await;
        let followers_only = post(&pool, author, "for followers", Visibility::Followers).await;
        let sink = EventSink::start(pool.clone());
        let both = [public, followers_only];

        let signed_out = impressions(&pool, &sink, &seen_by(None, "198.51.100.1"), &both).await.unwrap();
        let by_stranger = impressions(&pool, &sink, &seen_by(Some(stranger), "198.51.100.2"), &both).await.unwrap();
        assert_eq!((signed_out, by_stranger), (1, 1), "only the public post counts for them");
        assert_eq!(written(&pool, &sink, followers_only).await, 0);

        let by_follower = impressions(&pool, &sink, &seen_by(Some(follower), "198.51.100.3"), &both).await.unwrap();
        assert_eq!(by_follower, 2);
        assert_eq!(written(&pool, &sink, followers_only).await, 1, "the follower's");
        assert_eq!(written(&pool, &sink, public).await, 3);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn impressions_from_one_address_with_fresh_visitor_ids_count_at_most_the_cap(pool: PgPool) {
        use super::super::sink::IMPRESSIONS_PER_SOURCE;

        let author = user(&pool, "author").await;
        let seen = post(&pool, author, "popular", Visibility::Public).await;
        let sink = EventSink::start(pool.clone());
        let mut counted = 0;
        for _ in 0..100 {
            // A script: a fresh visitor cookie on every request, one address.
            counted += impressions(&pool, &sink, &seen_by(None, "203.0.113.9"), &[seen]).await.unwrap();
        }
        assert_eq!(counted, IMPRESSIONS_PER_SOURCE as usize);
        assert_eq!(written(&pool, &sink, seen).await, i64::from(IMPRESSIONS_PER_SOURCE));
        let elsewhere = impressions(&pool, &sink, &seen_by(None, "203.0.113.10"), &[seen]).await.unwrap();
        assert_eq!(elsewhere, 1, "a reader at another address still counts");
    }

    #[test]
    fn crawlers_and_scripts_are_not_shoppers() {
        assert!(automated(Some("Mozilla/5.0 (compatible; Googlebot/2.1)")));
        assert!(automated(Some("curl/8.5.0")));
        assert!(automated(None));
        assert!(!automated(Some(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/120.0 Safari/537.36"
        )));
        assert!(!automated(Some("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)")));
    }
}
