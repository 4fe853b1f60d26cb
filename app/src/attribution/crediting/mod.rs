//! Crediting: each order line's journey, fixed when it is bought (the
//! buyer's recorded touches and the line's own signed token), and the
//! credits and commissions the shop's model derives from it. Depends on
//! tracking (surfaces, tokens) and rates (what a commission pays).

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
// A pure library kept whole with its own tests: the server calls all of it
// but a few helpers (validation, the bare splitter), the WASM client only
// `Model` for the settings form.
#[allow(dead_code)]
pub mod engine;
#[cfg(feature = "ssr")]
pub mod rules;
#[cfg(feature = "ssr")]
pub mod settings_form;
pub mod touch_path;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::money::Money;

/// One touch point on an order line's path, for the shop's order page and
/// the credited creator's statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TouchView {
    pub at: chrono::DateTime<chrono::Utc>,
    /// "Tag in a post", "Product card", "Search"…
    pub surface: String,
    pub post_id: Option<Uuid>,
    pub creators: Vec<String>,
    pub kind: String,
    /// What this touch was credited under the shop's model.
    pub credit: Option<Money>,
    /// The buyer was one of its creators, or owns the shop: shown as
    /// "self", it earns no commission.
    pub self_referral: bool,
}
