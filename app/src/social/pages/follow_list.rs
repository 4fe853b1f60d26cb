//! `/u/:username/followers` and `/u/:username/following`, a page at a time
//! (a private account's only for its owner and accepted followers).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::accounts::use_auth;
use crate::error::AppError;
use crate::social::api::follow_list;
use crate::social::components::{PeopleList, PrivateAccountNotice};
use crate::ui::{ErrorPage, Loading};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum FollowListKind {
    Followers,
    Following,
}

#[component]
pub fn FollowListPage(kind: FollowListKind) -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let auth = use_auth();
    let followers = kind == FollowListKind::Followers;
    let username = move || params.read().get("username").unwrap_or_default();
    let page = Resource::new(
        move || (username(), query.read().get("cursor")),
        move |(username, cursor)| follow_list(username, followers, cursor),
    );
    let heading = if followers { "Followers" } else { "Following" };
    let empty = if followers { "No followers yet." } else { "Not following anyone yet." };

    view! {
        <Title text=move || format!("{heading} of @{}", username()) />
        <section class="mx-auto max-w-xl rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6">
            <nav class="mb-2 text-sm"><A href=move || format!("/u/{}", username()) attr:class="text-fuchsia-700 hover:underline">{move || format!("← @{}", username())}</A></nav>
            <h1 class="text-xl font-bold" data-testid="follow-list-heading">{heading}</h1>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    let signed_in = matches!(auth.user.await, Ok(Some(_)));
                    match page.await {
                        Ok(p) => {
                            let next = p.next_cursor.clone().map(|c| format!("?cursor={c}"));
                            view! {
                                <PeopleList people=p.people signed_in empty />
                                {next.map(|href| view! {
                                    <A href=href attr:class="mt-4 block text-center font-semibold text-fuchsia-700 hover:underline" attr:data-testid="next-page">"More"</A>
                                })}
                            }
                            .into_any()
                        }
                        Err(AppError::Forbidden) => view! { <div class="mt-4"><PrivateAccountNotice /></div> }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
