//! How a post looks in a feed: author (and, for a collaborative post, its
//! byline), text, images with their tag markers (`tag_markers`), and counts.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;

use uuid::Uuid;

use super::api::SetLike;
use super::bookmarks::components::BookmarkButton;
use super::collabs::components::{Byline, PendingCollaboration};
use super::links::components::LinkCards;
use super::post_menu::{CommentsSwitch, HideControl, MenuFor, PostMenu};
use super::reposts::components::{QuoteCount, QuotedCard, RepostControl, RepostedBy};
use super::tag_markers::TaggedImage;
use super::text::Segment;
use super::{PostView, Visibility};
use crate::groups::components::GroupCards;
use crate::plans::components::{ClaimDisclosure, PlanCards};
use crate::social::safety::api::HidePost;
use crate::social::safety::components::HiddenPostNotice;
use crate::social::safety::HideReason;
use crate::ui::{count_label, Avatar, AvatarSize};

fn when(at: DateTime<Utc>) -> String {
    at.format("%-d %b %Y, %H:%M UTC").to_string()
}

#[component]
pub fn PostCard(post: PostView) -> impl IntoView {
    let PostView {
        id,
        author,
        coauthors,
        pending_coauthors,
        segments,
        visibility,
        published_at,
        like_count,
        comment_count,
        media,
        liked,
        saved,
        bookmark_count,
        links,
        groups,
        plans,
        body,
        is_draft,
        edited,
        is_author,
        comments_off,
        repost_count,
        quote_count,
        reposted,
        shareable,
        reposted_by,
        quote,
        entry_id,
        ..
    } = post;
    let comments_switch = is_author.then_some(CommentsSwitch { post_id: id, off: comments_off });
    let byline = (!coauthors.is_empty()).then(|| (author.clone(), coauthors));
    let profile = format!("/u/{}", author.username);
    let avatar_name = author.display_name.clone();
    let share_title = format!("{} on Storefeed", author.display_name);
    let card = NodeRef::<leptos::html::Article>::new();
    // Drafts and the author's own views are not impressions.
    if !is_draft && !is_author {
        Effect::new(move |_| {
            #[cfg(feature = "hydrate")]
            if let Some(el) = card.get() {
                crate::attribution::watch_impressions(&el);
            }
        });
    }
    // Someone else's post can be hidden from the menu: the card gives way
    // to a notice with Undo.
    let hide = (!is_author).then(|| HideControl { post: id, action: ServerAction::<HidePost>::new() });
    let hidden = RwSignal::new(None::<HideReason>);
    if let Some(hide) = hide {
        Effect::new(move |_| {
            if let Some(Ok(reason)) = hide.action.value().get() {
                hidden.set(Some(reason));
            }
        });
    }
    let failed = move || hide.and_then(|h| h.action.value().get()).and_then(Result::err);
    let undone = Callback::new(move |_| hidden.set(None));
    view! {
        {move || hidden.get().map(|reason| view! { <HiddenPostNotice post=id reason undone /> })}
        <article class="overflow-hidden rounded-2xl border border-stone-200 bg-white shadow-sm" data-testid="post-card"
            class:hidden=move || hidden.get().is_some()
            data-post-id=id.to_string() data-entry-id=entry_id.to_string() node_ref=card>
            {reposted_by.map(|author| view! { <RepostedBy author /> })}
            <header class="flex items-center gap-3 p-3">
                <A href=profile.clone()>
                    <Avatar url=author.avatar_url.clone() name=avatar_name size=AvatarSize::Small />
                </A>
                <div class="min-w-0 flex-1">
                    <A href=profile attr:class="font-semibold hover:underline">{author.display_name.clone()}</A>
                    {byline.map(|(author, coauthors)| view! { <Byline author coauthors /> })}
                    {(!pending_coauthors.is_empty()).then(|| view! { <PendingCollaboration pending=pending_coauthors /> })}
                    <p class="text-xs text-stone-500">
                        <A href=format!("/post/{id}") attr:class="hover:underline" attr:data-testid="post-link">
                            <time datetime=published_at.to_rfc3339()>{when(published_at)}</time>
                        </A>
                        {(visibility == Visibility::Followers).then(|| view! { <span data-testid="followers-only">" · Followers only"</span> })}
                        {edited.then(|| view! {
                            " · "<A href=format!("/post/{id}/history") attr:class="hover:underline" attr:data-testid="edited">"Edited"</A>
                        })}
                    </p>
                </div>
                {is_draft.then(|| view! {
                    <span class="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-800" data-testid="draft-badge">"Draft"</span>
                })}
                {is_author.then(|| view! {
                    <A href=format!("/post/{id}/edit") attr:class="rounded-lg px-2 py-1 text-sm font-medium text-stone-600 hover:bg-stone-100"
                        attr:data-testid="edit-post">"Edit"</A>
                })}
                {(!is_draft).then(|| view! {
                    <PostMenu path=format!("/post/{id}") kind=MenuFor::Post share_title=share_title.clone() comments_switch hide
                        report=(!is_author).then(|| crate::moderation::pages::report_href(crate::moderation::TargetKind::Post, id)) />
                })}
            </header>
            {move || failed().map(|e| view! { <p role="alert" class="px-4 text-sm text-rose-700">{e.to_string()}</p> })}
            {(!media.is_empty()).then(|| view! {
                <div class="flex snap-x snap-mandatory overflow-x-auto" data-testid="post-media">
                    {media.into_iter().map(|m| view! { <TaggedImage media=m /> }).collect_view()}
                </div>
            })}
            {(!segments.is_empty()).then(|| view! { <PostText segments /> })}
            {quote.map(|quote| view! { <QuotedCard quote /> })}
            <ClaimDisclosure body plans=plans.clone() is_author />
            {(!plans.is_empty()).then(|| view! { <PlanCards plans /> })}
            {(!links.is_empty()).then(|| view! { <LinkCards links /> })}
            {(!groups.is_empty()).then(|| view! { <GroupCards groups /> })}
            <footer class="flex flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 text-sm text-stone-600">
                <LikeButton post=id liked like_count />
                <A href=format!("/post/{id}#comments") attr:class="hover:text-stone-900" attr:data-testid="comment-count">
                    {count_label(comment_count, "comment", "comments")}
                </A>
                {(!is_draft).then(|| view! { <RepostControl post=id reposted repost_count shareable /> })}
                <QuoteCount quote_count />
                // Saves are the author's insight only (`bookmark_count` is None for others).
                {bookmark_count.filter(|n| *n > 0).map(|n| view! { <span data-testid="bookmark-count">{count_label(n, "save", "saves")}</span> })}
                {(!is_draft).then(|| view! { <BookmarkButton post=id saved /> })}
            </footer>
        </article>
    }
}

