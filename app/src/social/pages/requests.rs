//! `/follow-requests`: the people asking to follow the signed-in user's
//! private account, each with Accept and Decline (plain forms before
//! hydration), a page at a time.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_query_map;

use crate::accounts::use_auth;
use crate::social::api::{follow_requests, AcceptFollowRequest, DeclineFollowRequest};
use crate::social::FollowRequest;
use crate::ui::{Avatar, AvatarSize, ErrorPage, Loading, SECONDARY_BUTTON_CLASS};

#[component]
pub fn FollowRequestsPage() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let accept = ServerAction::<AcceptFollowRequest>::new();
    let decline = ServerAction::<DeclineFollowRequest>::new();
    // Answering a request reloads the list, so the row leaves it.
    let page = Resource::new(
        move || (query.read().get("cursor"), accept.version().get(), decline.version().get()),
        |(cursor, _, _)| follow_requests(cursor),
    );
    let failure =
        move || accept.value().get().and_then(Result::err).or_else(|| decline.value().get().and_then(Result::err));

    view! {
        <Title text="Follow requests" />
        <section class="mx-auto max-w-xl rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6">
            <h1 class="text-xl font-bold" data-testid="follow-requests-heading">"Follow requests"</h1>
            <p class="mt-1 text-sm text-stone-500">"People you accept see your posts, tags, followers and following."</p>
            {move || failure().map(|e| view! { <p role="alert" class="mt-2 text-sm text-rose-700">{e.to_string()}</p> })}
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    if !matches!(auth.user.await, Ok(Some(_))) {
                        return view! { <Redirect path="/login?next=/follow-requests" /> }.into_any();
                    }
                    match page.await {
                        Ok(p) if p.requests.is_empty() => view! {
                            <p class="py-8 text-center text-stone-500" data-testid="no-follow-requests">"No one is waiting for an answer."</p>
                        }
                        .into_any(),
                        Ok(p) => {
                            let next = p.next_cursor.clone().map(|c| format!("?cursor={c}"));
                            view! {
                                <ul class="mt-2 divide-y divide-stone-200" data-testid="follow-requests">
                                    {p.requests.into_iter().map(|request| view! { <RequestRow request accept decline /> }).collect_view()}
                                </ul>
                                {next.map(|href| view! {
                                    <A href=href attr:class="mt-4 block text-center font-semibold text-fuchsia-700 hover:underline" attr:data-testid="next-page">"More"</A>
                                })}
                            }
                            .into_any()
                        }
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn RequestRow(
    request: FollowRequest,
    accept: ServerAction<AcceptFollowRequest>,
    decline: ServerAction<DeclineFollowRequest>,
) -> impl IntoView {
    let FollowRequest { username, display_name, avatar_url, .. } = request;
    let href = format!("/u/{username}");
    let (accept_name, decline_name) = (username.clone(), username.clone());
    let (accept_label, decline_label) = (format!("Accept @{username}"), format!("Decline @{username}"));
    let handle = format!("@{username}");
    let avatar_name = display_name.clone();
    view! {
        <li class="flex items-center gap-3 py-3" data-testid="follow-request">
            <A href=href.clone() attr:class="shrink-0">
                <Avatar url=avatar_url name=avatar_name size=AvatarSize::Medium />
            </A>
            <div class="min-w-0 flex-1">
                <A href=href attr:class="block truncate font-semibold hover:underline">{display_name}</A>
                <p class="truncate text-sm text-stone-500">{handle}</p>
            </div>
            <ActionForm action=accept>
                <input type="hidden" name="username" value=accept_name />
                <button type="submit" data-testid="accept-request" aria-label=accept_label
                    class="rounded-lg bg-fuchsia-600 px-3 py-1 text-sm font-semibold text-white hover:bg-fuchsia-700">
                    "Accept"
                </button>
            </ActionForm>
            <ActionForm action=decline>
                <input type="hidden" name="username" value=decline_name />
                <button type="submit" data-testid="decline-request" aria-label=decline_label class=SECONDARY_BUTTON_CLASS>
                    "Decline"
                </button>
            </ActionForm>
        </li>
    }
}
