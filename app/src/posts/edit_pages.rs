//! The author's pages around a post: `/post/:id/edit` (text, visibility,
//! linked groups and plans, collaborators, delete), `/post/:id/history` (every earlier version, for
//! readers too) and `/drafts`.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use super::api::{get_post, my_drafts, post_history, DeletePost, EditPost};
use super::card_picker::{linked_picks, CardLinksPicker};
use super::collabs::components::CollaboratorsEditor;
use super::{PostView, Visibility, BODY_MAX};
use crate::accounts::use_auth;
use crate::error::AppError;
use crate::plans::components::ComposeClaimWarning;
use crate::ui::{
    exact_count, raw_text_safe, ErrorAlert, ErrorPage, Loading, INPUT_CLASS, LABEL_CLASS, PRIMARY_BUTTON_CLASS,
};

fn post_id() -> impl Fn() -> Option<Uuid> + Send + Sync + Copy + 'static {
    let params = use_params_map();
    move || params.read().get("id").and_then(|id| Uuid::parse_str(&id).ok())
}

fn when(at: DateTime<Utc>) -> String {
    at.format("%-d %b %Y, %H:%M UTC").to_string()
}

#[component]
pub fn EditPostPage() -> impl IntoView {
    let id = post_id();
    let post = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_post(id).await,
            None => Err(AppError::NotFound("Post".into())),
        }
    });
    view! {
        <Title text="Edit post" />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match post.await {
                    Ok(p) if p.is_author => view! { <EditPostForm post=p /> }.into_any(),
                    Ok(_) => view! { <ErrorPage error=AppError::Forbidden /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EditPostForm(post: PostView) -> impl IntoView {
    let edit = ServerAction::<EditPost>::new();
    let delete = ServerAction::<DeletePost>::new();
    let error = Signal::derive(move || edit.value().get().and_then(Result::err));
    let delete_error = Signal::derive(move || delete.value().get().and_then(Result::err));
    let length = RwSignal::new(post.body.chars().count());
    let body = RwSignal::new(post.body.clone());
    // The linked group deals and plans, saved with the text (`card_picker`).
    let (linked_groups, linked_plans) = linked_picks(&post);
    let groups = RwSignal::new(linked_groups);
    let plans = RwSignal::new(linked_plans);
    let plans_linked = Signal::derive(move || plans.with(|p| !p.is_empty()));
    let confirm_delete = RwSignal::new(false);
    let followers = post.visibility == Visibility::Followers;
    view! {
        <section class="mx-auto max-w-xl rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6">
            <h1 class="text-2xl font-bold">"Edit post"</h1>
            {(!post.is_draft).then(|| view! {
                <p class="text-sm text-stone-600">"Readers can see earlier versions in the post's edit history."</p>
            })}
            <ActionForm action=edit attr:class="mt-4 space-y-4" attr:data-testid="edit-form">
                <ErrorAlert error />
                <input type="hidden" name="id" value=post.id.to_string() />
                <div>
                    <label for="edit-body" class=LABEL_CLASS>"Text"</label>
                    <textarea id="edit-body" name="body" rows="6" maxlength=BODY_MAX.to_string() class=INPUT_CLASS
                        on:input=move |ev| { let text = event_target_value(&ev); length.set(text.chars().count()); body.set(text); }>{raw_text_safe(post.body.clone())}</textarea>
                    <p class="mt-1 text-right text-xs text-stone-500">{move || format!("{}/{BODY_MAX}", length.get())}</p>
                    <div class="-mx-4"><ComposeClaimWarning body plans_linked /></div>
                </div>
                <div>
                    <label for="edit-visibility" class=LABEL_CLASS>"Who can see it"</label>
                    <select id="edit-visibility" name="visibility" class=INPUT_CLASS>
                        <option value="public" selected=!followers>"Everyone"</option>
                        <option value="followers" selected=followers>"Followers only"</option>
                    </select>
                </div>
                <CardLinksPicker groups plans />
                <div class="flex flex-wrap items-center gap-3">
                    <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="save-edit" disabled=move || edit.pending().get()>
                        {move || if edit.pending().get() { "Saving…" } else { "Save" }}
                    </button>
                    <A href=format!("/post/{}", post.id) attr:class="font-medium text-stone-600 hover:underline">"Cancel"</A>
                </div>
            </ActionForm>
            <CollaboratorsEditor post_id=post.id />
            <div class="mt-8 border-t border-stone-200 pt-4">
                <h2 class="font-semibold text-rose-800">"Delete post"</h2>
                <p class="text-sm text-stone-600">"It disappears from every feed and page. This cannot be undone."</p>
                <ActionForm action=delete attr:class="mt-2" attr:data-testid="delete-form">
                    <ErrorAlert error=delete_error />
                    <input type="hidden" name="id" value=post.id.to_string() />
                    <label class="flex items-center gap-2 text-sm">
                        <input type="checkbox" required on:change=move |ev| confirm_delete.set(event_target_checked(&ev)) data-testid="confirm-delete" />
                        "Yes, delete this post"
                    </label>
                    <button type="submit" data-testid="delete-post" disabled=move || delete.pending().get()
                        class="mt-2 inline-flex items-center justify-center rounded-lg bg-rose-700 px-4 py-2 font-semibold text-white shadow-sm hover:bg-rose-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-rose-400 disabled:opacity-60">
                        {move || if delete.pending().get() { "Deleting…" } else { "Delete post" }}
                    </button>
                </ActionForm>
            </div>
        </section>
    }
}

#[component]
pub fn PostHistoryPage() -> impl IntoView {
    let id = post_id();
    let history = Resource::new(id, |id| async move {
        match id {
            Some(id) => post_history(id).await,
            None => Err(AppError::NotFound("Post".into())),
        }
    });
    view! {
        <Title text="Edit history" />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match history.await {
                    Ok(h) => view! {
                        <section class="mx-auto max-w-xl">
                            <h1 class="text-2xl font-bold">"Edit history"</h1>
                            <p class="text-stone-600">
                                {format!("Versions of {}'s post, newest first. ", h.author.display_name)}
                                <A href=format!("/post/{}", h.post_id) attr:class="font-medium text-fuchsia-700 hover:underline">"Back to the post"</A>
                            </p>
                            <ol class="mt-4 space-y-3" data-testid="revisions">
                                {h.revisions.into_iter().map(|r| view! {
                                    <li class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm" data-testid="revision">
                                        <p class="text-xs font-semibold uppercase tracking-wide text-stone-500">
                                            {match r.replaced_at {
                                                None => "Current version".to_string(),
                                                Some(at) => format!("Replaced {}", when(at)),
                                            }}
                                            {(r.visibility == Visibility::Followers).then_some(" · Followers only")}
                                        </p>
                                        <p class="mt-1 whitespace-pre-line">{r.body}</p>
                                    </li>
                                }).collect_view()}
                            </ol>
                        </section>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn DraftsPage() -> impl IntoView {
    let auth = use_auth();
    let drafts = Resource::new(|| (), |_| my_drafts());
    view! {
        <Title text="Drafts" />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                if !matches!(auth.user.await, Ok(Some(_))) {
                    return view! { <Redirect path="/login?next=/drafts" /> }.into_any();
                }
                match drafts.await {
                    Ok(list) => view! {
                        <section class="mx-auto max-w-xl">
                            <div class="flex items-center justify-between">
                                <h1 class="text-2xl font-bold">"Drafts"</h1>
                                <A href="/compose" attr:class=PRIMARY_BUTTON_CLASS>"New post"</A>
                            </div>
                            {if list.is_empty() {
                                view! { <p class="mt-4 rounded-2xl border border-dashed border-stone-300 bg-white p-8 text-center text-stone-500" data-testid="no-drafts">"No drafts. Save one from the compose page to tag it before publishing."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="mt-4 divide-y divide-stone-100 rounded-2xl border border-stone-200 bg-white shadow-sm" data-testid="drafts">
                                        {list.into_iter().map(|d| view! {
                                            <li>
                                                <A href=format!("/post/{}", d.id) attr:class="flex items-center gap-3 p-3 hover:bg-stone-50" attr:data-testid="draft">
                                                    {d.image_url.clone().map(|src| view! { <img src=src alt="" class="h-14 w-14 rounded-lg object-cover" /> })}
                                                    <span class="min-w-0 flex-1">
                                                        <span class="block truncate">{if d.excerpt.is_empty() { "(no text)".to_string() } else { d.excerpt.clone() }}</span>
                                                        <span class="block text-xs text-stone-500">{format!("{} · started {}", exact_count(d.images, "image", "images"), when(d.created_at))}</span>
                                                    </span>
                                                </A>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </section>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
