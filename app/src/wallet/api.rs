//! The wallet's server functions. Every one acts on the signed-in shopper's
//! own wallet only; a card id of someone else's is `NotFound`.

use leptos::prelude::*;
use uuid::Uuid;

use super::Wallet;
use crate::checkout::address::AddressInput;
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "wallet/load")]
pub async fn load_wallet() -> Result<Wallet, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::db::wallet(&state.pool, user.id).await
}

/// Saves the shipping address Buy now ships to.
#[server(prefix = "/api", endpoint = "wallet/address")]
pub async fn save_wallet_address(address: AddressInput) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let address = crate::checkout::address::validate(&address)?;
    super::db::save_address(&state.pool, user.id, &address).await
}

/// "Add a card": starts a card setup and sends the shopper to the payment
/// provider's hosted field, which sends them back to `card_added`. Posted
/// by a plain form, so the browser follows the redirect off the app.
#[server(prefix = "/api", endpoint = "wallet/add-card")]
pub async fn add_card() -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let setup = super::db::start_setup(&state.pool, user.id, state.clock.now()).await?;
    leptos_axum::redirect(&format!(
        "{}?state={}&return_to={}",
        crate::payments::hosted::HOSTED_FIELD_PATH,
        setup.simple(),
        super::CARD_ADDED_PATH
    ));
    Ok(())
}

/// Where the hosted field returns with the card's token: saves it to the
/// shopper's wallet and goes back to the wallet page, which says how it
/// went (`?card=added`, or one of a fixed set of problems, never text
/// taken from the address).
#[server(prefix = "/api", endpoint = "wallet/card-added", input = server_fn::codec::GetUrl)]
pub async fn card_added(payment_token: String, state: String) -> Result<(), AppError> {
    use super::SetupProblem;
    if payment_token.trim().is_empty() {
        // "Cancel" on the provider's page.
        leptos_axum::redirect("/settings/payment");
        return Ok(());
    }
    let outcome = match crate::accounts::session::current_user().await? {
        None => Err(SetupProblem::SignedOut),
        Some(user) => match Uuid::parse_str(&state) {
            Err(_) => Err(SetupProblem::Expired),
            Ok(setup) => {
                let app = crate::state::app_state()?;
                let (payments, now) = (app.payments.as_ref(), app.clock.now());
                super::db::finish_setup(&app.pool, payments, user.id, setup, payment_token.trim(), now).await?
            }
        },
    };
    let code = match outcome {
        Ok(_) => "added",
        Err(problem) => problem.code(),
    };
    leptos_axum::redirect(&format!("/settings/payment?card={code}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "wallet/remove-card")]
pub async fn remove_saved_card(card: Uuid) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::db::remove_card(&state.pool, state.payments.as_ref(), user.id, card).await
}

#[server(prefix = "/api", endpoint = "wallet/default-card")]
pub async fn make_default_card(card: Uuid) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::db::make_default(&state.pool, user.id, card).await
}
