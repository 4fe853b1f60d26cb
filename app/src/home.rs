//! `/`: the landing page. Guests see what Storefeed is and popular creators;
//! signed-in users see who to follow next.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::accounts::use_auth;
use crate::social::api::suggested_people;
use crate::social::components::PeopleList;
use crate::ui::{ErrorPage, Loading, SECONDARY_BUTTON_CLASS};

#[component]
pub fn HomePage() -> impl IntoView {
    let auth = use_auth();
    let people = Resource::new(|| (), |_| suggested_people());

    view! {
        <Title text="" />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let user = auth.user.await.ok().flatten();
                let intro = match &user {
                    Some(u) => view! {
                        <section class="rounded-2xl bg-gradient-to-br from-fuchsia-600 to-amber-500 p-6 text-white shadow" data-testid="home-welcome">
                            <h1 class="text-2xl font-bold">{format!("Welcome back, {}", u.display_name)}</h1>
                            <p class="mt-1 text-white/90">"Follow creators to fill your feed with things worth buying."</p>
                        </section>
                    }
                    .into_any(),
                    None => view! {
                        <section class="rounded-2xl bg-gradient-to-br from-fuchsia-600 to-amber-500 p-6 text-white shadow sm:p-10" data-testid="home-hero">
                            <h1 class="text-3xl font-black tracking-tight sm:text-4xl">"Every post can sell."</h1>
                            <p class="mt-2 max-w-lg text-white/90">
                                "Storefeed is a social network where creators tag products in their photos, and you buy without leaving the feed."
                            </p>
                            <div class="mt-6 flex flex-wrap gap-3">
                                <A href="/register" attr:class="inline-flex items-center justify-center rounded-lg bg-white px-4 py-2 font-semibold text-fuchsia-700 shadow-sm hover:bg-fuchsia-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-white">"Create an account"</A>
                                <A href="/login" attr:class=SECONDARY_BUTTON_CLASS>"Log in"</A>
                            </div>
                        </section>
                    }
                    .into_any(),
                };
                let signed_in = user.is_some();
                let heading = if signed_in { "Suggested for you" } else { "Popular creators" };
                let list = match people.await {
                    Ok(people) => view! {
                        <PeopleList people signed_in empty="You follow everyone here already. Try Explore." />
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                };
                view! {
                    {intro}
                    <section class="mt-6 rounded-2xl border border-stone-200 bg-white px-4 py-2 shadow-sm sm:px-6" data-testid="suggested-people">
                        <h2 class="pt-3 text-lg font-semibold">{heading}</h2>
                        {list}
                    </section>
                }
            })}
        </Suspense>
    }
}
