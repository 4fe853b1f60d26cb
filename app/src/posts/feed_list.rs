//! A feed that keeps going: the first page comes rendered from the server
//! with an "Older posts" link (a plain link before the WASM arrives); once
//! hydrated, the next page loads when the reader nears the end.

use super::api::{explore_feed, home_feed, user_posts};
use super::components::{FeedList, PostCard};
use super::related::{related_posts, About};
use super::{FeedPage, PostView};
use crate::error::AppError;
use leptos::prelude::*;

/// Where a feed's pages come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedSource {
    Home,
    Explore,
    User(String),
    About(About),
}

impl FeedSource {
    async fn page(self, cursor: String) -> Result<FeedPage, AppError> {
        match self {
            FeedSource::Home => home_feed(Some(cursor)).await,
            FeedSource::Explore => explore_feed(Some(cursor)).await,
            FeedSource::User(name) => user_posts(name, Some(cursor)).await,
            FeedSource::About(about) => {
                let (kind, key) = about.kind_and_key();
                related_posts(kind, key, Some(cursor)).await
            }
        }
    }
}

/// Posts as full cards, or as a profile's grid of square thumbnails.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FeedLayout {
    #[default]
    Cards,
    Grid,
}

#[component]
pub fn InfiniteFeed(
    first: FeedPage,
    source: FeedSource,
    empty: &'static str,
    #[prop(optional)] layout: FeedLayout,
) -> impl IntoView {
    if first.posts.is_empty() {
        return view! { <FeedList posts=Vec::new() empty /> }.into_any();
    }
    let more = RwSignal::new(Vec::<PostView>::new());
    let next = RwSignal::new(first.next_cursor.clone());
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let source = StoredValue::new(source);

    let load_next = move || {
        if loading.get_untracked() {
            return;
        }
        let Some(cursor) = next.get_untracked() else { return };
        loading.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match source.get_value().page(cursor).await {
                Ok(page) => {
                    more.update(|m| m.extend(page.posts));
                    next.set(page.next_cursor);
                }
                Err(e) => error.set(Some(e)),
            }
            loading.set(false);
        });
    };

    let sentinel = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(el) = sentinel.get() {
            watch_end(&el, load_next);
        }
    });

    let item = move |post: PostView| match layout {
        FeedLayout::Cards => view! { <PostCard post /> }.into_any(),
        FeedLayout::Grid => view! { <GridTile post /> }.into_any(),
    };
    let class = match layout {
        FeedLayout::Cards => "space-y-4",
        FeedLayout::Grid => "grid grid-cols-3 gap-1 sm:gap-2",
    };
    view! {
        <div class=class data-testid="feed">
            {first.posts.into_iter().map(item).collect_view()}
            <For each=move || more.get() key=|p| p.id children=item />
        </div>
        <div node_ref=sentinel class="py-4 text-center" aria-live="polite">
            {move || error.get().map(|e| view! { <p role="alert" class="text-rose-700">{e.to_string()}</p> })}
            {move || match (next.get(), loading.get()) {
                (_, true) => view! { <p class="text-stone-500" data-testid="feed-loading">"Loading more posts…"</p> }.into_any(),
                (Some(cursor), false) => view! {
                    <a href=format!("?cursor={cursor}") class="font-semibold text-fuchsia-700 hover:underline"
                        data-testid="older-posts" on:click=move |ev| { ev.prevent_default(); load_next(); }>
                        "Older posts"
                    </a>
                }.into_any(),
                (None, false) => view! { <p class="text-sm text-stone-500" data-testid="feed-end">"You're all caught up."</p> }.into_any(),
            }}
        </div>
    }
    .into_any()
}

/// A square thumbnail of a post linking to it: its first image, or its text.
#[component]
fn GridTile(post: PostView) -> impl IntoView {
    let href = format!("/post/{}", post.id);
    let label = match post.body.chars().take(80).collect::<String>() {
        text if text.is_empty() => format!("Post by {}", post.author.display_name),
        text => text,
    };
    let images = post.media.len();
    let aria = label.clone();
    view! {
        <a href=href class="relative block aspect-square overflow-hidden rounded bg-stone-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-500"
            data-testid="grid-tile" aria-label=aria>
            {post.media.first().map(|m| view! { <img src=m.url_600.clone() alt="" loading="lazy" class="h-full w-full object-cover" /> })}
            {post.media.is_empty().then(|| view! {
                <span class="flex h-full w-full items-center justify-center bg-gradient-to-br from-fuchsia-100 to-amber-100 p-2 text-center text-xs text-stone-700 sm:text-sm" aria-hidden="true">{label}</span>
            })}
            {(images > 1).then(|| view! {
                <span class="absolute right-1 top-1 rounded bg-black/60 px-1.5 text-xs font-semibold text-white" aria-hidden="true">{format!("1/{images}")}</span>
            })}
            {(post.visibility == super::Visibility::Followers).then(|| view! {
                <span class="absolute bottom-1 left-1 rounded bg-black/60 px-1.5 text-xs text-white">"Followers"</span>
            })}
        </a>
    }
}

/// Calls `load` whenever the element comes within a screen of the viewport.
#[cfg(feature = "hydrate")]
fn watch_end(el: &web_sys::HtmlDivElement, load: impl Fn() + 'static) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};

    let callback = Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
        if entries.iter().any(|e| e.unchecked_into::<IntersectionObserverEntry>().is_intersecting()) {
            load();
        }
    });
    let options = IntersectionObserverInit::new();
    options.set_root_margin("800px 0px");
    if let Ok(observer) = IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &options) {
        observer.observe(el);
    }
    // The observer lives as long as the page's element does.
    callback.forget();
}
