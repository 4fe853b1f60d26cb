//! A feed that keeps going: the first page comes rendered from the server
//! with an "Older posts" link (a plain link before the WASM arrives); once
//! hydrated, the next page loads when the reader nears the end, and Back to
//! the feed brings the same pages and scroll position (`feed_position`).

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
    /// Explore, narrowed to posts showing a kind of card (`card_filter`).
    Explore(Option<super::card_filter::Has>),
    User(String),
    About(About),
}

impl FeedSource {
    async fn page(self, cursor: String) -> Result<FeedPage, AppError> {
        match self {
            FeedSource::Home => home_feed(Some(cursor)).await,
            FeedSource::Explore(has) => explore_feed(Some(cursor), has.map(|h| h.as_str().to_string())).await,
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
    // Pages shown, and pages asked for (by scrolling, the "Older posts" link
    // or a return to this feed); one effect loads the difference, one page
    // at a time.
    let loaded = RwSignal::new(1usize);
    let wanted = RwSignal::new(1usize);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let source = StoredValue::new(source);
    // Also called by the browser (the end of the feed coming into view),
    // possibly after the feed has left the page: then there is nothing to do.
    let ask_for_more = move || {
        if next.try_with_untracked(Option::is_some) == Some(true) {
            let more = loaded.get_untracked() + 1;
            wanted.try_update(|w| *w = (*w).max(more));
        }
    };

    Effect::new(move |_| {
        if loaded.get() >= wanted.get() || loading.get() {
            return;
        }
        let Some(cursor) = next.get() else { return };
        loading.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match source.get_value().page(cursor).await {
                Ok(page) => {
                    more.update(|m| m.extend(page.posts));
                    next.set(page.next_cursor);
                    loaded.update(|n| *n += 1);
                }
                Err(e) => {
                    // Stop asking; the "Older posts" link tries again.
                    if let Some(shown) = loaded.try_get_untracked() {
                        wanted.set(shown);
                    }
                    error.set(Some(e));
                }
            }
            loading.set(false);
        });
    });

    let sentinel = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    {
        Effect::new(move |_| {
            if let Some(el) = sentinel.get() {
                watch_end(&el, ask_for_more);
            }
        });
        return_to_the_same_place(sentinel, loaded, wanted, loading, next);
    }

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
            <For each=move || more.get() key=|p| p.entry_id children=item />
        </div>
        <div node_ref=sentinel class="py-4 text-center" aria-live="polite">
            {move || error.get().map(|e| view! { <p role="alert" class="text-rose-700">{e.to_string()}</p> })}
            {move || match (next.get(), loading.get()) {
                (_, true) => view! { <p class="text-stone-500" data-testid="feed-loading">"Loading more posts…"</p> }.into_any(),
                (Some(cursor), false) => view! {
                    <a href=format!("?cursor={cursor}") class="font-semibold text-fuchsia-700 hover:underline"
                        data-testid="older-posts" on:click=move |ev| { ev.prevent_default(); ask_for_more(); }>
                        "Older posts"
                    </a>
                }.into_any(),
                (None, false) => view! { <p class="text-sm text-stone-500" data-testid="feed-end">"You're all caught up."</p> }.into_any(),
            }}
        </div>
    }
    .into_any()
}

/// Keeps note of how far the reader is in this feed and, when they come
/// back to it with Back or Forward, loads the pages they had and scrolls to
/// where they were once those are on screen.
#[cfg(feature = "hydrate")]
fn return_to_the_same_place(
    sentinel: NodeRef<leptos::html::Div>,
    loaded: RwSignal<usize>,
    wanted: RwSignal<usize>,
    loading: RwSignal<bool>,
    next: RwSignal<Option<String>>,
) {
    use super::feed_position::{feed_key, remember, returning_to, watch_history};
    use leptos::ev;
    use leptos::prelude::window_event_listener;

    watch_history();
    let key = leptos_router::hooks::use_url().with_untracked(|u| feed_key(u.path(), u.search()));
    let scroll_to = RwSignal::new(None::<f64>);
    if let Some(spot) = returning_to(&key) {
        wanted.set(spot.pages_to_restore());
        scroll_to.set(Some(spot.scroll_y));
    }

    let pages_key = key.clone();
    Effect::new(move |_| {
        let pages = loaded.get();
        remember(&pages_key, |spot| spot.pages = pages);
    });
    // Only while the feed is on the page: leaving it shortens the page and
    // scrolls the window, which is not the reader's doing.
    let on_scroll = window_event_listener(ev::scroll, move |_| {
        let on_page = sentinel.try_get_untracked().flatten().is_some_and(|el| el.is_connected());
        if on_page && scroll_to.try_with_untracked(Option::is_none) == Some(true) {
            let y = window().scroll_y().unwrap_or_default();
            remember(&key, |spot| spot.scroll_y = y);
        }
    });
    on_cleanup(move || on_scroll.remove());

    Effect::new(move |_| {
        let Some(y) = scroll_to.get() else { return };
        let done = !loading.get() && (loaded.get() >= wanted.get() || next.get().is_none());
        if done {
            // After the new posts are laid out (their images have their size
            // before they load, so the page's height is already right).
            request_animation_frame(move || {
                window().scroll_to_with_x_and_y(0.0, y);
                scroll_to.try_set(None);
            });
        }
    });
}

/// A square thumbnail of a post linking to it: its first image, or its text.
#[component]
fn GridTile(post: PostView) -> impl IntoView {
    let href = format!("/post/{}", post.id);
    let label = match post.body.chars().take(80).collect::<String>() {
        text if text.is_empty() => format!("Post by {}", post.author.display_name),
        text => text,
    };
    let reposted = post.reposted_by.is_some();
    let aria = if reposted { format!("Reposted: {label}") } else { label.clone() };
    let images = post.media.len();
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
            {reposted.then(|| view! {
                <span class="absolute left-1 top-1 rounded bg-black/60 px-1.5 text-xs font-semibold text-white" aria-hidden="true" data-testid="grid-reposted">"↻"</span>
            })}
            {(post.visibility == super::Visibility::Followers).then(|| view! {
                <span class="absolute bottom-1 left-1 rounded bg-black/60 px-1.5 text-xs text-white">"Followers"</span>
            })}
            // A co-authored post (`collabs`): its byline is on the post.
            {(!post.coauthors.is_empty()).then(|| view! {
                <span class="absolute bottom-1 right-1 rounded bg-black/60 px-1.5 text-xs text-white" data-testid="collab-badge">"Collab"</span>
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
