//! `/notifications`: the inbox. Tabs filter it (all, mentions, commerce),
//! each row links where it is about and can be marked read or unread, and
//! "Mark all read" clears the bell; all of them are plain links and forms
//! before hydration. Once hydrated the list reloads whenever the user's
//! inbox changes on the real-time channel, so a new like shows without a
//! reload.

use chrono::{DateTime, Utc};
use leptos::ev::MouseEvent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

use super::api::{mark_notification, my_notifications, MarkAllNotificationsRead, MarkNotification};
use super::components::use_live_inbox;
use super::{Filter, InboxPage, NotificationView};
use crate::accounts::use_auth;
use crate::ui::{encode_query_value, Avatar, AvatarSize, ErrorAlert, ErrorPage, Loading, SECONDARY_BUTTON_CLASS};

const TAB: &str = "whitespace-nowrap rounded-full border px-3 py-1.5 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400";
const TAB_ACTIVE: &str = "border-stone-900 bg-stone-900 text-white";
const TAB_IDLE: &str = "border-stone-300 bg-white text-stone-700 hover:bg-stone-100";

fn when(at: DateTime<Utc>) -> String {
    at.format("%-d %b, %H:%M").to_string()
}

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Title text="Notifications" />
        <div class="mx-auto max-w-xl space-y-4">
            <Suspense fallback=|| view! { <Loading label="Loading notifications" /> }>
                {move || Suspend::new(async move {
                    match auth.user.await {
                        Ok(Some(user)) => view! { <Inbox user=user.id /> }.into_any(),
                        _ => view! { <Redirect path="/login?next=/notifications" /> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn Inbox(user: Uuid) -> impl IntoView {
    let query = use_query_map();
    let mark = ServerAction::<MarkNotification>::new();
    let mark_all = ServerAction::<MarkAllNotificationsRead>::new();
    let live = use_live_inbox(user);
    let page = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("filter"),
                q.get("before"),
                (mark.version().get(), mark_all.version().get()),
                live.get().map(|i| i.version),
            )
        },
        |(filter, before, _, _)| my_notifications(filter, before),
    );
    let failure = Signal::derive(move || {
        mark.value().get().and_then(Result::err).or_else(|| mark_all.value().get().and_then(Result::err))
    });
    let filter = move || Filter::parse(query.read().get("filter").as_deref());
    view! {
        <header class="flex flex-wrap items-center justify-between gap-2">
            <h1 class="text-2xl font-bold" data-testid="notifications-heading">"Notifications"</h1>
            <div class="flex items-center gap-2">
                <ActionForm action=mark_all>
                    <button type="submit" class=SECONDARY_BUTTON_CLASS data-testid="mark-all-read">"Mark all read"</button>
                </ActionForm>
                <A href="/settings/notifications" attr:class="rounded-lg px-2 py-2 text-sm font-medium text-stone-600 hover:text-fuchsia-700 hover:underline" attr:data-testid="notification-settings-link">
                    "Settings"
                </A>
            </div>
        </header>
        <nav aria-label="Filter notifications" class="flex gap-2 overflow-x-auto">
            {Filter::ALL
                .into_iter()
                .map(|f| {
                    let href = match f {
                        Filter::All => "/notifications".to_string(),
                        other => format!("/notifications?filter={}", other.as_str()),
                    };
                    let current = move || (filter() == f).then_some("page");
                    let class = move || format!("{TAB} {}", if filter() == f { TAB_ACTIVE } else { TAB_IDLE });
                    view! {
                        <a href=href class=class aria-current=current data-testid=format!("notifications-tab-{}", f.as_str())>
                            {f.label()}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
        <ErrorAlert error=failure />
        <Transition fallback=|| view! { <Loading label="Loading notifications" /> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <Rows page filter=filter() mark /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Rows(page: InboxPage, filter: Filter, mark: ServerAction<MarkNotification>) -> impl IntoView {
    let InboxPage { items, next, inbox } = page;
    if items.is_empty() {
        let empty = match filter {
            Filter::All => "Nothing yet. When people follow you, like or comment on your posts, or buy from your shop, you'll see it here.",
            Filter::Mentions => "Nobody has mentioned or tagged you yet.",
            Filter::Commerce => "No shop, order, group or plan news yet.",
        };
        return view! { <p class="rounded-2xl border border-dashed border-stone-300 p-6 text-center text-sm text-stone-500" data-testid="notifications-empty">{empty}</p> }.into_any();
    }
    let older = next.map(|before| {
        let mut href = format!("/notifications?before={}", encode_query_value(&before));
        if filter != Filter::All {
            href.push_str(&format!("&filter={}", filter.as_str()));
        }
        view! { <a href=href class="block py-3 text-center text-sm font-semibold text-fuchsia-700 hover:underline" data-testid="notifications-older">"Older notifications"</a> }
    });
    view! {
        <p class="sr-only" data-testid="notifications-unread">{format!("{} unread", inbox.unread)}</p>
        <ul class="divide-y divide-stone-200 overflow-hidden rounded-2xl border border-stone-200 bg-white" data-testid="notifications">
            {items.into_iter().map(|n| view! { <Row n mark /> }).collect_view()}
        </ul>
        {older}
    }
    .into_any()
}

#[component]
fn Row(n: NotificationView, mark: ServerAction<MarkNotification>) -> impl IntoView {
    let sentence = n.sentence();
    let NotificationView { id, kind, actors, href, updated_at, read, avatar_url, .. } = n;
    let avatar_name = actors.first().cloned().unwrap_or_else(|| "Storefeed".into());
    let toggle = if read { "Mark unread" } else { "Mark read" };
    let toggle_label = format!("{toggle}: {sentence}");
    // Opening an unread row marks it read first and then follows the link,
    // so the next page's bell is read after the change (once hydrated;
    // before, "Mark read" does). A click meant for a new tab is left alone.
    let navigate = use_navigate();
    let target = href.clone();
    let open = move |ev: MouseEvent| {
        if read || ev.button() != 0 || ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
            return;
        }
        ev.prevent_default();
        let (navigate, target) = (navigate.clone(), target.clone());
        leptos::task::spawn_local(async move {
            // A failed mark still opens what the row is about; the row
            // stays unread and the inbox shows it so.
            let _ = mark_notification(id, true).await;
            navigate(&target, Default::default());
        });
    };
    view! {
        <li class=if read { "flex items-start gap-3 p-3" } else { "flex items-start gap-3 bg-fuchsia-50 p-3" }
            data-testid="notification" data-kind=kind.as_str() data-read=read.to_string()>
            <Avatar url=avatar_url name=avatar_name size=AvatarSize::Small />
            <div class="min-w-0 flex-1">
                <a href=href on:click=open class="block break-words text-sm text-stone-900 hover:underline" data-testid="notification-link">
                    {sentence}
                </a>
                <time class="text-xs text-stone-500" datetime=updated_at.to_rfc3339()>{when(updated_at)}</time>
            </div>
            {(!read).then(|| view! { <span class="mt-1.5 h-2 w-2 shrink-0 rounded-full bg-fuchsia-600" aria-hidden="true"></span> })}
            <ActionForm action=mark>
                <input type="hidden" name="id" value=id.to_string() />
                <input type="hidden" name="read" value=(!read).to_string() />
                <button type="submit" class="whitespace-nowrap rounded-lg px-2 py-1 text-xs font-semibold text-stone-500 hover:bg-stone-100 hover:text-stone-900"
                    aria-label=toggle_label data-testid="notification-toggle-read">
                    {toggle}
                </button>
            </ActionForm>
        </li>
    }
}
