//! The conversation under a post: top-level comments oldest first, each
//! with its thread of replies (laid out by `thread`, collapsible), likes,
//! edit and delete for the writer, hide and remove for the post's author.
//! Everything that changes something is a plain form first: "Reply" and
//! "Edit" are links (`?reply_to=`, `?edit=`) that render their form on the
//! server, and threads fold with `<details>`, so it all works before (and
//! without) the WASM client.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

use super::api::{
    list_comments, list_replies, AddComment, DeleteComment, EditComment, ReplyComment, SetCommentHidden, SetCommentLike,
};
use super::thread::{build, shown, Node};
use super::{CommentView, ThreadPage, COMMENT_MAX};
use crate::accounts::use_auth;
use crate::posts::components::TextSegments;
use crate::posts::post_menu::{MenuFor, PostMenu};
use crate::ui::{count_label, Avatar, AvatarSize, ErrorAlert, Loading, INPUT_CLASS, PRIMARY_BUTTON_CLASS};

fn when(at: DateTime<Utc>) -> String {
    at.format("%-d %b %Y, %H:%M").to_string()
}

const LINK_BUTTON: &str = "text-xs font-semibold text-stone-500 hover:text-stone-900 hover:underline";

/// What every comment in the section shares: the post, the actions that
/// refresh the list, and what the page's address asks for.
#[derive(Clone, Copy)]
struct Section {
    post_id: Uuid,
    reply: ServerAction<ReplyComment>,
    edit: ServerAction<EditComment>,
    remove: ServerAction<DeleteComment>,
    hide: ServerAction<SetCommentHidden>,
    reply_to: Memo<Option<Uuid>>,
    editing: Memo<Option<Uuid>>,
    /// Threads the reader opened by replying in them.
    opened: RwSignal<HashSet<Uuid>>,
    comments_off: bool,
    signed_in: bool,
}

