//! The two requests of "Pay": the checkout page's form, which leaves for
//! the provider's page, and the provider's redirect back. Both answer with
//! a redirect, so they work the same with and without the WASM client; the
//! way back never fails with an error page, it goes to the order or back
//! to the checkout with a fixed message.

use leptos::prelude::*;
use uuid::Uuid;

use crate::error::AppError;

/// "Pay $X": opens a payment session for the total the button showed
/// (`shown_total` minor units of `shown_currency`) and sends the buyer to
/// the provider's hosted page. Posted by a plain form, so the browser
/// follows the redirect off the app; an error comes back to the form.
#[server(prefix = "/api", endpoint = "checkout/pay")]
pub async fn start_payment(checkout: Uuid, shown_total: i64, shown_currency: String) -> Result<(), AppError> {
    let buyer = crate::checkout::guest::current_buyer().await?;
    let state = crate::state::app_state()?;
    let shown = crate::money::Money::new(shown_total, crate::money::Currency::parse(&shown_currency)?);
    let page =
        super::db::start(&state.pool, state.payments.as_ref(), checkout, &buyer, shown, state.clock.now()).await?;
    leptos_axum::redirect(&page);
    Ok(())
}

/// Where the provider's page returns with the card's one-time token: places
/// the order and goes to its confirmation, or back to the checkout saying
/// why not (`?payment=<code>`). An empty token is "Cancel" on that page.
#[server(prefix = "/api", endpoint = "checkout/card-entered", input = server_fn::codec::GetUrl)]
pub async fn card_entered(payment_token: String, state: String) -> Result<(), AppError> {
    use super::db::{self, Finished};
    use super::{back_to_checkout, PaymentProblem};
    let app = crate::state::app_state()?;
    let now = app.clock.now();
    let buyer = crate::cart::api::owner::current(false).await?;
    let (Some(buyer), Ok(session)) = (buyer, Uuid::parse_str(state.trim())) else {
        leptos_axum::redirect("/cart");
        return Ok(());
    };
    let token = payment_token.trim();
    if token.is_empty() {
        let shop = db::shop_of(&app.pool, &buyer, session).await?;
        leptos_axum::redirect(&shop.map_or_else(|| "/cart".to_string(), |shop| format!("/checkout/{shop}")));
        return Ok(());
    }
    let ttl = app.config.reservation_ttl;
    let finished = match db::finish(&app.pool, app.payments.as_ref(), &buyer, session, token, now, ttl).await {
        Ok(finished) => finished,
        Err(error) => {
            tracing::error!(%error, "finishing a hosted payment failed");
            match db::shop_of(&app.pool, &buyer, session).await? {
                Some(shop) => Finished::Refused { shop, problem: PaymentProblem::Failed, was: None },
                None => return Err(error),
            }
        }
    };
    match finished {
        Finished::Placed { order, fresh: true } => crate::checkout::api::after_placed(&buyer, order, now).await,
        Finished::Placed { order, fresh: false } => crate::checkout::api::to_confirmation(&buyer, order, now).await,
        Finished::Refused { shop, problem, was } => {
            leptos_axum::redirect(&back_to_checkout(&shop, problem, was));
            Ok(())
        }
        Finished::Unknown => {
            leptos_axum::redirect("/cart");
            Ok(())
        }
    }
}
