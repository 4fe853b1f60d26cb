//! What groups look like: the group card (in posts, on the product page and
//! in "My groups"), the Join/Start form, the product page's group section,
//! the owner's deal editor and the composer's group picker.

use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use super::api::{
    group_deal_slots, linkable_groups, open_product_groups, JoinGroup, LinkPostGroup, SaveGroupDeal, StartGroup,
    UnlinkPostGroup,
};
use super::{saving, DealSlot, GroupCard, GroupDeal, GroupLive, GroupStatus, MAX_POST_GROUPS};
use crate::live::{use_live, Topic, Update as LiveUpdate};
use crate::money::Money;
use crate::ui::{
    ErrorAlert, Loading, Pick, PickFuture, SearchPicker, SuccessNote, INPUT_CLASS, LABEL_CLASS, PRIMARY_BUTTON_CLASS,
    SECONDARY_BUTTON_CLASS,
};

fn badge_class(status: GroupStatus) -> &'static str {
    match status {
        GroupStatus::Open => "bg-emerald-100 text-emerald-800",
        GroupStatus::AlmostFull => "bg-amber-100 text-amber-900",
        GroupStatus::Full => "bg-fuchsia-100 text-fuchsia-800",
        GroupStatus::Expired | GroupStatus::Cancelled => "bg-stone-200 text-stone-700",
    }
}

/// "3/5 joined", a progress bar and the status badge, from `live`.
#[component]
pub fn GroupProgress(live: RwSignal<GroupLive>) -> impl IntoView {
    let percent = move || live.with(|l| if l.size > 0 { (l.joined.min(l.size) * 100) / l.size } else { 0 });
    view! {
        <div class="space-y-1">
            <div class="flex items-center justify-between gap-2 text-sm">
                <span class="font-semibold" data-testid="group-joined">
                    {move || live.with(|l| format!("{}/{} joined", l.joined, l.size))}
                </span>
                <span class=move || format!("rounded-full px-2 py-0.5 text-xs font-semibold {}", badge_class(live.get().status))
                    data-testid="group-status" data-status=move || live.with(|l| format!("{:?}", l.status))>
                    {move || live.get().status.label()}
                </span>
            </div>
            <div class="h-2 w-full overflow-hidden rounded-full bg-stone-200" role="progressbar" aria-label="Seats taken"
                aria-valuemin="0" aria-valuemax=move || live.with(|l| l.size.to_string())
                aria-valuenow=move || live.with(|l| l.joined.to_string())
                aria-valuetext=move || live.with(|l| format!("{} of {} seats taken", l.joined, l.size))>
                <div class="h-full rounded-full bg-fuchsia-600" style=move || format!("width: {}%", percent())></div>
            </div>
        </div>
    }
}

/// A group card. Its seats, badge and Join button follow the group over
/// the real-time channel (`live`) while it is shown, from the state the
/// page was rendered with.
#[component]
pub fn GroupDealCard(card: GroupCard) -> impl IntoView {
    let live = RwSignal::new(card.live());
    let pushed = use_live(Topic::Group(card.id));
    Effect::new(move |_| {
        if let Some(LiveUpdate::Group(now)) = pushed.get() {
            live.set(now);
        }
    });
    let href = card.href();
    let save = saving(card.single_price, card.price);
    let alt = card.product_title.clone();
    let name = if card.variant_title.is_empty() {
        card.product_title.clone()
    } else {
        format!("{} — {}", card.product_title, card.variant_title)
    };
    let join_href = href.clone();
    view! {
        <article class=move || format!("w-72 shrink-0 rounded-xl border border-stone-200 bg-white p-3 shadow-sm {}",
                if live.get().status.joinable() { "" } else { "opacity-80" })
            data-testid="group-card" data-group-id=card.id.to_string()>
            <a href=href.clone() class="flex gap-3 focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400">
                {match card.image_url.clone() {
                    Some(src) => view! { <img src=src alt=alt class="h-16 w-16 shrink-0 rounded-lg object-cover" /> }.into_any(),
                    None => view! { <span class="flex h-16 w-16 shrink-0 items-center justify-center rounded-lg bg-fuchsia-100 text-xl font-bold text-fuchsia-700" aria-hidden="true">{alt.chars().next().unwrap_or('?').to_string()}</span> }.into_any(),
                }}
                <span class="min-w-0">
                    <span class="block text-xs font-semibold uppercase tracking-wide text-fuchsia-700">"Buy together"</span>
                    <span class="block truncate font-semibold" data-testid="group-product">{name}</span>
                    <span class="block text-sm">
                        <span class="font-bold" data-testid="group-price">{card.price.display()}</span>
                        " "
                        <s class="text-stone-500">{card.single_price.display()}</s>
                        " "
                        <span class="font-semibold text-emerald-700" data-testid="group-saving">{format!("Save {}", save.display())}</span>
                    </span>
                </span>
            </a>
            <div class="mt-3"><GroupProgress live /></div>
            <div class="mt-3 flex items-center justify-between gap-2">
                <span class="text-sm text-stone-600" data-testid="group-time-left">{card.time_left.clone()}</span>
                {move || if live.get().status.joinable() {
                    view! { <a href=join_href.clone() class=PRIMARY_BUTTON_CLASS data-testid="group-join">"Join group"</a> }.into_any()
                } else {
                    let label = match live.get().status { GroupStatus::Full => "Group full", GroupStatus::Expired => "Expired", _ => "Closed" };
                    view! { <button type="button" disabled=true class=PRIMARY_BUTTON_CLASS data-testid="group-join">{label}</button> }.into_any()
                }}
            </div>
        </article>
    }
}