#[component]
pub fn CommentsSection(post_id: Uuid) -> impl IntoView {
    let add = ServerAction::<AddComment>::new();
    let reply = ServerAction::<ReplyComment>::new();
    let edit = ServerAction::<EditComment>::new();
    let remove = ServerAction::<DeleteComment>::new();
    let hide = ServerAction::<SetCommentHidden>::new();
    let comments = Resource::new(
        move || {
            (
                add.version().get(),
                reply.version().get(),
                edit.version().get(),
                remove.version().get(),
                hide.version().get(),
            )
        },
        move |_| list_comments(post_id, None),
    );
    let query = use_query_map();
    let reply_to = Memo::new(move |_| query.read().get("reply_to").and_then(|v| Uuid::parse_str(&v).ok()));
    let editing = Memo::new(move |_| query.read().get("edit").and_then(|v| Uuid::parse_str(&v).ok()));
    let opened = RwSignal::new(HashSet::<Uuid>::new());
    let more = RwSignal::new(Vec::<ThreadPage>::new());
    let next = RwSignal::new(None::<String>);
    let loading_more = RwSignal::new(false);
    let auth = use_auth();
    let action_error = Signal::derive(move || {
        [
            reply.value().get().and_then(Result::err),
            edit.value().get().and_then(Result::err),
            remove.value().get().and_then(Result::err),
            hide.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
    });
    // A reply or an edit saved with the client: open its thread and leave
    // the `?reply_to=` / `?edit=` address, which closes the form.
    let navigate = use_navigate();
    Effect::new(move |_| {
        let replied = reply.value().get();
        let edited = edit.value().get();
        if let Some(Ok(root)) = replied {
            opened.update(|o| {
                o.insert(root);
            });
        }
        if matches!(replied, Some(Ok(_))) || matches!(edited, Some(Ok(()))) {
            navigate(&format!("/post/{post_id}"), Default::default());
        }
    });

    let load_more = move |_| {
        let Some(cursor) = next.get_untracked() else { return };
        loading_more.set(true);
        leptos::task::spawn_local(async move {
            if let Ok(page) = list_comments(post_id, Some(cursor)).await {
                more.update(|m| m.extend(page.threads));
                next.set(page.next_cursor);
            }
            loading_more.set(false);
        });
    };

    view! {
        <section id="comments" class="mt-4 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm" aria-labelledby="comments-heading">
            <Transition fallback=|| view! { <Loading label="Loading comments" /> }>
                {move || Suspend::new(async move {
                    let signed_in = matches!(auth.user.await, Ok(Some(_)));
                    match comments.await {
                        Ok(page) => {
                            more.set(Vec::new());
                            next.set(page.next_cursor.clone());
                            let section = Section {
                                post_id, reply, edit, remove, hide, reply_to, editing, opened,
                                comments_off: page.comments_off, signed_in,
                            };
                            view! {
                                <h2 id="comments-heading" class="text-lg font-semibold" data-testid="comments-heading">
                                    {count_label(page.total, "comment", "comments")}
                                </h2>
                                <ErrorAlert error=action_error />
                                <ul class="mt-2 divide-y divide-stone-100" data-testid="comment-list">
                                    {page.threads.into_iter().map(|thread| view! { <Thread section thread /> }).collect_view()}
                                    <For each=move || more.get() key=|t| t.root.id let:thread>
                                        <Thread section thread />
                                    </For>
                                </ul>
                                <Show when=move || next.get().is_some()>
                                    <button type="button" class="mt-2 text-sm font-semibold text-fuchsia-700 hover:underline"
                                        on:click=load_more disabled=move || loading_more.get() data-testid="more-comments">
                                        {move || if loading_more.get() { "Loading…" } else { "Show more comments" }}
                                    </button>
                                </Show>
                                <CommentForm section add />
                            }
                            .into_any()
                        }
                        Err(error) => view! { <p role="alert" class="text-rose-700">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The form for a new top-level comment; a note instead when comments are
/// off or the reader is signed out.
#[component]
fn CommentForm(section: Section, add: ServerAction<AddComment>) -> impl IntoView {
    let post_id = section.post_id;
    let add_error = Signal::derive(move || add.value().get().and_then(Result::err));
    let draft = RwSignal::new(String::new());
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(_))) {
            draft.set(String::new());
        }
    });
    if section.comments_off {
        return view! {
            <p class="mt-3 rounded-lg bg-stone-100 px-3 py-2 text-sm text-stone-600" role="status" data-testid="comments-off">
                "Comments are turned off for this post."
            </p>
        }
        .into_any();
    }
    if !section.signed_in {
        return view! {
            <p class="mt-3 text-sm text-stone-600">
                <A href=format!("/login?next=/post/{post_id}") attr:class="font-semibold text-fuchsia-700 hover:underline">"Log in"</A>
                " to comment."
            </p>
        }
        .into_any();
    }
    view! {
        <ActionForm action=add attr:class="mt-3 space-y-2" attr:data-testid="comment-form">
            <ErrorAlert error=add_error />
            <input type="hidden" name="post_id" value=post_id.to_string() />
            <label for="comment-body" class="sr-only">"Add a comment"</label>
            <textarea id="comment-body" name="body" rows="2" required maxlength=COMMENT_MAX.to_string()
                placeholder="Add a comment…" class=INPUT_CLASS
                prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
            <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="post-comment" disabled=move || add.pending().get()>
                {move || if add.pending().get() { "Posting…" } else { "Post comment" }}
            </button>
        </ActionForm>
    }
    .into_any()
}

/// A top-level comment and its replies; "View more replies" reads the
/// thread's next page and lays the whole thread out again.
#[component]
fn Thread(section: Section, thread: ThreadPage) -> impl IntoView {
    let ThreadPage { root, replies, reply_count, more_replies } = thread;
    let root_id = root.id;
    let root = StoredValue::new(root);
    let loaded = RwSignal::new(replies);
    let next = RwSignal::new(more_replies);
    let loading = RwSignal::new(false);
    let load_more = move |_| {
        let Some(cursor) = next.get_untracked() else { return };
        loading.set(true);
        leptos::task::spawn_local(async move {
            if let Ok(page) = list_replies(root_id, Some(cursor)).await {
                loaded.update(|l| l.extend(page.replies));
                next.set(page.next_cursor);
            }
            loading.set(false);
        });
    };
    let more_button = move || {
        next.get().is_some().then(|| {
            view! {
                <button type="button" class="ml-11 mt-1 text-xs font-semibold text-fuchsia-700 hover:underline"
                    on:click=load_more disabled=move || loading.get() data-testid="more-replies">
                    {move || if loading.get() { "Loading…" } else { "View more replies" }}
                </button>
            }
        })
    };
    view! {
        <li class="py-3" data-testid="comment-thread" data-comment-id=root_id.to_string()>
            {move || {
                build(root.get_value(), loaded.get())
                    .map(|node| comment_node(section, node, 0, Some(reply_count), more_button.into_any()))
            }}
        </li>
    }
}

/// One comment with its replies under it. Recursive, hence a function
/// returning `AnyView` rather than a component.
fn comment_node(section: Section, node: Node, level: i32, reply_count: Option<i64>, footer: AnyView) -> AnyView {
    let Node { comment, replying_to, replies } = node;
    let id = comment.id;
    let shown_replies = reply_count.unwrap_or_else(|| replies.iter().map(|r| shown(r) as i64).sum());
    let in_thread: Vec<Uuid> = std::iter::once(id).chain(replies.iter().flat_map(ids)).collect();
    let has_replies = !replies.is_empty();
    // The top level folds by default; deeper levels start open. A thread the
    // reader is replying in, editing in or just replied to starts open.
    let open = level > 0
        || section.opened.get_untracked().contains(&id)
        || section.reply_to.get_untracked().is_some_and(|r| in_thread.contains(&r))
        || section.editing.get_untracked().is_some_and(|r| in_thread.contains(&r));
    let replies_view = has_replies.then(|| {
        let children = replies
            .into_iter()
            .map(|child| comment_node(section, child, level + 1, None, ().into_any()))
            .collect_view();
        view! { <Replies open count=shown_replies>{children}</Replies> }
    });
    let spacing = if level > 0 { "mt-3" } else { "" };
    view! {
        <div data-depth=level.to_string() class=spacing>
            <CommentItem section comment replying_to />
            {move || (section.reply_to.get() == Some(id)).then(|| view! { <ReplyForm section parent_id=id /> })}
            {replies_view}
            {footer}
        </div>
    }
    .into_any()
}

fn ids(node: &Node) -> Vec<Uuid> {
    std::iter::once(node.comment.id).chain(node.replies.iter().flat_map(ids)).collect()
}

/// A thread's replies behind "View N replies" / "Hide replies": a
/// `<details>` the browser folds by itself; the client keeps
/// `aria-expanded` in step.
#[component]
fn Replies(open: bool, count: i64, children: Children) -> impl IntoView {
    let expanded = RwSignal::new(open);
    let details = NodeRef::<leptos::html::Details>::new();
    let label = if count == 1 { "View 1 reply".to_string() } else { format!("View {count} replies") };
    view! {
        <details class="group ml-11 mt-2" open=open node_ref=details data-testid="replies"
            on:toggle=move |_| {
                if let Some(d) = details.get_untracked() {
                    expanded.set(d.open());
                }
            }>
            <summary role="button" aria-expanded=move || expanded.get().to_string() data-testid="replies-toggle"
                class="cursor-pointer list-none text-xs font-semibold text-stone-500 hover:text-stone-900 [&::-webkit-details-marker]:hidden">
                <span class="group-open:hidden">{label}</span>
                <span class="hidden group-open:inline">"Hide replies"</span>
            </summary>
            <div class="border-l-2 border-stone-100 pl-3">{children()}</div>
        </details>
    }
}

#[component]
fn CommentItem(section: Section, comment: CommentView, replying_to: Option<String>) -> impl IntoView {
    let CommentView { id, author, body, segments, created_at, deleted, edited, hidden, held, .. } = comment.clone();
    let anchor = format!("comment-{id}");
    let post_id = section.post_id;
    let Some(author) = author.filter(|_| !deleted) else {
        return view! {
            <article class="flex scroll-mt-20 gap-3" id=anchor data-testid="comment" data-comment-id=id.to_string()>
                <p class="text-sm italic text-stone-500" data-testid="comment-deleted">"Comment deleted"</p>
            </article>
        }
        .into_any();
    };
    let profile = format!("/u/{}", author.username);
    let share_title = format!("{}'s comment on Storefeed", author.display_name);
    let avatar_name = author.display_name.clone();
    let can_edit = comment.can_edit;
    let editing = move || can_edit && section.editing.get() == Some(id);
    let can_reply = section.signed_in && !section.comments_off;
    view! {
        <article class="flex scroll-mt-20 gap-3" id=anchor.clone() data-testid="comment" data-comment-id=id.to_string()>
            <A href=profile.clone()><Avatar url=author.avatar_url.clone() name=avatar_name size=AvatarSize::Small /></A>
            <div class="min-w-0 flex-1">
                <p class="text-sm">
                    <A href=profile attr:class="font-semibold hover:underline">{author.display_name}</A>
                    <span class="text-stone-500">" · "<time datetime=created_at.to_rfc3339()>{when(created_at)}</time></span>
                    {edited.then(|| view! { <span class="text-stone-500" data-testid="comment-edited">" · Edited"</span> })}
                    {held.then(|| view! {
                        <span class="ml-1 rounded-full bg-amber-100 px-2 py-0.5 text-xs text-amber-800" data-testid="comment-held-badge"
                            title="From an account you restricted: only they and you see it until you approve it">"Waiting for your approval"</span>
                    })}
                    {(hidden && !held).then(|| view! {
                        <span class="ml-1 rounded-full bg-stone-200 px-2 py-0.5 text-xs text-stone-700" data-testid="comment-hidden-badge"
                            title="Only the writer and the post's author see this comment">"Hidden"</span>
                    })}
                </p>
                {replying_to.map(|name| view! {
                    <p class="text-xs text-stone-500" data-testid="replying-to">"Replying to @"{name}</p>
                })}
                {comment.removed.clone().map(|notice| view! {
                    <p class="mt-1 rounded-lg border border-rose-300 bg-rose-50 px-2 py-1 text-xs text-rose-900"
                        role="status" data-testid="comment-removal-notice">
                        {notice}" Only you can see it."
                    </p>
                })}
                {move || if editing() {
                    view! { <EditForm section id body=body.clone() /> }.into_any()
                } else {
                    let segments = segments.clone();
                    view! { <p class="whitespace-pre-line" data-testid="comment-body"><TextSegments segments /></p> }.into_any()
                }}
                <div class="mt-1 flex flex-wrap items-center gap-3">
                    <CommentLike id liked=comment.liked like_count=comment.like_count />
                    {can_reply.then(|| view! {
                        <A href=format!("/post/{post_id}?reply_to={id}#comment-{id}") attr:class=LINK_BUTTON attr:data-testid="reply-link">"Reply"</A>
                    })}
                    {move || (can_edit && !editing()).then(|| view! {
                        <A href=format!("/post/{post_id}?edit={id}#comment-{id}") attr:class=LINK_BUTTON attr:data-testid="edit-comment">"Edit"</A>
                    })}
                    {comment.can_delete.then(|| view! {
                        <ActionForm action=section.remove>
                            <input type="hidden" name="id" value=id.to_string() />
                            <button type="submit" class="text-xs font-semibold text-rose-700 hover:underline" data-testid="delete-comment">
                                {if comment.is_mine { "Delete" } else { "Remove" }}
                            </button>
                        </ActionForm>
                    })}
                    {(comment.can_moderate && !comment.is_mine).then(|| view! {
                        <ActionForm action=section.hide>
                            <input type="hidden" name="id" value=id.to_string() />
                            <input type="hidden" name="hidden" value=(!hidden).to_string() />
                            <button type="submit" class=LINK_BUTTON data-testid=if held { "approve-comment" } else { "hide-comment" }>
                                {match (held, hidden) {
                                    (true, _) => "Approve",
                                    (false, true) => "Unhide",
                                    (false, false) => "Hide",
                                }}
                            </button>
                        </ActionForm>
                    })}
                </div>
            </div>
            <div class="flex shrink-0 items-start">
                <PostMenu path=format!("/post/{post_id}#{anchor}") kind=MenuFor::Comment share_title
                    report=(!comment.is_mine).then(|| crate::moderation::pages::report_href(crate::moderation::TargetKind::Comment, id)) />
            </div>
        </article>
    }
    .into_any()
}

/// The reply form `?reply_to=<id>` opens under a comment.
#[component]
fn ReplyForm(section: Section, parent_id: Uuid) -> impl IntoView {
    if !section.signed_in || section.comments_off {
        return ().into_any();
    }
    let reply = section.reply;
    let field = format!("reply-body-{parent_id}");
    view! {
        <ActionForm action=reply attr:class="ml-11 mt-2 space-y-2" attr:data-testid="reply-form">
            <input type="hidden" name="parent_id" value=parent_id.to_string() />
            <label for=field.clone() class="sr-only">"Write a reply"</label>
            <textarea id=field name="body" rows="2" required maxlength=COMMENT_MAX.to_string() autofocus
                placeholder="Write a reply…" class=INPUT_CLASS data-testid="reply-body"></textarea>
            <div class="flex items-center gap-3">
                <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="post-reply" disabled=move || reply.pending().get()>
                    {move || if reply.pending().get() { "Replying…" } else { "Reply" }}
                </button>
                <A href=format!("/post/{}#comment-{parent_id}", section.post_id) attr:class=LINK_BUTTON>"Cancel"</A>
            </div>
        </ActionForm>
    }
    .into_any()
}

/// The edit form `?edit=<id>` puts in place of the writer's comment.
#[component]
fn EditForm(section: Section, id: Uuid, body: String) -> impl IntoView {
    let edit = section.edit;
    let field = format!("edit-body-{id}");
    view! {
        <ActionForm action=edit attr:class="mt-1 space-y-2" attr:data-testid="edit-form">
            <input type="hidden" name="id" value=id.to_string() />
            <label for=field.clone() class="sr-only">"Edit your comment"</label>
            <textarea id=field name="body" rows="2" required maxlength=COMMENT_MAX.to_string() class=INPUT_CLASS
                data-testid="edit-body">{body}</textarea>
            <div class="flex items-center gap-3">
                <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="save-comment-edit" disabled=move || edit.pending().get()>
                    {move || if edit.pending().get() { "Saving…" } else { "Save" }}
                </button>
                <A href=format!("/post/{}#comment-{id}", section.post_id) attr:class=LINK_BUTTON>"Cancel"</A>
            </div>
        </ActionForm>
    }
}

/// Like / unlike a comment, shown at once (optimistic) and saved in the
/// background; a plain form before hydration.
#[component]
fn CommentLike(id: Uuid, liked: bool, like_count: i64) -> impl IntoView {
    let action = ServerAction::<SetCommentLike>::new();
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
            <input type="hidden" name="id" value=id.to_string() />
            <input type="hidden" name="like" value=move || (!shown().0).to_string() />
            <button type="submit" data-testid="comment-like" aria-pressed=move || shown().0.to_string()
                aria-label=move || if shown().0 { "Unlike comment" } else { "Like comment" }
                class=move || if shown().0 { "text-xs font-semibold text-rose-600" } else { "text-xs text-stone-500 hover:text-rose-600" }>
                <span aria-hidden="true">{move || if shown().0 { "♥ " } else { "♡ " }}</span>
                <span data-testid="comment-like-count">{move || shown().1}</span>
            </button>
        </ActionForm>
        {move || error().map(|e| view! { <span role="alert" class="text-xs text-rose-700">{e.to_string()}</span> })}
    }
}
