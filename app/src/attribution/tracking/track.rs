//! Recording what the current request's shopper did, from pages and server
//! functions: never fails and never waits (the sink writes in batches).

use uuid::Uuid;

use super::event::NewEvent;
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
        Some(Shopper { state, visitor, user })
    }

    /// Records `kind`; `fill` says what it was about. Returns whether it was
    /// kept (not a duplicate).
    pub fn record(&self, kind: EventKind, fill: impl FnOnce(&mut NewEvent)) -> bool {
        let mut event = NewEvent::new(kind, self.state.clock.now(), self.visitor.id);
        event.user_id = self.user;
        event.session_id = self.visitor.visit;
        fill(&mut event);
        self.state.events.record(event)
    }
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

/// The verified context of a token from a request, if it is genuine.
pub async fn verify(token: Option<&str>) -> Option<Context> {
    let state = crate::state::app_state().ok()?;
    state.context_keys.verify(token?.trim(), state.clock.now()).await
}

#[cfg(test)]
mod tests {
    use super::automated;

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
