//! `/settings/payment`: the saved address and cards Buy now uses. Every
//! form works before hydration; "Add a card" leaves for the payment
//! provider's hosted field and comes back here with `?card=…`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use super::api::{load_wallet, MakeDefaultCard, RemoveSavedCard, SaveWalletAddress};
use super::{SavedCard, SetupProblem, Wallet};
use crate::checkout::address_fields::AddressFields;
use crate::error::AppError;
use crate::ui::{ErrorAlert, ErrorPage, Loading, SuccessNote, PRIMARY_BUTTON_CLASS, SECONDARY_BUTTON_CLASS};

const CARD_CLASS: &str = "rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6";

#[component]
pub fn WalletPage() -> impl IntoView {
    let address = ServerAction::<SaveWalletAddress>::new();
    let remove = ServerAction::<RemoveSavedCard>::new();
    let default = ServerAction::<MakeDefaultCard>::new();
    let wallet = Resource::new(
        move || (address.version().get(), remove.version().get(), default.version().get()),
        |_| load_wallet(),
    );
    view! {
        <Title text="Payment and shipping" />
        <section class="mx-auto max-w-xl">
            <h1 class="text-2xl font-bold">"Payment and shipping"</h1>
            <p class="mt-1 text-sm text-stone-600">"Buy now pays with your default card and ships to this address, in one tap."</p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match wallet.await {
                        Ok(w) => view! { <WalletForms wallet=w address remove default /> }.into_any(),
                        Err(AppError::Unauthorized) => view! { <Redirect path="/login?next=/settings/payment" /> }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn WalletForms(
    wallet: Wallet,
    address: ServerAction<SaveWalletAddress>,
    remove: ServerAction<RemoveSavedCard>,
    default: ServerAction<MakeDefaultCard>,
) -> impl IntoView {
    let address_error = Signal::derive(move || address.value().get().and_then(Result::err));
    let address_saved = Signal::derive(move || matches!(address.value().get(), Some(Ok(()))));
    let card_error = Signal::derive(move || {
        remove.value().get().and_then(Result::err).or(default.value().get().and_then(Result::err))
    });
    let has_address = wallet.address.is_some();
    view! {
        <div class="mt-4 space-y-6">
            <div class=CARD_CLASS data-testid="wallet-cards">
                <h2 class="text-lg font-semibold">"Cards"</h2>
                <CardSetupNotice />
                <ErrorAlert error=card_error />
                {if wallet.cards.is_empty() {
                    view! { <p class="mt-2 text-sm text-stone-600" data-testid="no-cards">"No saved cards yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="mt-3 divide-y divide-stone-200">
                            {wallet.cards.into_iter().map(|card| view! { <CardRow card remove default /> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                // A plain form: the server answers with a redirect to the
                // provider's page, which the browser follows.
                <form method="post" action="/api/wallet/add-card" class="mt-4">
                    <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="add-card">"Add a card"</button>
                </form>
                <p class="mt-2 text-xs text-stone-500">
                    "You type the card on our payment provider's secure page: its number goes to them and never to Storefeed."
                </p>
            </div>

            <div class=CARD_CLASS data-testid="wallet-address">
                <h2 class="text-lg font-semibold">"Shipping address"</h2>
                <ActionForm action=address attr:class="mt-3 space-y-3">
                    <ErrorAlert error=address_error />
                    <SuccessNote show=address_saved message="Address saved." />
                    <AddressFields address=wallet.address.unwrap_or_default() error=address_error id_prefix="wallet" />
                    <button type="submit" class=PRIMARY_BUTTON_CLASS disabled=move || address.pending().get() data-testid="save-wallet-address">
                        {if has_address { "Update address" } else { "Save address" }}
                    </button>
                </ActionForm>
            </div>
        </div>
    }
}

/// How the last trip to the hosted field went (`?card=` in the address).
#[component]
fn CardSetupNotice() -> impl IntoView {
    let query = use_query_map();
    move || {
        let code = query.with(|q| q.get("card"));
        match code.as_deref() {
            Some("added") => Some(view! {
                <p role="status" class="mt-2 rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800"
                    data-testid="card-added">"Card saved."</p>
            }.into_any()),
            Some(code) => SetupProblem::from_code(code).map(|problem| view! {
                <p role="alert" class="mt-2 rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800"
                    data-testid="card-problem">{problem.message()}</p>
            }.into_any()),
            None => None,
        }
    }
}

#[component]
fn CardRow(
    card: SavedCard,
    remove: ServerAction<RemoveSavedCard>,
    default: ServerAction<MakeDefaultCard>,
) -> impl IntoView {
    let id = card.id.to_string();
    let summary = card.summary();
    view! {
        <li class="flex flex-wrap items-center justify-between gap-2 py-3" data-testid="saved-card">
            <span>
                <span class="font-medium">{summary.clone()}</span>
                <span class="ml-2 text-sm text-stone-500">{format!("expires {}", card.expiry())}</span>
                {card.is_default.then(|| view! {
                    <span class="ml-2 rounded-full bg-fuchsia-100 px-2 py-0.5 text-xs font-semibold text-fuchsia-800" data-testid="default-card">"Default"</span>
                })}
            </span>
            <span class="flex gap-2">
                {(!card.is_default).then(|| {
                    let id = id.clone();
                    view! {
                        <ActionForm action=default>
                            <input type="hidden" name="card" value=id />
                            <button type="submit" class=SECONDARY_BUTTON_CLASS data-testid="make-default"
                                aria-label=format!("Make {summary} the default")>"Make default"</button>
                        </ActionForm>
                    }
                })}
                <ActionForm action=remove>
                    <input type="hidden" name="card" value=id />
                    <button type="submit" class=SECONDARY_BUTTON_CLASS data-testid="remove-card"
                        aria-label=format!("Remove {}", card.summary())>"Remove"</button>
                </ActionForm>
            </span>
        </li>
    }
}