/// The text, with `@user`, `$shop` and `#hashtag` references as links.
#[component]
fn PostText(segments: Vec<Segment>) -> impl IntoView {
    view! {
        <p class="whitespace-pre-line px-4 pt-3" data-testid="post-body">
            <TextSegments segments />
        </p>
    }
}

/// Text from `text::segments` as text nodes and links (never HTML): a
/// post's body and a comment's share it.
#[component]
pub fn TextSegments(segments: Vec<Segment>) -> impl IntoView {
    segments
        .into_iter()
        .map(|segment| match segment {
            Segment::Text(text) => text.into_any(),
            Segment::Link { text, href } => view! {
                <A href=href attr:class="font-medium text-fuchsia-700 hover:underline" attr:data-testid="text-link">{text}</A>
            }
            .into_any(),
        })
        .collect_view()
}

/// Like / unlike, shown at once (optimistic) and saved in the background; a
/// plain form before hydration.
#[component]
fn LikeButton(post: Uuid, liked: bool, like_count: i64) -> impl IntoView {
    let action = ServerAction::<SetLike>::new();
    let saved = RwSignal::new((liked, like_count));
    Effect::new(move |_| {
        if let Some(Ok(state)) = action.value().get() {
            saved.set((state.liked, state.like_count));
        }
    });
    let shown = move || {
        let (is_liked, count) = saved.get();
        match action.input().get() {
            Some(pending) if pending.like != is_liked => (pending.like, count + if pending.like { 1 } else { -1 }),
            _ => (is_liked, count),
        }
    };
    let error = move || action.value().get().and_then(Result::err);
    view! {
        <ActionForm action>
            <input type="hidden" name="id" value=post.to_string() />
            <input type="hidden" name="like" value=move || (!shown().0).to_string() />
            <button type="submit" data-testid="like-button" aria-pressed=move || shown().0.to_string()
                aria-busy=move || action.pending().get().to_string()
                class=move || if shown().0 { "font-semibold text-rose-600" } else { "hover:text-rose-600" }>
                <span aria-hidden="true">{move || if shown().0 { "♥ " } else { "♡ " }}</span>
                <span data-testid="like-count">{move || count_label(shown().1, "like", "likes")}</span>
            </button>
        </ActionForm>
        {move || error().map(|e| view! { <span role="alert" class="text-rose-700">{e.to_string()}</span> })}
    }
}

#[component]
pub fn FeedList(posts: Vec<PostView>, empty: &'static str) -> impl IntoView {
    if posts.is_empty() {
        return view! {
            <p class="rounded-2xl border border-dashed border-stone-300 bg-white p-8 text-center text-stone-500" data-testid="feed-empty">{empty}</p>
        }
        .into_any();
    }
    view! {
        <div class="space-y-4" data-testid="feed">
            {posts.into_iter().map(|post| view! { <PostCard post /> }).collect_view()}
        </div>
    }
    .into_any()
}
