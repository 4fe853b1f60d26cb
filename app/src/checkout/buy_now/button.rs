//! The one-tap Buy now button for a shopper with saved details. It appears
//! once the page has hydrated and the server has quoted the selected
//! variant and quantity (`quote_buy_now`); until then, and for everyone
//! else, the add-to-cart form's own "Buy now" goes to checkout. Nothing
//! here renders on the server, so hydration is unaffected.

use leptos::prelude::*;
use uuid::Uuid;

use super::api::{BuyNow, QuoteBuyNow};
use super::BuyNowQuote;
use crate::catalog::Variant;
use crate::error::AppError;
use crate::ui::{ErrorAlert, PRIMARY_BUTTON_CLASS};

#[component]
pub fn BuyNowExpress(
    #[prop(into)] selected: Signal<Option<Variant>>,
    #[prop(into)] quantity: Signal<String>,
    ctx: Option<String>,
    /// Set while the one-tap button is showing.
    shown: RwSignal<bool>,
) -> impl IntoView {
    let quote = ServerAction::<QuoteBuyNow>::new();
    let buy = ServerAction::<BuyNow>::new();
    // A fresh key per attempt: the same key is the same purchase.
    let click = RwSignal::new(Uuid::new_v4());
    let wanted = Memo::new(move |_| selected.with(|v| v.as_ref().filter(|v| v.available > 0).map(|v| v.id)));
    // Quote what is selected, again after a failed purchase (the price or
    // the stock may have moved).
    // Only a signed-in shopper can have saved details: nobody else's page
    // asks.
    let auth = crate::accounts::use_auth();
    Effect::new(move |_| {
        let failed = matches!(buy.value().get(), Some(Err(_)));
        let signed_in = matches!(auth.user.get(), Some(Ok(Some(_))));
        if let (true, Some(variant)) = (signed_in, wanted.get()) {
            quote.dispatch(QuoteBuyNow { variant, quantity: quantity.get() });
        }
        if failed {
            click.set(Uuid::new_v4());
        }
    });
    // The latest answer, once no newer question is pending: a quote for
    // another variant or quantity never shows on the button.
    let last_quote = RwSignal::new(None::<BuyNowQuote>);
    Effect::new(move |_| {
        if quote.pending().get() {
            return;
        }
        let answer = match quote.value().get() {
            Some(Ok(Some(q))) => Some(q),
            _ => None,
        };
        last_quote.set(answer.filter(|_| wanted.get().is_some()));
    });
    Effect::new(move |_| shown.set(last_quote.with(Option::is_some)));
    let result = Signal::derive(move || buy.value().get().and_then(Result::err));
    let changed = Signal::derive(move || match result.get() {
        Some(AppError::TotalChanged { total, .. }) => Some(total),
        _ => None,
    });
    let error = Signal::derive(move || result.get().filter(|e| !matches!(e, AppError::TotalChanged { .. })));
    let busy = Signal::derive(move || buy.pending().get() || quote.pending().get());
    move || {
        last_quote.get().map(|q| {
            let ctx = ctx.clone();
            let variant = wanted.get().map(|v| v.to_string()).unwrap_or_default();
            view! {
                <ActionForm action=buy attr:class="mt-3 space-y-2" attr:data-testid="buy-now-express-form">
                    <input type="hidden" name="variant" value=variant />
                    <input type="hidden" name="quantity" value=quantity.get() />
                    {ctx.map(|c| view! { <input type="hidden" name="ctx" value=c /> })}
                    <input type="hidden" name="click" value=click.get().to_string() />
                    <input type="hidden" name="shown_total" value=q.total.minor.to_string() />
                    <input type="hidden" name="shown_currency" value=q.total.currency.code() />
                    <ErrorAlert error />
                    {move || changed.get().map(|now| view! {
                        <p role="alert" class="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
                            data-testid="buy-now-total-changed">
                            {format!("The total changed to {} since you opened this. Nothing was charged: tap again to pay the new total.", now.display())}
                        </p>
                    })}
                    <button type="submit" class=format!("{PRIMARY_BUTTON_CLASS} w-full") disabled=move || busy.get()
                        data-testid="buy-now-express">
                        {move || if buy.pending().get() { "Buying…".to_string() } else { format!("Buy now · {}", q.total.display()) }}
                    </button>
                    <p class="text-xs text-stone-600" data-testid="buy-now-details">
                        {format!("{} · ships to {} · {} · total includes shipping and tax", q.card, q.ship_to, q.shipping)}
                    </p>
                </ActionForm>
            }
        })
    }
}
