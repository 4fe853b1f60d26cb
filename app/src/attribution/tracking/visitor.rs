//! Who the shopper is before (and after) they sign in: the browser's
//! anonymous visitor id and its current visit, from the cookies the server's
//! middleware sets on the first request.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::AppResult;

pub const VISITOR_COOKIE: &str = "sf_visitor";
pub const VISIT_COOKIE: &str = "sf_visit";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visitor {
    pub id: Uuid,
    pub visit: Option<Uuid>,
}

/// The current request's visitor, if its browser has the cookie.
pub fn current() -> Option<Visitor> {
    let id = crate::request::cookie(VISITOR_COOKIE)?.parse().ok()?;
    let visit = crate::request::cookie(VISIT_COOKIE).and_then(|v| v.parse().ok());
    Some(Visitor { id, visit })
}

/// Links the current request's visitor (if any) to `user`.
pub async fn link_current(tx: &mut PgConnection, user: Uuid) -> AppResult<()> {
    match current() {
        Some(v) => super::db::link_visitor(tx, v.id, user).await,
        None => Ok(()),
    }
}
