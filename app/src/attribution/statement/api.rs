//! The server function behind the creator's commission statement.

use leptos::prelude::*;

use super::Statement;
use crate::error::AppError;

/// The signed-in creator's commission statement for `month` (this month
/// when empty): only their own commissions and those lines' touch paths.
#[server(prefix = "/api", endpoint = "creator/statement")]
pub async fn creator_statement(month: Option<String>) -> Result<Statement, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let period = crate::attribution::dashboards::Period::parse(month.as_deref(), state.clock.now())?;
    super::db::statement(&state.pool, user.id, &period).await
}
