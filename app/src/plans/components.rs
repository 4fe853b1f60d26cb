//! Plan cards in posts, the disclosure beside every per-payment amount,
//! the warning for a monthly-price claim with no plan, and the author's
//! plan picker on their post.

use leptos::prelude::*;
use uuid::Uuid;

use super::api::{search_plans, LinkPostPlan, UnlinkPostPlan};
use super::claims::claims_monthly_price;
use super::eligibility::Verdict;
use super::{PlanCard, PlanQuote, MAX_PLANS_PER_POST};
use crate::ui::{ErrorAlert, Pick, PickFuture, SearchPicker, PRIMARY_BUTTON_CLASS};

/// The per-payment amount with its disclosure right under it: the two
/// are never shown apart.
#[component]
pub fn PerPaymentWithDisclosure(quote: PlanQuote) -> impl IntoView {
    view! {
        <p class="text-lg font-bold text-stone-900" data-testid="plan-per-payment">{quote.per_payment_label()}</p>
        <p class="text-xs leading-snug text-stone-600" data-testid="plan-disclosure">{quote.disclosure()}</p>
    }
}

/// "You pre-qualify", or why not.
#[component]
pub fn VerdictBadge(verdict: Verdict) -> impl IntoView {
    let class = if verdict.qualifies() {
        "inline-block rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-800"
    } else {
        "inline-block text-xs text-stone-500"
    };
    view! { <span class=class data-testid="plan-verdict">{verdict.label()}</span> }
}

