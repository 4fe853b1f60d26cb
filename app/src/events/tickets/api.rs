//! Server functions for ticket types: authenticate, read the form into a
//! domain type, one call into `tickets::db` (which checks that the caller
//! organizes the event and owns its shop). Buying goes through the cart's
//! own `add_to_cart`.

use leptos::prelude::*;
use uuid::Uuid;

use crate::error::AppError;

/// Adds a ticket type (name, price in the event's currency, quota).
#[server(prefix = "/api", endpoint = "events/tickets/add")]
pub async fn add_ticket_type(event: Uuid, name: String, price: String, quota: String) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let currency = super::db::currency_for_organizer(&state.pool, event, user.id).await?;
    let new = super::TicketTypeForm { name, price, quota }.validate(currency)?;
    super::db::add_type(&state.pool, event, user.id, &new).await.map(|_| ())
}

/// Changes a ticket type's price and quota.
#[server(prefix = "/api", endpoint = "events/tickets/update")]
pub async fn update_ticket_type(ticket_type: Uuid, price: String, quota: String) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let currency = super::db::currency_for_type(&state.pool, ticket_type, user.id).await?;
    let price = super::parse_price(&price, currency)?;
    let quota = super::parse_quota(&quota)?;
    super::db::update_type(&state.pool, ticket_type, user.id, price, quota).await
}

/// Stops selling a ticket type; tickets already sold stay valid.
#[server(prefix = "/api", endpoint = "events/tickets/stop")]
pub async fn stop_ticket_type(ticket_type: Uuid) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::db::stop_type(&state.pool, ticket_type, user.id).await
}
