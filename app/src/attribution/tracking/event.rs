//! One shopper event as the app records it, before the sink filters it and
//! the database stores it.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{EventKind, Surface};

/// One event to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub kind: EventKind,
    pub at: DateTime<Utc>,
    pub visitor_id: Uuid,
    pub user_id: Option<Uuid>,
    pub session_id: Option<Uuid>,
    pub post_id: Option<Uuid>,
    pub creator_ids: Vec<Uuid>,
    pub product_id: Option<Uuid>,
    pub shop_id: Option<Uuid>,
    pub surface: Option<Surface>,
    pub order_id: Option<Uuid>,
    pub amount_minor: Option<i64>,
    /// The address the request came from (see `crate::request::source_key`):
    /// only the sink's filter reads it, it is not stored.
    pub source: Option<IpAddr>,
}

impl NewEvent {
    /// An event of `kind` by `visitor` at `at`, about nothing yet.
    pub fn new(kind: EventKind, at: DateTime<Utc>, visitor_id: Uuid) -> NewEvent {
        NewEvent {
            kind,
            at,
            visitor_id,
            user_id: None,
            session_id: None,
            post_id: None,
            creator_ids: Vec::new(),
            product_id: None,
            shop_id: None,
            surface: None,
            order_id: None,
            amount_minor: None,
            source: None,
        }
    }
}
