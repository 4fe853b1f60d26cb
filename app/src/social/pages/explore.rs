//! `/explore`: discover people, most-followed first, with a name search that
//! is a plain GET form (works without WASM).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::accounts::use_auth;
use crate::social::api::discover_people;
use crate::social::components::PeopleList;
use crate::ui::{ErrorPage, Loading, INPUT_CLASS, PRIMARY_BUTTON_CLASS};

#[component]
pub fn ExplorePage() -> impl IntoView {
    let query = use_query_map();
    let auth = use_auth();
    let q = move || query.read().get("q").filter(|q| !q.trim().is_empty());
    let people = Resource::new(q, discover_people);

    view! {
        <Title text="Explore" />
        <section class="mx-auto max-w-xl">
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
    }
}