/// A post's group cards: a row that scrolls sideways on phones.
#[component]
pub fn GroupCards(groups: Vec<GroupCard>) -> impl IntoView {
    view! {
        <ul class="flex gap-3 overflow-x-auto px-4 pt-3" aria-label="Group deals" data-testid="group-cards">
            {groups.into_iter().map(|card| view! { <li><GroupDealCard card /></li> }).collect_view()}
        </ul>
    }
}

/// What a Join or Start form posts besides its target.
#[component]
fn SeatFields(price: Money, may_claim: i32, ctx: Option<String>, click: RwSignal<Uuid>, id: String) -> impl IntoView {
    let label_for = id.clone();
    view! {
        <input type="hidden" name="price_minor" value=price.minor.to_string() />
        <input type="hidden" name="currency" value=price.currency.code() />
        <input type="hidden" name="click" value=move || click.get().to_string() />
        {ctx.map(|c| view! { <input type="hidden" name="ctx" value=c /> })}
        <div class="w-24">
            <label for=label_for class=LABEL_CLASS>"How many"</label>
            <input id=id name="quantity" type="number" min="1" max=may_claim.max(1).to_string() value="1" inputmode="numeric"
                class=INPUT_CLASS data-testid="group-quantity" />
        </div>
    }
}

/// Join an existing group, as a plain form: it posts and lands on the
/// group page before the client loads as after.
#[component]
pub fn JoinGroupForm(group: Uuid, price: Money, may_claim: i32, ctx: Option<String>) -> impl IntoView {
    let join = ServerAction::<JoinGroup>::new();
    let click = RwSignal::new(Uuid::new_v4());
    let page = use_context::<GroupJoined>();
    Effect::new(move |_| match join.value().get() {
        Some(Err(_)) => click.set(Uuid::new_v4()),
        // The server's redirect leads back to the same group page, whose
        // route doesn't change: have it read the group again.
        Some(Ok(_)) => {
            if let Some(GroupJoined(joins)) = page {
                joins.update(|n| *n += 1);
            }
        }
        None => {}
    });
    let error = Signal::derive(move || join.value().get().and_then(Result::err));
    view! {
        <ActionForm action=join attr:class="space-y-3" attr:data-testid="group-join-form">
            <input type="hidden" name="group" value=group.to_string() />
            <ErrorAlert error />
            <div class="flex flex-wrap items-end gap-3">
                <SeatFields price may_claim ctx click id="join-quantity".into() />
                <button type="submit" class=PRIMARY_BUTTON_CLASS disabled=move || join.pending().get() data-testid="group-join-submit">
                    {move || if join.pending().get() { "Joining…".to_string() } else { format!("Join at {} each", price.display()) }}
                </button>
            </div>
        </ActionForm>
    }
}

/// Counts the joins made on the group page it is provided by, so the page
/// reads the group again after each (members, seats left, the Join panel).
#[derive(Debug, Clone, Copy)]
pub struct GroupJoined(pub RwSignal<u32>);

