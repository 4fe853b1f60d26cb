//! `/checkout/:shop`: the one-page checkout. Address, shipping and payment
//! are plain forms (they work before hydration: each posts, and the page
//! comes back at the step the server says), and the order summary beside
//! them is always the server's pricing. "Pay" leaves for the payment
//! provider's hosted page, where the card is typed, and comes back here
//! with `?payment=<code>` when no order was placed.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::address_fields::AddressFields;
use super::api::{load_checkout, ApplyCode, ChooseShipping, RemoveCode, SaveCheckoutAddress};
use super::hosted::api::StartPayment;
use super::hosted::{PaymentProblem, START_PATH};
use super::summary::{summary, ShippingLine};
use super::summary_rows::SummaryRows;
use super::{CheckoutView, Step};
use crate::error::AppError;
use crate::money::Money;
use crate::plans::api::ChooseCheckoutPlan;
use crate::plans::pages::{CheckoutPlanChooser, PlanPayment};
use crate::ui::{ErrorAlert, ErrorPage, FieldError, Loading, INPUT_CLASS, LABEL_CLASS, PRIMARY_BUTTON_CLASS};

/// The actions of the page, created once so their results survive reloads.
#[derive(Clone, Copy)]
struct Actions {
    address: ServerAction<SaveCheckoutAddress>,
    shipping: ServerAction<ChooseShipping>,
    code: ServerAction<ApplyCode>,
    uncode: ServerAction<RemoveCode>,
    /// "Pay" is a plain form that leaves for the provider's page; this
    /// action only reads the error a failed post left in the address.
    pay: ServerAction<StartPayment>,
    /// Choosing an installment plan or paying in full (`plans`).
    plan: ServerAction<ChooseCheckoutPlan>,
}

impl Actions {
    fn new() -> Self {
        Actions {
            address: ServerAction::new(),
            shipping: ServerAction::new(),
            code: ServerAction::new(),
            uncode: ServerAction::new(),
            pay: ServerAction::new(),
            plan: ServerAction::new(),
        }
    }

    fn version(&self) -> usize {
        self.address.version().get()
            + self.shipping.version().get()
            + self.code.version().get()
            + self.uncode.version().get()
            + self.plan.version().get()
    }
}

