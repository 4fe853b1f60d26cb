//! `/explore`: recent public posts from accounts you don't follow, and
//! people to discover, most-followed first, with a name search that is a
//! plain GET form (works without WASM).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::accounts::use_auth;
use crate::posts::api::explore_feed;
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
    let posts = Resource::new(move || query.read().get("cursor"), explore_feed);

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
            <h2 id="explore-posts-heading" class="mb-3 text-lg font-semibold">"Recent posts"</h2>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match posts.await {
                        Ok(first) => view! { <InfiniteFeed first source=FeedSource::Explore empty="Nothing new to explore yet." /> }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        </div>
    }
}
