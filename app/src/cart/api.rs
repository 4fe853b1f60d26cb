//! Server functions for the cart. The cart is found from the request (the
//! session's user, or the guest cookie), never from an id the client sends,
//! so nobody can read or change another shopper's cart. Prices are never
//! taken from the client.

use leptos::prelude::*;
use uuid::Uuid;

use super::CartView;
use crate::error::AppError;

#[cfg(feature = "ssr")]
pub mod owner {
    //! Which cart the current request means, and the guest cookie.
    use std::time::Duration;

    use super::super::db::{self, Owner};
    use crate::accounts::session::{self, named_cookie_header};
    use crate::error::AppResult;
    use crate::state::app_state;

    pub const CART_COOKIE: &str = "sf_cart";
    const GUEST_CART_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

    /// The current request's cart owner. A signed-in user's guest cart (from
    /// before they logged in) merges into their account cart here if it has
    /// not already. A guest without a cart gets a new cookie when `create`.
    pub async fn current(create: bool) -> AppResult<Option<Owner>> {
        let state = app_state()?;
        let guest = crate::request::cookie(CART_COOKIE).filter(|t| session::plausible(t));
        if let Some(user) = session::current_user().await? {
            if guest.is_some() {
                let mut tx = state.pool.begin().await?;
                adopt_guest_cart(&mut tx, user.id).await?;
                tx.commit().await?;
            }
            return Ok(Some(Owner::User(user.id)));
        }
        match guest {
            Some(token) => Ok(Some(Owner::Guest(session::token_hash(&token)))),
            None if create => {
                let (token, hash) = session::new_token();
                session::send_cookie(&named_cookie_header(
                    CART_COOKIE,
                    &token,
                    GUEST_CART_TTL,
                    state.config.secure_cookies,
                ));
                Ok(Some(Owner::Guest(hash)))
            }
            None => Ok(None),
        }
    }

    /// Merges this browser's guest cart into `user`'s and drops the cookie;
    /// called in the login and registration transactions.
    pub async fn adopt_guest_cart(tx: &mut sqlx::PgConnection, user: uuid::Uuid) -> AppResult<()> {
        let Some(token) = crate::request::cookie(CART_COOKIE).filter(|t| session::plausible(t)) else {
            return Ok(());
        };
        db::merge_guest(tx, &session::token_hash(&token), user).await?;
        let secure = app_state()?.config.secure_cookies;
        session::send_cookie(&named_cookie_header(CART_COOKIE, "", Duration::ZERO, secure));
        Ok(())
    }
}

#[server(prefix = "/api", endpoint = "cart")]
pub async fn get_cart() -> Result<CartView, AppError> {
    let state = crate::state::app_state()?;
    let Some(owner) = owner::current(false).await? else {
        return Ok(CartView::default());
    };
    let mut conn = state.pool.acquire().await?;
    match super::db::find(&mut conn, &owner).await? {
        Some(cart) => super::db::view(&mut conn, cart).await,
        None => Ok(CartView::default()),
    }
}

#[server(prefix = "/api", endpoint = "cart/count")]
pub async fn cart_count() -> Result<i64, AppError> {
    let state = crate::state::app_state()?;
    let Some(owner) = owner::current(false).await? else {
        return Ok(0);
    };
    let mut conn = state.pool.acquire().await?;
    match super::db::find(&mut conn, &owner).await? {
        Some(cart) => super::db::count(&state.pool, cart).await,
        None => Ok(0),
    }
}

/// Adds a variant to the cart. `ctx` is the attribution context the item
/// was found through (kept on the line); with `buy_now` the shopper goes
/// straight to that shop's checkout.
#[server(prefix = "/api", endpoint = "cart/add")]
pub async fn add_to_cart(
    variant: Uuid,
    quantity: String,
    ctx: Option<String>,
    buy_now: Option<String>,
) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let quantity = super::parse_quantity(&quantity)?;
    let owner = owner::current(true).await?.ok_or(AppError::Internal)?;
    let item = sqlx::query!(
        "SELECT v.product_id, v.shop_id, s.handle FROM product_variants v JOIN shops s ON s.id = v.shop_id WHERE v.id = $1",
        variant
    )
    .fetch_optional(&state.pool)
    .await?
    .ok_or_else(|| AppError::NotFound("Product".into()))?;
    // Only a genuine context whose post shows this product is kept on the
    // line; an edited or foreign one is ignored.
    let context = crate::attribution::verify(ctx.as_deref(), item.product_id).await;
    let ctx = context.as_ref().and(ctx.as_deref());
    super::db::add(&state.pool, &owner, variant, quantity, ctx).await?;
    let kind = crate::attribution::EventKind::AddToCart;
    crate::attribution::product_step(kind, item.product_id, item.shop_id, context.as_ref()).await;
    if buy_now.is_some() {
        leptos_axum::redirect(&format!("/checkout/{}", item.handle));
    }
    Ok(())
}

#[server(prefix = "/api", endpoint = "cart/update")]
pub async fn update_cart_line(line: Uuid, quantity: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let quantity = super::parse_quantity(&quantity)?;
    let owner = owner::current(false).await?.ok_or_else(|| AppError::NotFound("Cart line".into()))?;
    super::db::set_quantity(&state.pool, &owner, line, quantity).await
}

#[server(prefix = "/api", endpoint = "cart/remove")]
pub async fn remove_cart_line(line: Uuid) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let owner = owner::current(false).await?.ok_or_else(|| AppError::NotFound("Cart line".into()))?;
    super::db::remove(&state.pool, &owner, line).await
}