/// A post's plans: one card, or two or three side by side to compare,
/// the featured one highlighted. Each opens the product with its plan chosen.
#[component]
pub fn PlanCards(plans: Vec<PlanCard>) -> impl IntoView {
    let columns = match plans.len() {
        1 => "grid-cols-1",
        2 => "grid-cols-2",
        _ => "grid-cols-3",
    };
    let product = plans.first().map(|c| (c.product_title.clone(), c.image_url.clone()));
    let same_product = plans.windows(2).all(|w| w[0].quote.product_id == w[1].quote.product_id);
    view! {
        <section class="px-4 pt-3" aria-label="Payment plans" data-testid="plan-cards">
            {product.filter(|_| same_product).map(|(title, image)| view! {
                <div class="mb-2 flex items-center gap-2">
                    {image.map(|src| view! { <img src=src alt=title.clone() class="h-10 w-10 rounded-lg object-cover" /> })}
                    <p class="min-w-0 truncate text-sm font-semibold">
                        <span class="mr-1" aria-hidden="true">"💳"</span>{format!("Pay in installments · {title}")}
                    </p>
                </div>
            })}
            <ul class=format!("grid {columns} gap-2")>
                {plans.into_iter().map(|card| view! { <PlanCardItem card show_title=!same_product /> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn PlanCardItem(card: PlanCard, show_title: bool) -> impl IntoView {
    let PlanCard { quote, product_title, is_featured, .. } = card;
    let frame = if is_featured {
        "flex h-full flex-col gap-1 rounded-xl border-2 border-fuchsia-500 bg-fuchsia-50 p-2"
    } else {
        "flex h-full flex-col gap-1 rounded-xl border border-stone-200 bg-white p-2"
    };
    view! {
        <li data-testid="plan-card" data-featured=is_featured.to_string() class="min-w-0">
            <div class=frame>
                {is_featured.then(|| view! {
                    <span class="self-start rounded-full bg-fuchsia-600 px-2 py-0.5 text-[0.65rem] font-semibold uppercase text-white">"Featured"</span>
                })}
                {show_title.then(|| view! { <p class="truncate text-xs font-semibold text-stone-700">{product_title}</p> })}
                <p class="text-sm font-semibold" data-testid="plan-title">{quote.terms.title()}</p>
                <PerPaymentWithDisclosure quote=quote.clone() />
                <VerdictBadge verdict=quote.verdict.clone() />
                <a href=quote.href() data-testid="plan-buy"
                    class="mt-auto inline-flex items-center justify-center rounded-lg bg-fuchsia-600 px-2 py-1.5 text-sm font-semibold text-white hover:bg-fuchsia-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400">
                    "Buy with plan"
                </a>
            </div>
        </li>
    }
}

/// Under a post whose text claims a monthly price: the terms of the plan
/// it links (the featured one, else the first); to its author, a warning
/// when it links none. Checked on the server's copy of the post, so the
/// warning is there after publishing as well as while composing.
#[component]
pub fn ClaimDisclosure(body: String, plans: Vec<PlanCard>, is_author: bool) -> impl IntoView {
    if !claims_monthly_price(&body) {
        return ().into_any();
    }
    let backing = plans.iter().find(|c| c.is_featured).or_else(|| plans.first()).map(|c| c.quote.clone());
    match backing {
        Some(quote) => view! {
            <p class="mx-4 mt-2 rounded-lg bg-stone-100 px-3 py-2 text-xs text-stone-700" data-testid="plan-claim-disclosure">
                {format!("Payment terms: {} ({} of {})", quote.disclosure(), quote.per_payment_label(), quote.money(quote.price.minor).display())}
            </p>
        }
        .into_any(),
        None if is_author => view! { <ClaimWarning /> }.into_any(),
        None => ().into_any(),
    }
}

/// The warning an author sees when their text claims a monthly price and
/// no plan backs it. A warning, not a refusal: the post is published.
#[component]
pub fn ClaimWarning() -> impl IntoView {
    view! {
        <p role="status" class="mx-4 mt-2 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="plan-claim-warning">
            "Your text mentions a monthly price, but no payment plan is linked. Link the plan so readers see its APR, number of payments, total cost and down payment."
        </p>
    }
}

/// The compose and edit forms' live check of the text being typed, while
/// no plan is picked (`plans_linked`).
#[component]
pub fn ComposeClaimWarning(
    #[prop(into)] body: Signal<String>,
    #[prop(into)] plans_linked: Signal<bool>,
) -> impl IntoView {
    move || (!plans_linked.get() && claims_monthly_price(&body.get())).then(|| view! { <ClaimWarning /> })
}

/// What the plan pickers offer: offered plans of products matching the
/// query, one line each.
pub fn find_plans(query: String) -> PickFuture {
    Box::pin(async move {
        let picks = search_plans(query).await?;
        Ok(picks.into_iter().map(|p| Pick { id: p.plan_id.to_string(), label: p.label }).collect())
    })
}

/// The author's plan picker on their post: search offered plans by product,
/// link up to three (one featured), remove.
#[component]
pub fn PlanEditor(post_id: Uuid, plans: Vec<PlanCard>, changed: RwSignal<u32>) -> impl IntoView {
    let link = ServerAction::<LinkPostPlan>::new();
    let unlink = ServerAction::<UnlinkPostPlan>::new();
    Effect::new(move |_| {
        if matches!(link.value().get(), Some(Ok(()))) || matches!(unlink.value().get(), Some(Ok(()))) {
            changed.update(|n| *n += 1);
        }
    });
    let error = Signal::derive(move || {
        link.value().get().and_then(Result::err).or_else(|| unlink.value().get().and_then(Result::err))
    });
    let chosen = RwSignal::new(None::<Pick>);
    let on_pick = Callback::new(move |pick: Pick| chosen.set(Some(pick)));
    let full = plans.len() >= MAX_PLANS_PER_POST;
    view! {
        <section class="mt-6 space-y-3 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm" data-testid="plan-editor">
            <h2 class="text-lg font-semibold">"Payment plans"</h2>
            <p class="text-sm text-stone-600">{format!("Show up to {MAX_PLANS_PER_POST} installment plans as cards, side by side to compare.")}</p>
            <ErrorAlert error />
            <ul class="space-y-1 text-sm" data-testid="linked-plans">
                {plans.into_iter().map(|card| view! {
                    <li class="flex items-center justify-between gap-2">
                        <span>{format!("{} · {}{}", card.product_title, card.quote.terms.title(), if card.is_featured { " (featured)" } else { "" })}</span>
                        <ActionForm action=unlink>
                            <input type="hidden" name="post_id" value=post_id.to_string() />
                            <input type="hidden" name="plan" value=card.quote.plan_id.to_string() />
                            <button type="submit" class="text-rose-700 hover:underline">"Remove"</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
            {(!full).then(|| view! {
                <ActionForm action=link>
                    <div class="space-y-3">
                        <input type="hidden" name="post_id" value=post_id.to_string() />
                        <input type="hidden" name="plan" value=move || chosen.get().map(|p| p.id).unwrap_or_default() />
                        <SearchPicker name="plan" label="Find a product's plans" placeholder="Search products" search=find_plans on_pick />
                        <p class="text-sm text-stone-600" data-testid="chosen-plan">
                            {move || chosen.get().map(|p| format!("Linking: {}", p.label)).unwrap_or_default()}
                        </p>
                        <label class="flex items-center gap-2 text-sm">
                            <input type="checkbox" name="featured" data-testid="plan-featured" />
                            "Feature this plan (highlighted in the comparison)"
                        </label>
                        <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="add-plan" disabled=move || link.pending().get()>"Link plan"</button>
                    </div>
                </ActionForm>
            })}
        </section>
    }
}
