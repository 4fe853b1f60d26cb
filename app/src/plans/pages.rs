//! Plans on the product page (each with its disclosure, the one in
//! `?plan=` chosen) and the shop owner's plan editor on the product's
//! edit page.

use leptos::prelude::*;
use uuid::Uuid;

use super::api::{
    product_plans, product_plans_for_editor, ChooseCheckoutPlan, CreatePlan, PayByPlan, SetPlanActive,
    StartPlanCheckout,
};
use super::components::{PerPaymentWithDisclosure, VerdictBadge};
use super::{CheckoutPlans, Frequency, InstalmentStatus, OrderPlan, PlanQuote, MAX_APR_BP, MAX_PAYMENTS, MIN_PAYMENTS};
use crate::catalog::Variant;
use crate::ui::{ErrorAlert, INPUT_CLASS, LABEL_CLASS, PRIMARY_BUTTON_CLASS, SECONDARY_BUTTON_CLASS};

/// The product's plans for the variant chosen, each with its disclosure;
/// the one in `?plan=` is chosen. "Buy with plan" puts the variant in the
/// cart and opens the shop's checkout with the plan chosen. Nothing when
/// the product offers no plans.
#[component]
pub fn ProductPlans(product_id: Uuid, selected: Memo<Option<Variant>>, ctx: Option<String>) -> impl IntoView {
    let wanted = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("plan"))
        .and_then(|id| Uuid::parse_str(&id).ok());
    let plans = Resource::new(move || product_id, product_plans);
    let start = ServerAction::<StartPlanCheckout>::new();
    let error = Signal::derive(move || start.value().get().and_then(Result::err));
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let ctx = ctx.clone();
                Suspend::new(async move {
                    let by_variant = plans.await.unwrap_or_default();
                    if by_variant.iter().all(|v| v.quotes.is_empty()) {
                        return ().into_any();
                    }
                    let by_variant = StoredValue::new(by_variant);
                    let quotes = move || {
                        let variant = selected.get().map(|v| v.id);
                        by_variant.with_value(|all| {
                            all.iter().find(|v| Some(v.variant_id) == variant).map(|v| v.quotes.clone()).unwrap_or_default()
                        })
                    };
                    let chosen = RwSignal::new(wanted.or_else(|| by_variant.with_value(|all| all.first().and_then(|v| v.quotes.first()).map(|q| q.plan_id))));
                    view! {
                        <section class="mt-4 rounded-2xl border border-stone-200 p-3" data-testid="product-plans" aria-labelledby="plans-heading">
                            <h2 id="plans-heading" class="font-semibold">"Pay in installments"</h2>
                            <ActionForm action=start attr:class="mt-2 space-y-2">
                                <ErrorAlert error />
                                {ctx.map(|c| view! { <input type="hidden" name="ctx" value=c /> })}
                                <input type="hidden" name="variant"
                                    value=move || selected.with(|v| v.as_ref().map(|v| v.id.to_string()).unwrap_or_default()) />
                                <fieldset>
                                    <legend class="sr-only">"Choose a plan"</legend>
                                    <ul class="space-y-2">
                                        {move || quotes().into_iter().map(|q| view! { <PlanOption quote=q chosen /> }).collect_view()}
                                    </ul>
                                </fieldset>
                                <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="buy-with-plan"
                                    disabled=move || start.pending().get() || selected.with(|v| v.as_ref().is_none_or(|v| v.available <= 0))>
                                    "Buy with plan"
                                </button>
                            </ActionForm>
                        </section>
                    }
                    .into_any()
                })
            }}
        </Suspense>
    }
}

/// One plan as a radio choice, its per-payment amount with its disclosure.
#[component]
fn PlanOption(quote: PlanQuote, chosen: RwSignal<Option<Uuid>>) -> impl IntoView {
    let id = quote.plan_id;
    let (label_for, input_id) = (format!("plan-{id}"), format!("plan-{id}"));
    view! {
        <li>
            <label for=label_for data-testid="product-plan" data-plan=id.to_string()
                class="flex cursor-pointer gap-3 rounded-xl border border-stone-200 p-3 has-[:checked]:border-fuchsia-500 has-[:checked]:bg-fuchsia-50">
                <input type="radio" id=input_id name="plan" value=id.to_string() class="mt-1"
                    prop:checked=move || chosen.get() == Some(id) checked=chosen.get_untracked() == Some(id)
                    on:change=move |_| chosen.set(Some(id)) />
                <PlanChoice quote />
            </label>
        </li>
    }
}

