//! `/explore`: recent public posts from accounts you don't follow, and
//! people to discover, most-followed first, with a name search that is a
//! plain GET form (works without WASM).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::accounts::use_auth;
use crate::posts::api::explore_feed;
use crate::posts::card_filter::Has;
use crate::posts::feed_list::{FeedSource, InfiniteFeed};
use crate::social::api::discover_people;
use crate::social::components::PeopleList;
use crate::ui::{ErrorPage, Loading, INPUT_CLASS, PRIMARY_BUTTON_CLASS};

#[component]
pub fn ExplorePage() -> impl IntoView {
    let query = use_query_map();
    let auth = use_auth();
    let q = move || query.read().get("q").filter(|q| !q.trim().is_empty());
    let people = Resource::new(q, discover_people);
    // `?with=groups` / `?with=plans`: only posts showing such cards.
    let has = move || Has::parse(query.read().get("with").as_deref());
    let posts = Resource::new(
        move || (query.read().get("cursor"), has()),
        |(cursor, has)| explore_feed(cursor, has.map(|h| h.as_str().to_string())),
    );

    view! {
        <Title text="Explore" />
        <div class="grid gap-6 lg:grid-cols-3">
        <section class="lg:order-2">
            <h1 class="text-2xl font-bold">"Explore"</h1>
            <p class="text-stone-600">"Find creators, shops and friends."</p>
            <form method="get" action="/explore" role="search" class="mt-4 flex gap-2">
                <label for="people-search" class="sr-only">"Search people"</label>
                <input id="people-search" type="search" name="q" maxlength="50" placeholder="Search by name or @username"
                    value=move || q().unwrap_or_default() class=INPUT_CLASS />
                <button type="submit" class=format!("{PRIMARY_BUTTON_CLASS} mt-1")>"Search"</button>
            </form>
            <div class="mt-4 rounded-2xl border border-stone-200 bg-white px-4 shadow-sm">
                <Suspense fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        let signed_in = matches!(auth.user.await, Ok(Some(_)));
                        match people.await {
                            Ok(people) => view! { <PeopleList people signed_in empty="Nobody matches that search." /> }.into_any(),
                            Err(error) => view! { <ErrorPage error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </section>
        <section class="lg:order-1 lg:col-span-2" aria-labelledby="explore-posts-heading" data-testid="explore-posts">
            <div class="mb-3 flex flex-wrap items-center justify-between gap-2">
                <h2 id="explore-posts-heading" class="text-lg font-semibold">"Recent posts"</h2>
                <nav aria-label="Filter posts" class="flex flex-wrap items-center gap-2 text-sm" data-testid="explore-filter">
                    <a href="/explore" data-testid="explore-all" aria-current=move || has().is_none().then_some("page")
                        class=move || filter_class(has().is_none())>"All"</a>
                    <span class="text-stone-500">"Has:"</span>
                    {Has::ALL.into_iter().map(|h| view! {
                        <a href=format!("/explore?with={}", h.as_str()) data-testid=format!("explore-{}", h.as_str())
                            aria-current=move || (has() == Some(h)).then_some("page")
                            class=move || filter_class(has() == Some(h))>{h.label()}</a>
                    }).collect_view()}
                </nav>
            </div>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match posts.await {
                        Ok(first) => {
                            let has = has();
                            let empty = has.map_or("Nothing new to explore yet.", Has::empty);
                            let source = FeedSource::Explore(has);
                            view! { <InfiniteFeed first source empty /> }.into_any()
                        }
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        </div>
    }
}

/// A filter link: filled when it is the one shown.
fn filter_class(active: bool) -> &'static str {
    if active {
        "rounded-full bg-fuchsia-600 px-3 py-1 font-semibold text-white"
    } else {
        "rounded-full border border-stone-300 px-3 py-1 font-medium text-stone-700 hover:bg-stone-100"
    }
}
