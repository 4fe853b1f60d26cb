//! The attribution chain: a signed context token on every product link in a
//! post, shopper events (impressions, tag taps, views, carts, purchases),
//! each order line's journey fixed when it is bought, and the credits that
//! the shop's model derives from it. Commissions and dashboards read the
//! credits.
//!
//! Two rules keep commissions honest. A token counts only for what its post
//! shows: a product tag or card for that product, a shop tag or card for
//! that shop's products; any other use is ignored like a forged token
//! (`tracking::binding`, the one gate every token passes). And a touch whose
//! buyer is one of its creators, or the selling shop's owner, is marked
//! self: it is still shown and credited, but earns no commission
//! (`crediting::db`).
//!
//! Five rooms, each depending only on the ones before it (checked by
//! `scripts/check-module-cycles.sh`): `tracking` and `rates` depend on no
//! other room, `crediting` on both, `dashboards` on crediting and rates,
//! `statement` on the three. Other domains use only what this module
//! re-exports.

mod crediting;

/// Published (aggregate `order`) once an order's lines are credited to the
/// posts that drove them: notifications tell the shop.
pub const ORDER_ATTRIBUTED: &str = "order.attributed";
mod dashboards;
mod rates;
mod statement;
mod tracking;

// Recording what shoppers do, and the context tokens on product links.
#[cfg(feature = "hydrate")]
pub use tracking::impressions::watch as watch_impressions;
pub use tracking::EventKind;
#[cfg(feature = "ssr")]
pub use tracking::{
    db::ensure_partitions,
    keys::{rotate as rotate_context_key, ContextKeys, KeyError},
    sink::EventSink,
    stamp::stamp,
    token::SigningKey,
    track::{product_seen, product_step, record, verify},
    visitor::{link_current, VISITOR_COOKIE, VISIT_COOKIE},
};

// Crediting orders, and the touch path an order line shows.
/// Crediting's test helpers (a checkout bought and attributed, the credits
/// and commissions it wrote), for tests elsewhere that end in a sale.
#[cfg(all(test, feature = "ssr"))]
pub(crate) use crediting::db::tests as crediting_tests;
#[cfg(feature = "ssr")]
pub use crediting::db::{
    after_delivery, after_refund, attribute_missed, attribute_order, release_payable, touch_paths,
};
pub use crediting::{touch_path::TouchPath, TouchView};

// The creator's and the shop's pages, and their CSV downloads.
#[cfg(feature = "ssr")]
pub use dashboards::{
    csv::{creator_csv, shop_csv},
    db::{creator as creator_dashboard, shop as shop_dashboard},
};
pub use dashboards::{
    pages::{CreatorDashboardPage, ShopAnalyticsPage},
    Period,
};
#[cfg(feature = "ssr")]
pub use statement::db::{statement, statement_csv};
pub use statement::pages::CreatorStatementPage;