/// What a plan choice says: the plan, its per-payment amount with its
/// disclosure, and whether the shopper pre-qualifies.
#[component]
fn PlanChoice(quote: PlanQuote) -> impl IntoView {
    view! {
        <span class="min-w-0 flex-1">
            <span class="block text-sm font-semibold" data-testid="plan-title">{quote.terms.title()}</span>
            <PerPaymentWithDisclosure quote=quote.clone() />
            <VerdictBadge verdict=quote.verdict />
        </span>
    }
}

/// The shop owner's plans for one product: retire or offer each again,
/// and add one. Plans are not edited in place (posts and orders quote
/// them): retire one and add another.
#[component]
pub fn PlanManager(product_id: Uuid) -> impl IntoView {
    let create = ServerAction::<CreatePlan>::new();
    let toggle = ServerAction::<SetPlanActive>::new();
    let plans = Resource::new(
        move || (create.version().get(), toggle.version().get()),
        move |_| product_plans_for_editor(product_id),
    );
    let create_error = Signal::derive(move || create.value().get().and_then(Result::err));
    let toggle_error = Signal::derive(move || toggle.value().get().and_then(Result::err));
    view! {
        <section class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm" data-testid="plan-manager">
            <h2 class="text-lg font-semibold">"Installment plans"</h2>
            <p class="mt-1 text-sm text-stone-600">"Shoppers see each plan's payment with its APR, number of payments, total cost and down payment."</p>
            <ErrorAlert error=toggle_error />
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = plans.await.unwrap_or_default();
                    view! {
                        <ul class="mt-3 space-y-2" data-testid="plan-rows">
                            {list.into_iter().map(|plan| view! {
                                <li class="flex flex-wrap items-center justify-between gap-2 rounded-lg border border-stone-200 p-2 text-sm" data-testid="plan-row">
                                    <span>
                                        {plan.summary()}
                                        {(!plan.active).then(|| view! { <span class="ml-2 rounded bg-stone-100 px-1.5 text-xs text-stone-600">"Retired"</span> })}
                                    </span>
                                    <ActionForm action=toggle>
                                        <input type="hidden" name="plan" value=plan.id.to_string() />
                                        <input type="hidden" name="active" value=(!plan.active).to_string() />
                                        <button type="submit" class="font-medium text-fuchsia-700 hover:underline" data-testid="plan-toggle">
                                            {if plan.active { "Retire" } else { "Offer again" }}
                                        </button>
                                    </ActionForm>
                                </li>
                            }).collect_view()}
                        </ul>
                    }
                })}
            </Transition>
            <ActionForm action=create attr:class="mt-4 space-y-3" attr:data-testid="plan-form">
                <input type="hidden" name="product" value=product_id.to_string() />
                <ErrorAlert error=create_error />
                <div class="grid grid-cols-2 gap-3">
                    <div>
                        <label for="plan-payments" class=LABEL_CLASS>"Payments"</label>
                        <input id="plan-payments" name="form[payments]" type="number" required
                            min=MIN_PAYMENTS.to_string() max=MAX_PAYMENTS.to_string() value="6" class=INPUT_CLASS />
                    </div>
                    <div>
                        <label for="plan-frequency" class=LABEL_CLASS>"Every"</label>
                        <select id="plan-frequency" name="form[frequency]" class=INPUT_CLASS>
                            <option value=Frequency::Monthly.as_str()>"Month"</option>
                            <option value=Frequency::Biweekly.as_str()>"Two weeks"</option>
                        </select>
                    </div>
                    <div>
                        <label for="plan-apr" class=LABEL_CLASS>"APR (%)"</label>
                        <input id="plan-apr" name="form[apr]" type="text" inputmode="decimal" required value="0"
                            aria-describedby="plan-apr-help" class=INPUT_CLASS />
                        <p id="plan-apr-help" class="mt-1 text-xs text-stone-500">{format!("0 to {}%", MAX_APR_BP / 100)}</p>
                    </div>
                    <div>
                        <label for="plan-down" class=LABEL_CLASS>"Down payment (%)"</label>
                        <input id="plan-down" name="form[down_payment]" type="text" inputmode="decimal" value="0" class=INPUT_CLASS />
                    </div>
                    <div>
                        <label for="plan-fee" class=LABEL_CLASS>"Fee"</label>
                        <input id="plan-fee" name="form[fee]" type="text" inputmode="decimal" value="" placeholder="0.00" class=INPUT_CLASS />
                    </div>
                    <div></div>
                    <div>
                        <label for="plan-min" class=LABEL_CLASS>"Minimum order"</label>
                        <input id="plan-min" name="form[min_total]" type="text" inputmode="decimal" placeholder="None" class=INPUT_CLASS />
                    </div>
                    <div>
                        <label for="plan-max" class=LABEL_CLASS>"Maximum order"</label>
                        <input id="plan-max" name="form[max_total]" type="text" inputmode="decimal" placeholder="None" class=INPUT_CLASS />
                    </div>
                </div>
                <button type="submit" class=SECONDARY_BUTTON_CLASS data-testid="add-plan-to-product" disabled=move || create.pending().get()>
                    "Add plan"
                </button>
            </ActionForm>
        </section>
    }
}