/// "Start a group" on one deal.
#[component]
fn StartGroupForm(deal: GroupDeal, ctx: Option<String>) -> impl IntoView {
    let start = ServerAction::<StartGroup>::new();
    let click = RwSignal::new(Uuid::new_v4());
    Effect::new(move |_| {
        if matches!(start.value().get(), Some(Err(_))) {
            click.set(Uuid::new_v4());
        }
    });
    let error = Signal::derive(move || start.value().get().and_then(Result::err));
    let id = format!("start-quantity-{}", deal.variant_id);
    let what = if deal.variant_title == "Default" { String::new() } else { format!("{}: ", deal.variant_title) };
    view! {
        <li class="rounded-xl border border-stone-200 p-3" data-testid="group-deal">
            <p class="text-sm">
                {what}
                <span class="font-bold">{deal.price.display()}</span>
                {format!(" each in a group of {} (single {}, save {}). {} hours to fill; up to {} per person.",
                    deal.size, deal.single_price.display(), saving(deal.single_price, deal.price).display(), deal.hours, deal.max_per_customer)}
            </p>
            <ActionForm action=start attr:class="mt-2 space-y-2" attr:data-testid="group-start-form">
                <input type="hidden" name="variant" value=deal.variant_id.to_string() />
                <ErrorAlert error />
                <div class="flex flex-wrap items-end gap-3">
                    <SeatFields price=deal.price may_claim=deal.max_per_customer ctx click id />
                    <button type="submit" class=SECONDARY_BUTTON_CLASS disabled=move || start.pending().get() data-testid="group-start">
                        "Start a group"
                    </button>
                </div>
            </ActionForm>
        </li>
    }
}

