//! How reposts and quotes look: the "reposted by" line above a card, the
//! repost control in its footer (repost or undo at once once hydrated, a
//! plain form before; "Quote" opens the compose page), and the embedded
//! card of a quoted post.

use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use super::api::SetRepost;
use super::{quote_href, Quote, QuotedPost};
use crate::posts::Author;
use crate::ui::{count_label, Avatar, AvatarSize};

/// "↻ Ann reposted", above the original's card.
#[component]
pub fn RepostedBy(author: Author) -> impl IntoView {
    view! {
        <p class="flex items-center gap-1 px-4 pt-3 text-xs font-medium text-stone-500" data-testid="reposted-by">
            <span aria-hidden="true">"↻"</span>
            <A href=format!("/u/{}", author.username) attr:class="hover:underline">{author.display_name}</A>
            " reposted"
        </p>
    }
}

/// The repost count with, for a post that may be shared, a menu: Repost
/// (or Undo repost) and Quote. A `<details>` menu, so it opens and its
/// form posts before the WASM arrives.
#[component]
pub fn RepostControl(post: Uuid, reposted: bool, repost_count: i64, shareable: bool) -> impl IntoView {
    if !shareable {
        return view! {
            <span title="Only public posts of public accounts can be reposted">
                <span aria-hidden="true">"↻ "</span>
                <span data-testid="repost-count">{count_label(repost_count, "repost", "reposts")}</span>
            </span>
        }
        .into_any();
    }
    let action = ServerAction::<SetRepost>::new();
    let stored = RwSignal::new((reposted, repost_count));
    let menu = NodeRef::<leptos::html::Details>::new();
    Effect::new(move |_| {
        if let Some(Ok(state)) = action.value().get() {
            stored.set((state.reposted, state.repost_count));
        }
    });
    let shown = move || {
        let (is_reposted, count) = stored.get();
        match action.input().get() {
            Some(pending) if pending.repost != is_reposted => {
                (pending.repost, count + if pending.repost { 1 } else { -1 })
            }
            _ => (is_reposted, count),
        }
    };
    let close = move |_| {
        if let Some(menu) = menu.get() {
            menu.set_open(false);
        }
    };
    let error = move || action.value().get().and_then(Result::err);
    view! {
        <details class="relative" node_ref=menu data-testid="repost-menu">
            <summary class=move || format!("cursor-pointer list-none {}", if shown().0 { "font-semibold text-emerald-700" } else { "hover:text-emerald-700" })
                aria-label=move || format!("{}: repost or quote", count_label(shown().1, "repost", "reposts"))
                data-testid="repost-button" data-reposted=move || shown().0.to_string()>
                <span aria-hidden="true">"↻ "</span>
                <span data-testid="repost-count">{move || count_label(shown().1, "repost", "reposts")}</span>
            </summary>
            <div class="absolute bottom-full left-0 z-10 mb-1 w-44 rounded-xl border border-stone-200 bg-white p-1 shadow-lg">
                <ActionForm action on:submit=close>
                    <input type="hidden" name="id" value=post.to_string() />
                    <input type="hidden" name="repost" value=move || (!shown().0).to_string() />
                    <button type="submit" class="w-full rounded-lg px-3 py-2 text-left text-sm hover:bg-stone-100" data-testid="repost-toggle">
                        {move || if shown().0 { "Undo repost" } else { "Repost" }}
                    </button>
                </ActionForm>
                <A href=quote_href(post) attr:class="block rounded-lg px-3 py-2 text-sm hover:bg-stone-100" attr:data-testid="quote-link">"Quote"</A>
            </div>
        </details>
        {move || error().map(|e| view! { <span role="alert" class="text-rose-700">{e.to_string()}</span> })}
    }
    .into_any()
}

/// The quoted post inside a quote: its author, the start of its text and
/// its first image, linking to it; "unavailable" once it is deleted or no
/// longer visible to the reader.
#[component]
pub fn QuotedCard(quote: Quote) -> impl IntoView {
    match quote.shown {
        Some(quoted) => view! { <QuotedPostCard id=quote.id quoted /> }.into_any(),
        None => view! {
            <p class="mx-4 mt-3 rounded-xl border border-dashed border-stone-300 bg-stone-50 p-3 text-sm text-stone-500" data-testid="quoted-unavailable">
                "This post is unavailable."
            </p>
        }
        .into_any(),
    }
}

/// The embedded card of a post being quoted (also on the compose page).
#[component]
pub fn QuotedPostCard(id: Uuid, quoted: QuotedPost) -> impl IntoView {
    let QuotedPost { author, excerpt, image_url, image_alt, published_at } = quoted;
    view! {
        <A href=format!("/post/{id}") attr:class="mx-4 mt-3 flex gap-3 rounded-xl border border-stone-200 p-3 hover:bg-stone-50" attr:data-testid="quoted-post">
            <div class="min-w-0 flex-1">
                <p class="flex items-center gap-2 text-sm">
                    <Avatar url=author.avatar_url name=author.display_name.clone() size=AvatarSize::Small />
                    <span class="font-semibold" data-testid="quoted-author">{author.display_name}</span>
                    <span class="text-stone-500">"@"{author.username}</span>
                </p>
                <p class="mt-1 whitespace-pre-line text-sm text-stone-700 [overflow-wrap:anywhere]" data-testid="quoted-text">{excerpt}</p>
                <p class="mt-1 text-xs text-stone-500"><time datetime=published_at.to_rfc3339()>{published_at.format("%-d %b %Y").to_string()}</time></p>
            </div>
            {image_url.map(|url| view! { <img src=url alt=image_alt class="h-20 w-20 shrink-0 rounded-lg object-cover" loading="lazy" /> })}
        </A>
    }
}

/// The quote count, for a post someone has quoted.
#[component]
pub fn QuoteCount(quote_count: i64) -> impl IntoView {
    (quote_count > 0)
        .then(|| view! { <span data-testid="quote-count">{count_label(quote_count, "quote", "quotes")}</span> })
}