/// On the checkout of one product with plans: choose a plan (each with
/// its per-payment amount and disclosure) or pay in full.
#[component]
pub fn CheckoutPlanChooser(
    checkout: Uuid,
    plans: CheckoutPlans,
    action: ServerAction<ChooseCheckoutPlan>,
) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let chosen = plans.chosen.as_ref().map(|q| q.plan_id);
    let in_full = chosen.is_none() && plans.problem.is_none();
    view! {
        <section class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm" aria-labelledby="checkout-plans" data-testid="checkout-plans">
            <h2 id="checkout-plans" class="text-lg font-semibold">"Pay in installments?"</h2>
            <ActionForm action attr:class="mt-3 space-y-2">
                <input type="hidden" name="checkout" value=checkout.to_string() />
                <ErrorAlert error />
                <fieldset class="space-y-2">
                    <legend class="sr-only">"How to pay"</legend>
                    <label class="flex items-center gap-3 rounded-xl border border-stone-200 p-3 has-[:checked]:border-fuchsia-500">
                        <input type="radio" name="plan" value="" checked=in_full />
                        <span class="text-sm font-semibold">"Pay in full now"</span>
                    </label>
                    {plans.offered.into_iter().map(|q| {
                        let id = q.plan_id;
                        view! {
                            <label class="flex gap-3 rounded-xl border border-stone-200 p-3 has-[:checked]:border-fuchsia-500 has-[:checked]:bg-fuchsia-50"
                                data-testid="checkout-plan" data-plan=id.to_string()>
                                <input type="radio" name="plan" value=id.to_string() checked=chosen == Some(id) class="mt-1" />
                                <PlanChoice quote=q />
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" class=SECONDARY_BUTTON_CLASS data-testid="choose-plan" disabled=move || action.pending().get()>
                    "Use this choice"
                </button>
            </ActionForm>
        </section>
    }
}

/// The payment step when a plan is chosen: its schedule and disclosure,
/// and "Pay … now" with the saved card (a plain form: the server answers
/// with the order's confirmation). Or why the plan can't be used.
#[component]
pub fn PlanPayment(checkout: Uuid, plans: CheckoutPlans) -> impl IntoView {
    let pay = ServerAction::<PayByPlan>::new();
    let error = Signal::derive(move || pay.value().get().and_then(Result::err));
    let due = plans.due_now();
    match (plans.chosen, due, plans.problem) {
        (Some(quote), Some(due), None) => view! {
            <div class="mt-3 space-y-3" data-testid="plan-payment">
                <PlanSchedule quote=quote.clone() />
                <ActionForm action=pay attr:class="space-y-3">
                    <input type="hidden" name="checkout" value=checkout.to_string() />
                    <input type="hidden" name="shown_total" value=due.minor.to_string() />
                    <input type="hidden" name="shown_currency" value=due.currency.code() />
                    <ErrorAlert error />
                    <p class="text-xs text-stone-600">
                        {format!("Paid with your saved card {}; the later instalments are charged to it on their due dates.", plans.card.unwrap_or_default())}
                    </p>
                    <button type="submit" class=format!("{PRIMARY_BUTTON_CLASS} w-full") data-testid="pay-by-plan" disabled=move || pay.pending().get()>
                        {format!("Pay {} now", due.display())}
                    </button>
                </ActionForm>
            </div>
        }
        .into_any(),
        (_, _, problem) => view! {
            <p role="alert" class="mt-3 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="plan-problem">
                {problem.unwrap_or_else(|| "Choose a plan or pay in full.".into())}
            </p>
        }
        .into_any(),
    }
}

/// A plan's payments for one order, from today: what is paid now and then
/// one per period, with the disclosure.
#[component]
pub fn PlanSchedule(quote: PlanQuote) -> impl IntoView {
    let has_down = quote.schedule.down_payment > 0;
    let amounts = super::amortization::instalments(&quote.schedule);
    let every = match quote.terms.frequency {
        Frequency::Monthly => |k: usize| if k == 1 { "in 1 month".to_string() } else { format!("in {k} months") },
        Frequency::Biweekly => |k: usize| format!("in {} weeks", 2 * k),
    };
    view! {
        <div data-testid="plan-schedule">
            <p class="text-sm font-semibold">{format!("{} · {}", quote.terms.title(), quote.per_payment_label())}</p>
            <p class="text-xs text-stone-600" data-testid="plan-disclosure">{quote.disclosure()}</p>
            <ol class="mt-2 divide-y divide-stone-100 text-sm">
                {amounts.into_iter().enumerate().map(|(k, amount)| {
                    let label = match (has_down, k) {
                        (true, 0) => "Down payment".to_string(),
                        (true, k) => format!("Payment {k} of {}", quote.terms.payments),
                        (false, k) => format!("Payment {} of {}", k + 1, quote.terms.payments),
                    };
                    let when = if k == 0 { "today".to_string() } else { every(k) };
                    view! {
                        <li class="flex justify-between gap-2 py-1" data-testid="schedule-row">
                            <span>{label}<span class="text-stone-500">{format!(" · {when}")}</span></span>
                            <span class="font-medium tabular-nums">{quote.money(amount).display()}</span>
                        </li>
                    }
                }).collect_view()}
            </ol>
            <p class="mt-1 text-xs text-stone-600">
                {format!("Total interest {} · total cost {}", quote.money(quote.schedule.total_interest).display(), quote.money(quote.schedule.total_cost).display())}
            </p>
        </div>
    }
}

/// On the order page: the plan it is paid by and each instalment with its
/// due date and status.
#[component]
pub fn OrderPlanSection(plan: OrderPlan) -> impl IntoView {
    let OrderPlan { quote, instalments } = plan;
    let has_down = quote.schedule.down_payment > 0;
    let terms = quote.terms;
    view! {
        <section class="mt-4 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm" data-testid="order-plan" aria-labelledby="order-plan-heading">
            <h2 id="order-plan-heading" class="text-lg font-semibold">{format!("Paying by plan: {}", terms.title())}</h2>
            <p class="text-sm font-semibold" data-testid="plan-per-payment">{quote.per_payment_label()}</p>
            <p class="text-xs text-stone-600" data-testid="plan-disclosure">{quote.disclosure()}</p>
            <table class="mt-3 w-full text-left text-sm">
                <caption class="sr-only">"Instalments"</caption>
                <thead class="text-xs uppercase text-stone-500">
                    <tr><th scope="col" class="py-1">"Payment"</th><th scope="col">"Due"</th><th scope="col" class="text-right">"Amount"</th><th scope="col" class="text-right">"Status"</th></tr>
                </thead>
                <tbody>
                    {instalments.into_iter().map(|i| {
                        let status_class = match i.status {
                            InstalmentStatus::Paid => "text-emerald-700",
                            InstalmentStatus::Failed => "font-semibold text-rose-700",
                            InstalmentStatus::Scheduled => "text-stone-600",
                            InstalmentStatus::Cancelled => "text-stone-400 line-through",
                        };
                        view! {
                            <tr class="border-t border-stone-100" data-testid="order-instalment" data-status=i.status.as_str()>
                                <td class="py-1">{i.label(&terms, has_down)}</td>
                                <td>{i.due_on.format("%-d %b %Y").to_string()}</td>
                                <td class="text-right tabular-nums">{i.amount.display()}</td>
                                <td class=format!("text-right {status_class}")>{i.status.label()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
