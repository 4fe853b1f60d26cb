//! `/groups/:id`, a group's page (product, members, progress, time left,
//! the link to share and the Join form), and `/groups`, "My groups" with
//! the notices of the groups one started or joined. Both are server
//! rendered and their forms work before the client loads.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use super::api::{group_page, list_my_groups};
use super::components::{GroupDealCard, GroupJoined, JoinGroupForm};
use super::{GroupPageData, Notice};
use crate::accounts::use_auth;
use crate::error::AppError;
use crate::ui::{ErrorPage, Loading};

#[component]
pub fn GroupPage() -> impl IntoView {
    let params = use_params_map();
    let joins = RwSignal::new(0u32);
    provide_context(GroupJoined(joins));
    let page = Resource::new(
        move || (params.read().get("id").and_then(|id| Uuid::parse_str(&id).ok()), joins.get()),
        |(id, _)| async move {
            match id {
                Some(id) => group_page(id).await,
                None => Err(AppError::NotFound("Group".into())),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <Loading label="Loading group…" /> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) => view! { <GroupView data /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn GroupView(data: GroupPageData) -> impl IntoView {
    let ctx = crate::cart::pages::context_from_url();
    let card = data.card.clone();
    let share = format!("/groups/{}", card.id);
    let title = format!("Buy together: {}", card.product_title);
    let may_claim = data.may_claim();
    let joinable = card.status.joinable();
    view! {
        <Title text=title.clone() />
        <article class="mx-auto max-w-xl space-y-4" data-testid="group-page">
            <header>
                <h1 class="text-2xl font-bold">{title}</h1>
                <p class="text-sm text-stone-600">
                    {format!("Started by @{} · ", card.organiser)}
                    <A href=format!("/p/{}", card.product_id) attr:class="font-medium text-fuchsia-700 hover:underline">"View product"</A>
                    " · "
                    <A href=format!("/s/{}", data.shop_handle) attr:class="font-medium text-fuchsia-700 hover:underline">{format!("${}", data.shop_handle)}</A>
                </p>
            </header>
            <GroupDealCard card=card.clone() />
            <section class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm">
                <h2 class="text-lg font-semibold">"Join"</h2>
                <JoinPanel data=data.clone() may_claim joinable ctx />
            </section>
            <section class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm">
                <h2 class="text-lg font-semibold">"Share"</h2>
                <label for="group-share" class="mt-1 block text-sm text-stone-600">"Send this link to friends who want the same deal:"</label>
                <input id="group-share" readonly value=share class="mt-1 block w-full rounded-lg border border-stone-300 bg-stone-50 px-3 py-2 text-sm" data-testid="group-share" />
            </section>
            <section class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm">
                <h2 class="text-lg font-semibold">"Members"</h2>
                <ul class="mt-2 divide-y divide-stone-100" data-testid="group-members">
                    {data.members.into_iter().map(|m| view! {
                        <li class="flex items-center justify-between py-2 text-sm" data-testid="group-member">
                            <A href=format!("/u/{}", m.username) attr:class="font-medium hover:underline">{format!("{} (@{})", m.display_name, m.username)}</A>
                            <span class="text-stone-600">
                                {if m.organiser { "Organiser · ".to_string() } else { String::new() }}
                                {if m.seats == 1 { "1 seat".to_string() } else { format!("{} seats", m.seats) }}
                            </span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
            {(!data.notices.is_empty()).then(|| view! { <NoticeList notices=data.notices.clone() /> })}
        </article>
    }
}

/// The Join form, or why there is none.
#[component]
fn JoinPanel(data: GroupPageData, may_claim: i32, joinable: bool, ctx: Option<String>) -> impl IntoView {
    let note = |text: String| {
        view! { <p class="mt-1 text-sm text-stone-600" data-testid="group-join-note">{text}</p> }.into_any()
    };
    if !joinable {
        return note(format!("This group is {}: it takes no more members.", data.card.status.label().to_lowercase()));
    }
    if !data.signed_in {
        let next = format!("/groups/{}", data.card.id);
        return view! {
            <p class="mt-1 text-sm text-stone-600" data-testid="group-join-note">
                <a href=format!("/login?next={}", crate::ui::encode_query_value(&next)) class="font-medium text-fuchsia-700 hover:underline">"Sign in"</a>
                " to join this group."
            </p>
        }
        .into_any();
    }
    if !data.can_pay {
        return view! {
            <p class="mt-1 text-sm text-stone-600" data-testid="group-join-note">
                "Joining pays with your saved card and ships to your saved address. Add them in "
                <A href="/settings/payment" attr:class="font-medium text-fuchsia-700 hover:underline">"Payment and shipping"</A>
                " first."
            </p>
        }
        .into_any();
    }
    if may_claim == 0 {
        return note(format!(
            "You hold {} of the {} seats one customer may take.",
            data.my_seats, data.max_per_customer
        ));
    }
    view! {
        <p class="mt-1 text-sm text-stone-600">
            {format!("Your card is authorized for {} each (plus shipping and tax) now and charged only if the group fills before the deadline. Up to {} per customer.",
                data.card.price.display(), data.max_per_customer)}
        </p>
        <div class="mt-3"><JoinGroupForm group=data.card.id price=data.card.price may_claim ctx /></div>
    }
    .into_any()
}

#[component]
fn NoticeList(notices: Vec<Notice>) -> impl IntoView {
    view! {
        <section class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm">
            <h2 class="text-lg font-semibold">"Updates"</h2>
            <ul class="mt-2 space-y-1 text-sm" data-testid="group-notices">
                {notices.into_iter().map(|n| {
                    let (href, text, at) = (format!("/groups/{}", n.group_id), n.text(), n.at.format("%-d %b, %H:%M UTC").to_string());
                    view! {
                        <li data-testid="group-notice">
                            <A href=href attr:class="hover:underline">{text}</A>
                            <span class="text-stone-500">{format!(" · {at}")}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// `/groups`: the groups the signed-in shopper started or joined.
#[component]
pub fn MyGroupsPage() -> impl IntoView {
    let auth = use_auth();
    let groups = Resource::new(move || auth.version(), |_| list_my_groups());
    view! {
        <Title text="My groups" />
        <div class="mx-auto max-w-xl space-y-4">
            <h1 class="text-2xl font-bold" data-testid="my-groups-heading">"My groups"</h1>
            <Transition fallback=|| view! { <Loading label="Loading your groups" /> }>
                {move || Suspend::new(async move {
                    if !matches!(auth.user.await, Ok(Some(_))) {
                        return view! { <Redirect path="/login?next=/groups" /> }.into_any();
                    }
                    match groups.await {
                        Ok(mine) if mine.groups.is_empty() => view! {
                            <p class="rounded-2xl border border-dashed border-stone-300 bg-white p-8 text-center text-stone-500" data-testid="no-groups">
                                "No groups yet. Start one from a product with a group deal, or join one from a post."
                            </p>
                        }.into_any(),
                        Ok(mine) => view! {
                            {(!mine.notices.is_empty()).then(|| view! { <NoticeList notices=mine.notices.clone() /> })}
                            <ul class="space-y-4" data-testid="my-groups">
                                {mine.groups.into_iter().map(|g| view! {
                                    <li data-testid="my-group">
                                        <p class="mb-1 text-sm text-stone-600">
                                            {match (g.organiser, g.my_seats) {
                                                (true, 0) => "You started this group.".to_string(),
                                                (true, n) => format!("You started this group · {n} yours"),
                                                (false, n) => format!("You joined · {n} yours"),
                                            }}
                                        </p>
                                        <GroupDealCard card=g.card />
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}