/// The product page's "Open groups for this product", with Start a group.
#[component]
pub fn ProductGroupsSection(product: Uuid, ctx: Option<String>) -> impl IntoView {
    let groups = Resource::new(move || product, open_product_groups);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let ctx = ctx.clone();
                Suspend::new(async move {
                    let Ok(found) = groups.await else { return ().into_any() };
                    if found.deals.is_empty() && found.open.is_empty() {
                        return ().into_any();
                    }
                    view! {
                        <section class="mx-auto mt-4 max-w-2xl space-y-3 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm" data-testid="product-groups">
                            <h2 class="text-lg font-semibold">"Open groups for this product"</h2>
                            {if found.open.is_empty() {
                                view! { <p class="text-sm text-stone-600" data-testid="no-open-groups">"No open groups right now: start one and share it."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="flex gap-3 overflow-x-auto pb-1">
                                        {found.open.into_iter().map(|card| view! { <li><GroupDealCard card /></li> }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            <p class="text-sm text-stone-600">
                                "Starting or joining pays with your saved card: it is authorized now and charged only if the group fills in time. "
                                <A href="/settings/payment" attr:class="font-medium text-fuchsia-700 hover:underline">"Payment and shipping"</A>
                            </p>
                            <ul class="space-y-2">
                                {found.deals.into_iter().map(|deal| view! { <StartGroupForm deal ctx=ctx.clone() /> }).collect_view()}
                            </ul>
                        </section>
                    }.into_any()
                })
            }}
        </Suspense>
    }
}

/// The shop owner's group deals, one form per variant (on the product's
/// edit page).
#[component]
pub fn GroupDealEditor(product: Uuid) -> impl IntoView {
    let save = ServerAction::<SaveGroupDeal>::new();
    let slots = Resource::new(move || (product, save.version().get()), |(product, _)| group_deal_slots(product));
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let saved = Signal::derive(move || matches!(save.value().get(), Some(Ok(()))));
    view! {
        <section class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm" data-testid="group-deal-editor">
            <h2 class="text-lg font-semibold">"Group buying"</h2>
            <p class="mt-1 text-sm text-stone-600">
                "Sell a variant for less to groups that fill in time. Each member's card is authorized when they join and charged when the group fills; if time runs out nobody pays and the stock is freed."
            </p>
            <div class="mt-2"><ErrorAlert error /></div>
            <SuccessNote show=saved message="Group deal saved." />
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match slots.await {
                        Ok(slots) => view! {
                            <ul class="mt-3 space-y-4">
                                {slots.into_iter().map(|slot| view! { <DealRow row=slot save /> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="text-sm text-rose-700">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn DealRow(row: DealSlot, save: ServerAction<SaveGroupDeal>) -> impl IntoView {
    let variant = row.variant_id;
    let id = move |f: &str| format!("deal-{f}-{variant}");
    let d = row.deal.clone();
    let price = d.as_ref().map(|d| d.price.amount_string()).unwrap_or_default();
    let size = d.as_ref().map(|d| d.size.to_string()).unwrap_or_else(|| "5".into());
    let hours = d.as_ref().map(|d| d.hours.to_string()).unwrap_or_else(|| "48".into());
    let max = d.as_ref().map(|d| d.max_per_customer.to_string()).unwrap_or_else(|| "1".into());
    let active = d.as_ref().is_none_or(|d| d.active);
    view! {
        <li class="border-b border-stone-100 pb-4 last:border-0" data-testid="group-deal-row">
            <p class="font-medium">{format!("{} · single {} · {} available", row.variant_title, row.single_price.display(), row.available)}</p>
            <ActionForm action=save>
                <input type="hidden" name="variant" value=row.variant_id.to_string() />
                <div class="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-5 sm:items-end">
                    <div>
                        <label for=id("price") class=LABEL_CLASS>{format!("Group price ({})", row.single_price.currency.code())}</label>
                        <input id=id("price") name="price" inputmode="decimal" value=price class=INPUT_CLASS data-testid="deal-price" />
                    </div>
                    <div>
                        <label for=id("size") class=LABEL_CLASS>"Group size"</label>
                        <input id=id("size") name="size" type="number" min="2" max="50" value=size class=INPUT_CLASS data-testid="deal-size" />
                    </div>
                    <div>
                        <label for=id("hours") class=LABEL_CLASS>"Hours to fill"</label>
                        <input id=id("hours") name="hours" type="number" min="1" max="720" value=hours class=INPUT_CLASS data-testid="deal-hours" />
                    </div>
                    <div>
                        <label for=id("max") class=LABEL_CLASS>"Most per customer"</label>
                        <input id=id("max") name="max_per_customer" type="number" min="1" max="49" value=max class=INPUT_CLASS data-testid="deal-max" />
                    </div>
                    <label class="flex items-center gap-2 text-sm font-medium text-stone-700">
                        <input type="checkbox" name="active" value="on" checked=active data-testid="deal-active" />
                        "On sale"
                    </label>
                </div>
                <button type="submit" class=format!("{SECONDARY_BUTTON_CLASS} mt-2") data-testid="deal-save">"Save group deal"</button>
            </ActionForm>
        </li>
    }
}

/// What the group pickers offer: open groups the caller started or
/// joined whose product matches, one line each.
pub fn find_linkable_groups(query: String) -> PickFuture {
    Box::pin(async move {
        let cards = linkable_groups(query).await?;
        Ok(cards
            .into_iter()
            .map(|card| Pick {
                id: card.id.to_string(),
                label: format!(
                    "{} · {} · {}/{} joined · {}",
                    card.product_title,
                    card.price.display(),
                    card.joined,
                    card.size,
                    card.time_left
                ),
            })
            .collect())
    })
}

/// The post author's group picker: search the active groups they started
/// or joined, link one; unlink cards.
#[component]
pub fn GroupLinkEditor(post_id: Uuid, groups: Vec<GroupCard>, changed: RwSignal<u32>) -> impl IntoView {
    let link = ServerAction::<LinkPostGroup>::new();
    let unlink = ServerAction::<UnlinkPostGroup>::new();
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
    let full = groups.len() >= MAX_POST_GROUPS;
    view! {
        <section class="mt-6 space-y-3 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm" data-testid="group-link-editor">
            <h2 class="text-lg font-semibold">"Link buy-together groups"</h2>
            <p class="text-sm text-stone-600">"Open groups you started or joined appear as cards under the post, with a Join button."</p>
            <ErrorAlert error />
            <ul class="space-y-1 text-sm" data-testid="linked-groups">
                {groups.into_iter().map(|card| view! {
                    <li class="flex items-center justify-between gap-2">
                        <span>{format!("{} — {}/{} joined", card.product_title, card.joined, card.size)}</span>
                        <ActionForm action=unlink>
                            <input type="hidden" name="post_id" value=post_id.to_string() />
                            <input type="hidden" name="group" value=card.id.to_string() />
                            <button type="submit" class="text-rose-700 hover:underline">"Remove"</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
            {(!full).then(|| view! {
                <ActionForm action=link>
                    <div class="space-y-3">
                        <input type="hidden" name="post_id" value=post_id.to_string() />
                        <input type="hidden" name="group" value=move || chosen.get().map(|p| p.id).unwrap_or_default() />
                        <SearchPicker name="group" label="Find a group" placeholder="Product name" search=find_linkable_groups on_pick />
                        <p class="text-sm text-stone-600" data-testid="chosen-group">
                            {move || chosen.get().map(|p| format!("Linking: {}", p.label)).unwrap_or_default()}
                        </p>
                        <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="link-group" disabled=move || link.pending().get() || chosen.get().is_none()>
                            "Link group"
                        </button>
                    </div>
                </ActionForm>
            })}
        </section>
    }
}