#[component]
pub fn CheckoutPage() -> impl IntoView {
    let params = use_params_map();
    let actions = Actions::new();
    let checkout = Resource::new(
        move || (params.read().get("shop").unwrap_or_default(), actions.version()),
        |(shop, _)| load_checkout(shop),
    );
    view! {
        <Title text="Checkout" />
        <h1 class="text-2xl font-bold">"Checkout"</h1>
        <Transition fallback=|| view! { <Loading label="Preparing your checkout…" /> }>
            {move || Suspend::new(async move {
                match checkout.await {
                    Ok(v) if v.step == Step::Placed => view! { <AlreadyPlaced v /> }.into_any(),
                    Ok(v) => view! { <CheckoutBody v actions /> }.into_any(),
                    Err(AppError::SoldOut(message)) => view! { <CannotCheckOut message testid="checkout-sold-out" /> }.into_any(),
                    Err(AppError::NotFound(what)) if what.starts_with("Nothing") => {
                        view! { <CannotCheckOut message=format!("{what}.") testid="checkout-empty" /> }.into_any()
                    }
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Checkout can't start: the items are gone or the cart has none from this shop.
#[component]
fn CannotCheckOut(message: String, testid: &'static str) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::http_status::set_page_status(409);
    view! {
        <div role="alert" class="mt-4 rounded-2xl border border-amber-200 bg-amber-50 p-6" data-testid=testid>
            <p class="font-semibold text-amber-900">{message}</p>
            <A href="/cart" attr:class="mt-3 inline-block font-semibold text-fuchsia-700 underline">"Back to your cart"</A>
        </div>
    }
}

#[component]
fn AlreadyPlaced(v: CheckoutView) -> impl IntoView {
    view! {
        <div class="mt-4 rounded-2xl border border-stone-200 bg-white p-6 shadow-sm">
            <p>"This order was placed."</p>
            {v.order_id.map(|id| view! { <A href=format!("/orders/{id}") attr:class="mt-3 inline-block font-semibold text-fuchsia-700 underline">"See your order"</A> })}
        </div>
    }
}

#[component]
fn CheckoutBody(v: CheckoutView, actions: Actions) -> impl IntoView {
    let cv = v;
    let (shop_handle, shop_name, reserved_until, problems) =
        (cv.shop_handle.clone(), cv.shop_name.clone(), cv.reserved_until, cv.problems.clone());
    view! {
        <p class="mt-1 text-sm text-stone-600">
            "From " <A href=format!("/s/{shop_handle}") attr:class="font-semibold text-fuchsia-700 hover:underline">{shop_name}</A>
            {reserved_until.map(|t| view! {
                <span data-testid="hold-notice">{format!(" · Your items are held until {} UTC.", t.format("%H:%M"))}</span>
            })}
        </p>
        {(!problems.is_empty()).then(|| view! {
            <div role="alert" class="mt-3 rounded-lg border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900" data-testid="checkout-problems">
                <p class="font-semibold">"Some items can't be bought as they are:"</p>
                <ul class="mt-1 list-disc pl-5">{problems.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}</ul>
                <A href="/cart" attr:class="mt-2 inline-block font-semibold underline">"Review your cart"</A>
            </div>
        })}
        {cv.guest.then(|| view! { <GuestNotice shop=cv.shop_handle.clone() /> })}
        <div class="mt-4 grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
            <div class="space-y-6">
                <AddressStep v=cv.clone() action=actions.address />
                <ShippingStep v=cv.clone() action=actions.shipping />
                {cv.plans.clone().map(|plans| view! { <CheckoutPlanChooser checkout=cv.id plans action=actions.plan /> })}
                <PaymentStep v=cv.clone() action=actions.pay />
            </div>
            <OrderSummary v=cv actions />
        </div>
    }
}

/// A guest checks out with an email; logging in instead brings them back
/// here with the same cart (it merges into the account's).
#[component]
fn GuestNotice(shop: String) -> impl IntoView {
    let login = crate::accounts::login_href(&format!("/checkout/{shop}"));
    view! {
        <p class="mt-3 rounded-lg border border-stone-200 bg-stone-50 p-3 text-sm text-stone-700" data-testid="checkout-guest-notice">
            "Checking out as a guest: your receipt and a link to your order go to the email below. "
            "Have an account? "
            <a href=login class="font-semibold text-fuchsia-700 underline" data-testid="checkout-login-link">"Log in"</a>
            " and your cart comes with you."
        </p>
    }
}

fn step_class(active: bool) -> &'static str {
    if active {
        "rounded-2xl border-2 border-fuchsia-300 bg-white p-4 shadow-sm sm:p-6"
    } else {
        "rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6"
    }
}

#[component]
fn AddressStep(v: CheckoutView, action: ServerAction<SaveCheckoutAddress>) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let has_address = v.address.is_some();
    view! {
        <section class=step_class(v.step == Step::Contact) aria-labelledby="step-address" data-testid="step-address">
            <h2 id="step-address" class="text-lg font-semibold">"1. Contact and address"</h2>
            <ActionForm action=action attr:class="mt-3 space-y-3">
                <input type="hidden" name="checkout" value=v.id.to_string() />
                <ErrorAlert error />
                <div>
                    <label for="co-email" class=LABEL_CLASS>"Email"</label>
                    <input id="co-email" name="email" value=v.email.clone() autocomplete="email" required class=INPUT_CLASS
                        aria-describedby="email-error" />
                    <FieldError error field="email" />
                </div>
                <AddressFields address=v.address.clone().unwrap_or_default() error id_prefix="co" />
                <button type="submit" class=PRIMARY_BUTTON_CLASS disabled=move || action.pending().get() data-testid="save-address">
                    {if has_address { "Update address" } else { "Continue to shipping" }}
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn ShippingStep(v: CheckoutView, action: ServerAction<ChooseShipping>) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let chosen = v.shipping_option;
    view! {
        <section class=step_class(v.step == Step::Shipping) aria-labelledby="step-shipping" data-testid="step-shipping">
            <h2 id="step-shipping" class="text-lg font-semibold">"2. Shipping"</h2>
            {if v.quotes.is_empty() {
                view! { <p class="mt-2 text-sm text-stone-600">"Enter your address to see shipping options."</p> }.into_any()
            } else {
                view! {
                    <ActionForm action=action attr:class="mt-3 space-y-2">
                        <input type="hidden" name="checkout" value=v.id.to_string() />
                        <ErrorAlert error />
                        <fieldset class="space-y-2">
                            <legend class="sr-only">"Shipping option"</legend>
                            {v.quotes.iter().enumerate().map(|(i, q)| {
                                let checked = chosen == Some(q.option) || (chosen.is_none() && i == 0);
                                view! {
                                    <label class="flex cursor-pointer items-center justify-between gap-3 rounded-lg border border-stone-300 p-3 has-[:checked]:border-fuchsia-500 has-[:checked]:bg-fuchsia-50">
                                        <span class="flex items-center gap-2">
                                            <input type="radio" name="shipping_option" value=q.option.code() checked=checked data-testid=format!("ship-{}", q.option.code()) />
                                            <span>
                                                <span class="font-medium">{q.label.clone()}</span>
                                                <span class="block text-xs text-stone-500">{if q.max_days == 0 { "Nothing to ship".to_string() } else { format!("{}–{} business days", q.min_days, q.max_days) }}</span>
                                            </span>
                                        </span>
                                        <span class="font-semibold">{if q.price.minor == 0 { "Free".to_string() } else { q.price.display() }}</span>
                                    </label>
                                }
                            }).collect_view()}
                        </fieldset>
                        <button type="submit" class=PRIMARY_BUTTON_CLASS disabled=move || action.pending().get() data-testid="save-shipping">
                            {if chosen.is_some() { "Update shipping" } else { "Continue to payment" }}
                        </button>
                    </ActionForm>
                }.into_any()
            }}
        </section>
    }
}

/// The total the "Pay" button showed when the order came to another one:
/// from a failed start (the form's error) or from the way back from the
/// provider's page (`?payment=total-changed&was=<minor>`).
fn changed_total(
    error: Option<AppError>,
    returned: Option<PaymentProblem>,
    was: Option<i64>,
    v: &CheckoutView,
) -> Option<Money> {
    match (error, returned, was) {
        (Some(AppError::TotalChanged { shown, .. }), _, _) => Some(shown),
        (_, Some(PaymentProblem::TotalChanged), Some(was)) => Some(Money::new(was, v.currency)),
        _ => None,
    }
}

#[component]
fn PaymentStep(v: CheckoutView, action: ServerAction<StartPayment>) -> impl IntoView {
    let query = use_query_map();
    let returned = query.with_untracked(|q| q.get("payment")).as_deref().and_then(PaymentProblem::from_code);
    let was = query.with_untracked(|q| q.get("was")).and_then(|w| w.parse::<i64>().ok());
    let error = action.value().get_untracked().and_then(Result::err);
    // A changed total gets its own notice; every other error the usual alert.
    let changed = changed_total(error.clone(), returned, was, &v);
    let error = Signal::derive(move || error.clone().filter(|e| !matches!(e, AppError::TotalChanged { .. })));
    // The provider's reason for a decline is the checkout's last failure;
    // other problems on the way back have a fixed message.
    let returned = returned.filter(|p| !matches!(p, PaymentProblem::TotalChanged | PaymentProblem::Declined));
    let last_failure = v.last_failure.clone();
    // The total on the button is the one the server will insist on.
    let total = Money::new(v.priced.totals.total, v.currency);
    let ready = v.step == Step::Payment && v.problems.is_empty();
    // A plan chosen is paid with the saved card (`plans::pages::PlanPayment`).
    let by_plan = v.plans.clone().filter(|p| p.chosen.is_some() || p.problem.is_some());
    view! {
        <section class=step_class(v.step == Step::Payment) aria-labelledby="step-payment" data-testid="step-payment">
            <h2 id="step-payment" class="text-lg font-semibold">"3. Payment"</h2>
            {if !ready {
                view! { <p class="mt-2 text-sm text-stone-600">"Choose shipping to pay."</p> }.into_any()
            } else if let Some(plans) = by_plan {
                view! { <PlanPayment checkout=v.id plans /> }.into_any()
            } else {
                view! {
                    // A plain form: the server answers with a redirect to the
                    // provider's page, which the browser follows.
                    <form method="post" action=START_PATH class="mt-3 space-y-3">
                        <input type="hidden" name="checkout" value=v.id.to_string() />
                        <input type="hidden" name="shown_total" value=total.minor.to_string() />
                        <input type="hidden" name="shown_currency" value=total.currency.code() />
                        <ErrorAlert error />
                        {changed.map(|was| view! { <TotalChangedNotice was now=total /> })}
                        {returned.map(|p| view! {
                            <p role="alert" class="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800" data-testid="payment-problem">{p.message()}</p>
                        })}
                        {last_failure.map(|f| view! {
                            <p role="alert" class="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800" data-testid="payment-failure">{f}</p>
                        })}
                        <p class="flex items-baseline justify-between text-sm">
                            <span class="text-stone-600">"To pay"</span>
                            <span class="text-lg font-semibold" data-testid="payment-total">{total.display()}</span>
                        </p>
                        <p class="text-xs text-stone-600">
                            "You'll enter your card on our payment provider's secure page: its number goes to them and never to Storefeed."
                        </p>
                        <button type="submit" class=format!("{PRIMARY_BUTTON_CLASS} w-full") data-testid="place-order">
                            {if changed.is_some() {
                                format!("Confirm and pay {}", total.display())
                            } else {
                                format!("Pay {}", total.display())
                            }}
                        </button>
                    </form>
                }.into_any()
            }}
        </section>
    }
}

/// The order came to a different total than the page showed when "Pay" was
/// pressed (a code ran out, a price changed): nothing was charged, the
/// summary now shows the new figures, and paying again confirms them.
#[component]
fn TotalChangedNotice(was: Money, now: Money) -> impl IntoView {
    view! {
        <div role="alert" class="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="total-changed">
            <p class="font-semibold">"Your total changed, so we didn't charge you."</p>
            <p class="mt-1">
                "It was " <span data-testid="total-changed-was">{was.display()}</span>
                " and is now " <span data-testid="total-changed-now">{now.display()}</span>
                ". Check the order summary, then confirm to pay the new total."
            </p>
        </div>
    }
}

#[component]
fn OrderSummary(v: CheckoutView, actions: Actions) -> impl IntoView {
    let code_error = Signal::derive(move || actions.code.value().get().and_then(Result::err));
    // What isn't about the typed code (signed out, checkout closed, a code
    // that couldn't be removed) still needs saying.
    let other_code_error = Signal::derive(move || {
        code_error
            .get()
            .filter(|e| e.field() != Some("code"))
            .or_else(|| actions.uncode.value().get().and_then(Result::err))
    });
    let m = move |minor: i64| Money::new(minor, v.currency).display();
    let summary = summary(
        &v.priced.totals,
        v.currency,
        Some(&v.priced.tax_name),
        match &v.priced.shipping {
            Some(q) => ShippingLine::Chosen(Some(q.option.label().to_string())),
            None => ShippingLine::NotChosen,
        },
    );
    let codes = v.promo_codes.clone();
    // A code accepted earlier that no longer applies (it ran out, expired),
    // with the reason, so a changed total explains itself.
    let (rejected, currency) = (v.priced.rejected.clone(), v.currency);
    let checkout_id = v.id.to_string();
    view! {
        <aside class="h-fit rounded-2xl border border-stone-200 bg-white p-4 shadow-sm" aria-labelledby="summary-heading" data-testid="order-summary">
            <h2 id="summary-heading" class="text-lg font-semibold">"Order summary"</h2>
            <ul class="mt-2 divide-y divide-stone-100 text-sm">
                {v.priced.lines.iter().map(|l| view! {
                    <li class="py-2" data-testid="summary-line">
                        <div class="flex justify-between gap-2">
                            <span>{format!("{} × {}", l.input.quantity, crate::inventory::item_name(&l.input.title, &l.input.variant_title))}</span>
                            <span class="shrink-0">{m(l.input.unit_price_minor * l.input.quantity as i64)}</span>
                        </div>
                        {l.rules.iter().map(|r| view! {
                            <div class="flex justify-between gap-2 text-emerald-700">
                                <span>{r.code.clone().unwrap_or_else(|| r.title.clone())}</span>
                                <span class="shrink-0">{format!("−{}", m(r.amount_minor))}</span>
                            </div>
                        }).collect_view()}
                    </li>
                }).collect_view()}
            </ul>
            <ActionForm action=actions.code attr:class="mt-3">
                <input type="hidden" name="checkout" value=v.id.to_string() />
                <label for="promo-code" class=LABEL_CLASS>"Promotion code"</label>
                <div class="mt-1 flex gap-2">
                    <input id="promo-code" name="code" class="min-w-0 flex-1 rounded-lg border border-stone-300 px-3 py-2 uppercase"
                        autocomplete="off" data-testid="promo-code" aria-describedby="code-error" />
                    <button type="submit" class="rounded-lg border border-stone-300 px-3 py-2 text-sm font-semibold hover:bg-stone-100" data-testid="apply-code">"Apply"</button>
                </div>
                <FieldError error=code_error field="code" />
                <div class="mt-2"><ErrorAlert error=other_code_error /></div>
            </ActionForm>
            {(!codes.is_empty()).then(|| view! {
                <ul class="mt-2 flex flex-wrap gap-2">
                    {codes.into_iter().map(|c| {
                        let checkout_id = checkout_id.clone();
                        view! {
                        <li>
                            <ActionForm action=actions.uncode attr:class="inline">
                                <input type="hidden" name="checkout" value=checkout_id.clone() />
                                <input type="hidden" name="code" value=c.clone() />
                                <button type="submit" class="rounded-full bg-emerald-100 px-3 py-1 text-xs font-semibold text-emerald-800"
                                    aria-label=format!("Remove code {c}") data-testid="applied-code">{format!("{c} ×")}</button>
                            </ActionForm>
                        </li>
                    }}).collect_view()}
                </ul>
            })}
            {(!rejected.is_empty()).then(|| view! {
                <ul class="mt-2 space-y-1 text-sm text-amber-800" aria-label="Codes that no longer apply">
                    {rejected.into_iter().map(|r| view! {
                        <li data-testid="rejected-code">{format!("{}: {}", r.code, r.reason.message(currency))}</li>
                    }).collect_view()}
                </ul>
            })}
            <SummaryRows summary testids="checkout" />
        </aside>
    }
}
