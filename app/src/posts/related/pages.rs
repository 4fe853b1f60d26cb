//! `/tag/:name` (a hashtag's posts) and `/u/:username/tagged` (posts that
//! tag or mention a person).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::{related_posts, About};
use crate::error::AppError;
use crate::posts::feed_list::{FeedSource, InfiniteFeed};
use crate::posts::text::normalize_hashtag;
use crate::social::components::PrivateAccountNotice;
use crate::ui::Loading;
use crate::ui::NotFound;

#[component]
pub fn HashtagPage() -> impl IntoView {
    let params = use_params_map();
    let tag = move || params.read().get("name").and_then(|n| normalize_hashtag(&n));
    move || {
        match tag() {
        Some(tag) => view! {
            <Title text=format!("#{tag}") />
            <section class="mx-auto max-w-xl">
                <h1 class="text-2xl font-bold" data-testid="hashtag-title">{format!("#{tag}")}</h1>
                <RelatedPosts about=About::Hashtag(tag.clone()) heading="Latest posts".into() empty="No posts with this hashtag yet." />
            </section>
        }
        .into_any(),
        None => view! { <NotFound /> }.into_any(),
    }
    }
}

#[component]
pub fn TaggedPage() -> impl IntoView {
    let params = use_params_map();
    let username = move || params.read().get("username").unwrap_or_default().to_lowercase();
    move || {
        let name = username();
        view! {
            <Title text=format!("Posts tagging @{name}") />
            <section class="mx-auto max-w-xl">
                <nav class="flex gap-4 border-b border-stone-200 text-sm font-semibold" aria-label="Profile sections">
                    <A href=format!("/u/{name}") attr:class="pb-2 text-stone-500 hover:text-stone-900">"Posts"</A>
                    <span class="border-b-2 border-stone-900 pb-2" aria-current="page">"Tagged"</span>
                </nav>
                <RelatedPosts about=About::User(name.clone()) heading=format!("Posts tagging @{name}") empty="Nobody has tagged them yet." />
            </section>
        }
    }
}

/// A section listing the posts about something, loading more as the reader scrolls.
#[component]
pub fn RelatedPosts(about: About, heading: String, empty: &'static str) -> impl IntoView {
    let (kind, key) = about.kind_and_key();
    // `?cursor=` is the no-JavaScript "Older posts" link's next page.
    let query = leptos_router::hooks::use_query_map();
    let page = Resource::new(
        move || (kind.clone(), key.clone(), query.read().get("cursor")),
        |(kind, key, cursor)| related_posts(kind, key, cursor),
    );
    view! {
        <section class="mt-8" aria-labelledby="related-heading" data-testid="related-posts">
            <h2 id="related-heading" class="mb-3 text-lg font-semibold">{heading}</h2>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || {
                    let about = about.clone();
                    Suspend::new(async move {
                        match page.await {
                            Ok(first) => view! { <InfiniteFeed first source=FeedSource::About(about) empty /> }.into_any(),
                            // Only a private account's "tagged" page refuses a reader.
                            Err(AppError::Forbidden) => view! { <PrivateAccountNotice /> }.into_any(),
                            Err(error) => view! { <p role="alert" class="text-rose-700">{error.to_string()}</p> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}
