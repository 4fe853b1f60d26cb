//! The comments under a post: the list (oldest first, more on request), a
//! form to add one, and a remove button for whoever may remove it. All of it
//! works as plain forms before the WASM client arrives.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use super::api::{list_comments, AddComment, DeleteComment};
use super::{CommentView, COMMENT_MAX};
use crate::accounts::use_auth;
use crate::posts::post_menu::{MenuFor, PostMenu};
use crate::ui::{count_label, Avatar, AvatarSize, ErrorAlert, Loading, INPUT_CLASS, PRIMARY_BUTTON_CLASS};

fn when(at: DateTime<Utc>) -> String {
    at.format("%-d %b %Y, %H:%M").to_string()
}

#[component]
pub fn CommentsSection(post_id: Uuid) -> impl IntoView {
    let add = ServerAction::<AddComment>::new();
    let remove = ServerAction::<DeleteComment>::new();
    let comments =
        Resource::new(move || (add.version().get(), remove.version().get()), move |_| list_comments(post_id, None));
    let more = RwSignal::new(Vec::<CommentView>::new());
    let next = RwSignal::new(None::<String>);
    let loading_more = RwSignal::new(false);
    let auth = use_auth();
    let add_error = Signal::derive(move || add.value().get().and_then(Result::err));
    let remove_error = Signal::derive(move || remove.value().get().and_then(Result::err));
    let draft = RwSignal::new(String::new());
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(_))) {
            draft.set(String::new());
        }
    });

    let load_more = move |_| {
        let Some(cursor) = next.get_untracked() else { return };
        loading_more.set(true);
        leptos::task::spawn_local(async move {
            if let Ok(page) = list_comments(post_id, Some(cursor)).await {
                more.update(|m| m.extend(page.comments));
                next.set(page.next_cursor);
            }
            loading_more.set(false);
        });
    };

    view! {
        <section id="comments" class="mt-4 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm" aria-labelledby="comments-heading">
            <Transition fallback=|| view! { <Loading label="Loading comments" /> }>
                {move || Suspend::new(async move {
                    match comments.await {
                        Ok(page) => {
                            more.set(Vec::new());
                            next.set(page.next_cursor.clone());
                            let total = page.total;
                            view! {
                                <h2 id="comments-heading" class="text-lg font-semibold" data-testid="comments-heading">
                                    {count_label(total, "comment", "comments")}
                                </h2>
                                <ErrorAlert error=remove_error />
                                <ul class="mt-2 divide-y divide-stone-100" data-testid="comment-list">
                                    {page.comments.into_iter().map(|c| view! { <CommentItem post_id comment=c remove /> }).collect_view()}
                                    <For each=move || more.get() key=|c| c.id let:c>
                                        <CommentItem post_id comment=c remove />
                                    </For>
                                </ul>
                                <Show when=move || next.get().is_some()>
                                    <button type="button" class="mt-2 text-sm font-semibold text-fuchsia-700 hover:underline"
                                        on:click=load_more disabled=move || loading_more.get() data-testid="more-comments">
                                        {move || if loading_more.get() { "Loading…" } else { "Show more comments" }}
                                    </button>
                                </Show>
                            }
                            .into_any()
                        }
                        Err(error) => view! { <p role="alert" class="text-rose-700">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match auth.user.await {
                        Ok(Some(_)) => view! {
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
                        .into_any(),
                        _ => view! {
                            <p class="mt-3 text-sm text-stone-600">
                                <A href=format!("/login?next=/post/{post_id}") attr:class="font-semibold text-fuchsia-700 hover:underline">"Log in"</A>
                                " to comment."
                            </p>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn CommentItem(post_id: Uuid, comment: CommentView, remove: ServerAction<DeleteComment>) -> impl IntoView {
    let CommentView { id, author, body, created_at, can_delete } = comment;
    let profile = format!("/u/{}", author.username);
    let (name, avatar) = (author.display_name.clone(), author.avatar_url.clone());
    let share_title = format!("{}'s comment on Storefeed", author.display_name);
    // The comment's own address: its menu links and shares here.
    let anchor = format!("comment-{id}");
    view! {
        <li class="flex scroll-mt-20 gap-3 py-3" id=anchor.clone() data-testid="comment">
            <A href=profile.clone()><Avatar url=avatar name size=AvatarSize::Small /></A>
            <div class="min-w-0 flex-1">
                <p class="text-sm">
                    <A href=profile attr:class="font-semibold hover:underline">{author.display_name}</A>
                    <span class="text-stone-500">" · "<time datetime=created_at.to_rfc3339()>{when(created_at)}</time></span>
                </p>
                <p class="whitespace-pre-line" data-testid="comment-body">{body}</p>
            </div>
            <div class="flex shrink-0 items-start gap-1">
                {can_delete.then(|| view! {
                    <ActionForm action=remove>
                        <input type="hidden" name="id" value=id.to_string() />
                        <button type="submit" class="text-sm text-rose-700 hover:underline" data-testid="delete-comment">"Remove"</button>
                    </ActionForm>
                })}
                <PostMenu path=format!("/post/{post_id}#{anchor}") kind=MenuFor::Comment share_title />
            </div>
        </li>
    }
}
